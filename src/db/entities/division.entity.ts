import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** An administrative division (GB/T 2260): province, city or county. */
@Entity({ tableName: 'division' })
export class DivisionEntity {
  @PrimaryKey({ type: 'string', columnType: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  /** PROVINCE, CITY or COUNTY. */
  @Property({ type: 'text' })
  level!: string;

  @Property({ type: 'string', columnType: 'text', nullable: true })
  parentCode?: string | null;
}
