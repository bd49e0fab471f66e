import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** An emission permit (排污许可证) of an enterprise. */
@Entity({ tableName: 'permit' })
export class PermitEntity {
  @PrimaryKey({ type: 'string', columnType: 'text' })
  creditCode!: string;

  @PrimaryKey({ type: 'text' })
  permitNo!: string;

  @Property({ type: 'string', columnType: 'date' })
  validFrom!: string;

  @Property({ type: 'string', columnType: 'date' })
  validTo!: string;

  /** VALID, EXPIRED or REVOKED. */
  @Property({ type: 'text' })
  status!: string;
}
