import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONResolver } from 'graphql-scalars';
import { DateScalar, DateTimeScalar } from '../scalars';
import { Node } from './node.type';

/** One recorded run of a connector. */
@ObjectType({ description: 'One run of a connector: when, how it ended, and what it did', implements: Node })
export class ConnectorRun {
  /** The run's own id (`runId` in the API; `id` is the global id). */
  id!: string;

  @Field({ description: 'Id of the connector that ran, e.g. permit' }) connectorId!: string;
  @Field({ description: 'What started it: manual, api, cli, schedule, start, reset' }) trigger!: string;
  @Field(() => DateTimeScalar, { description: 'When the run started' }) startedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended; null while RUNNING' }) finishedAt!: Date | null;
  @Field({ description: 'RUNNING, SUCCEEDED or FAILED' }) status!: string;
  @Field(() => Int, { description: 'Records fetched from the source' }) fetched!: number;
  @Field(() => Int, { description: 'Records inserted or changed' }) loaded!: number;
  @Field(() => Int, { description: 'Valid records already stored unchanged' }) unchanged!: number;

  @Field(() => Int, { nullable: true, description: 'Records put in quarantine; null for PARTNER keys (quarantine is for stewards and bureaus)' })
  quarantined!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the run failed. The database's own text reaches STEWARD and ADMIN keys only; other keys read that it failed and who can see why",
  })
  error!: string | null;
}

/** A source record held back by ingest. */
@ObjectType({ description: 'A source record the hub could not accept, with its raw payload and why' })
export class QuarantinedRecord {
  @Field(() => ID, { description: 'Id of the quarantined record; reprocessQuarantined takes it' }) id!: string;
  @Field({ description: 'Connector that received it, e.g. permit' }) connectorId!: string;
  @Field(() => String, { nullable: true, description: 'Its id in the source, when it could be read' }) sourceId!: string | null;
  @Field(() => JSONResolver, { description: 'The record exactly as the source sent it (a CSV row as header → cell)' }) payload!: unknown;
  @Field({ description: 'What is wrong, naming the field' }) reason!: string;
  @Field({ description: 'OPEN, REPROCESSED or DISCARDED' }) status!: string;
  @Field(() => DateTimeScalar, { description: 'When the hub first received it' }) receivedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'Last time the source sent it again' }) lastSeenAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it left OPEN (reprocessed or discarded); null while OPEN' }) resolvedAt!: Date | null;
}

/** A page of quarantined records, newest first. */
@ObjectType({ description: 'A page of quarantined records (隔离记录: source records that failed mapping or validation), newest first' })
export class QuarantinedRecordPage {
  @Field(() => Int, { description: 'Records matching connector and status inside your jurisdiction' }) totalCount!: number;
  @Field(() => [QuarantinedRecord], { description: 'The records of this page, newest first' }) items!: QuarantinedRecord[];
  @Field({ description: 'Whether older records follow (pass endCursor as after)' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor!: string | null;
}

/** A date-read connector's backfill of the history window. */
@ObjectType({
  description:
    'How much of the history window (the active rule set’s window plus the connector’s overlap) a connector has read: dates from `from` to `to`, `done` of `total` stored. A first run reads it all; activating a rule set with a longer window makes the next run read the dates before `coveredFrom`.',
})
export class ConnectorBackfill {
  @Field(() => DateScalar, { description: 'First date of the range the store must hold' }) from!: string;
  @Field(() => DateScalar, { description: 'Last date of the range (yesterday for daily sources, today for others)' }) to!: string;
  @Field(() => Int, { description: 'Dates of the range read completely' }) done!: number;
  @Field(() => Int, { description: 'Dates in the range' }) total!: number;

  @Field(() => DateScalar, { nullable: true, description: 'The earliest date read completely; null before the first date is stored' })
  coveredFrom!: string | null;
}

/** A source integration as stewards manage it. */
@ObjectType({ description: 'A connector: a code connector or a steward’s declarative one', implements: Node })
export class Connector {
  /** The connector's own id (`connectorId` in the API; `id` is the global id). */
  id!: string;

  @Field({ description: 'code or declarative' }) kind!: string;
  @Field({ description: 'Human-readable name, e.g. 排污许可管理信息平台 (the permit management platform)' }) title!: string;
  @Field(() => String, { nullable: true, description: 'Who runs the source system (e.g. the department), as the connector declares it' }) owner!: string | null;
  @Field(() => String, { nullable: true, description: 'Cron schedule (China time); null = manual runs only' }) schedule!: string | null;
  @Field({ description: 'Whether schedules and hub sync (without --connector) run it' }) enabled!: boolean;

  @Field(() => Int, { nullable: true, description: 'Open quarantined records; null for PARTNER keys (quarantine is for stewards and bureaus)' })
  quarantined!: number | null;

  @Field(() => JSONResolver, { description: 'Configuration with defaults applied; secrets shown as ***' }) config!: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The declarative definition (declarative connectors); secret header values are never part of it' })
  definition!: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The committed cursor / watermark' }) cursor!: unknown;

  @Field(() => String, {
    nullable: true,
    description:
      'What a steward must know about this connector now, in plain words (e.g. that its source was reset and the hub re-reads it from its start); null when all is well. Cleared by the next run that succeeds.',
  })
  attention!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When `attention` was noticed' }) attentionAt!: Date | null;

  @Field(() => ConnectorBackfill, {
    nullable: true,
    description:
      'Progress of reading back the history window (date-read connectors: monitoring, penalty); null for connectors that read a change feed from its start',
  })
  backfill!: ConnectorBackfill | null;
}
