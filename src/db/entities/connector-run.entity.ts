import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One run of a connector, with its counts. */
@Entity({ tableName: 'connector_run' })
export class ConnectorRunEntity {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ type: 'text' })
  connectorId!: string;

  @Property({ type: 'text' })
  trigger!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  startedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  /** RUNNING, SUCCEEDED or FAILED. */
  @Property({ type: 'text' })
  status!: string;

  @Property({ type: 'integer' })
  fetched!: number;

  @Property({ type: 'integer' })
  loaded!: number;

  @Property({ type: 'integer' })
  unchanged!: number;

  @Property({ type: 'integer' })
  quarantined!: number;

  @Property({ type: 'text', nullable: true })
  error?: string | null;
}
