import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A registered connector: a code connector from connectors/ or a steward's declarative one. */
@Entity({ tableName: 'connector' })
export class ConnectorEntity {
  [OptionalProps]?: 'enabled' | 'config' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'text' })
  id!: string;

  /** `code` or `declarative`. */
  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  owner?: string | null;

  /** Cron expression (node-cron syntax), or null for manual runs only. */
  @Property({ type: 'text', nullable: true })
  schedule?: string | null;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  /** The declarative definition (declarative connectors only). */
  @Property({ type: 'json', nullable: true })
  definition?: unknown;

  /** Connector configuration; secrets are kept here but never returned by the API. */
  @Property({ type: 'json' })
  config: Record<string, unknown> = {};

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
