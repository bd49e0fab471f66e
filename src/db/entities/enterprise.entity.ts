import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A polluting enterprise (排污单位), master data from the permit system. */
@Entity({ tableName: 'enterprise' })
export class EnterpriseEntity {
  @PrimaryKey({ type: 'string', columnType: 'text' })
  creditCode!: string;

  @Property({ type: 'text' })
  name!: string;

  /** County-level division code; what jurisdiction uses. */
  @Property({ type: 'string', columnType: 'text' })
  divisionCode!: string;

  @Property({ type: 'text', nullable: true })
  address?: string | null;

  @Property({ type: 'double', nullable: true })
  longitude?: number | null;

  @Property({ type: 'double', nullable: true })
  latitude?: number | null;

  @Property({ type: 'text', nullable: true })
  industryCode?: string | null;

  @Property({ type: 'text', nullable: true })
  supervisionLevel?: string | null;

  @Property({ type: 'text', nullable: true })
  managementClass?: string | null;

  @Property({ type: 'text', nullable: true })
  basin?: string | null;

  @Property({ type: 'text[]' })
  pollutionTypes: string[] = [];

  @Property({ type: 'text[]' })
  airSources: string[] = [];

  @Property({ type: 'text[]' })
  monitoringFacilities: string[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sourceUpdatedAt?: Date | null;
}
