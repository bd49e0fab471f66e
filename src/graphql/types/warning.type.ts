import { JSONObjectResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WARNING_TYPE_INFO, WarningStatusValue, WarningType } from '../../domain/vocabulary';
import { WarningRow } from '../../warnings/warning.types';
import { DateTimeScalar } from '../scalars';
import { ConnectionOf, EdgeOf, RelayListArgsOf } from './connection.type';
import { describedEnum } from './enums';
import { Node } from './node.type';

/** Workflow state of a warning. */
export const WarningStatus = describedEnum<WarningStatusValue>('WarningStatus', 'Workflow of a warning: OPEN → ACKNOWLEDGED → RESOLVED', {
  OPEN: 'Raised, nobody has taken it up yet',
  ACKNOWLEDGED: 'A bureau has taken it up',
  RESOLVED: 'Closed by a bureau, or by the hub when its condition cleared (see resolution)',
});
export type WarningStatus = WarningStatusValue;

/** The warning types the hub detects (the list of `src/domain/vocabulary.ts`). */
export const WarningTypeEnum = describedEnum('WarningType', 'Type of an early warning (预警类型)', WARNING_TYPE_INFO);

/** An early warning (预警) about an enterprise; `type` is one of `WARNING_TYPES` (`src/domain/vocabulary.ts`). */
@ObjectType({ description: 'An early warning (预警) about an enterprise; the enterprise field resolves inside your jurisdiction', implements: Node })
export class Warning implements Partial<WarningRow> {
  /** The warning's own id (`warningId` in the API; `id` is the global id). */
  id!: string;

  @Field(() => WarningTypeEnum, { description: 'What was detected (one of the WarningType values)' }) type!: WarningType;

  creditCode!: string;
  divisionCode!: string;

  /** '' in the store; the API shows null. */
  subject!: string;

  @Field(() => String, { description: 'Severity (严重程度): LOW, MEDIUM or HIGH; a HIGH warning that dispatches a task gives it a 3-day deadline, others 7' })
  severity!: WarningRow['severity'];

  @Field(() => WarningStatus, {
    description: 'Workflow state: OPEN → ACKNOWLEDGED → RESOLVED; the same condition never opens a second warning while one is open',
  })
  status!: WarningStatus;

  @Field({ description: 'What was detected, with the numbers' }) message!: string;

  @Field(() => JSONObjectResolver, { description: 'The facts behind the warning (per type: scores, days, outlet, permit, fitted slope...)' })
  details!: Record<string, unknown>;

  @Field({ description: 'Whether the detectors last found the condition still true' }) conditionHolds!: boolean;
  @Field(() => DateTimeScalar, { description: 'When a detector raised it' }) raisedAt!: Date;

  @Field(() => DateTimeScalar, { description: 'Last change: a workflow step, or a detector run updating severity, message, details or conditionHolds' })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When acknowledgeWarning was called; null while OPEN' }) acknowledgedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Name of the API key that acknowledged it' }) acknowledgedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'The note (备注) given with acknowledgeWarning, if any' }) acknowledgeNote!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was resolved (by a bureau or because the condition cleared); null until RESOLVED' })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Name of the API key that resolved it, or "hub detectors"' }) resolvedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'The note given when resolving, or why the condition cleared' }) resolveNote!: string | null;
  @Field(() => String, { nullable: true, description: 'MANUAL or CONDITION_CLEARED' }) resolution!: WarningRow['resolution'];
}

@ObjectType({ description: 'A warning (预警) in a page, with its cursor (Relay edge)' })
export class WarningEdge extends EdgeOf(Warning, { cursor: 'Opaque cursor; pass it as `after` to continue after this row', node: 'The warning of this row' }) {}

@ObjectType({ description: 'A page of warnings, newest first' })
export class WarningConnection extends ConnectionOf(WarningEdge, {
  edges: 'The warnings of this page, newest first, each with its cursor',
  pageInfo: 'Where this page lies in the result: cursors and whether more warnings follow or precede',
}) {
  /** Counts the matching warnings; only run when a client asks for `totalCount`. */
  count!: () => Promise<number>;
}

/** The arguments of a workflow step (acknowledgeWarning, resolveWarning): which warning, and a note. */
@ArgsType()
export class WarningStepArgs {
  @Field(() => ID, { description: 'The warning: its global id (Warning.id) or its number in the hub (Warning.warningId, the id before global ids)' })
  id!: string;
  @Field(() => String, { nullable: true, description: 'Note (备注) kept with the step, e.g. what was done on site' }) note?: string | null;
}

@InputType({ description: 'Conditions on warnings; all given conditions must hold (always inside your jurisdiction)' })
export class WarningFilter {
  @Field(() => [WarningTypeEnum], { nullable: true, description: 'Warning types, e.g. [RISK_UP, DATA_GAP]' }) types?: WarningType[] | null;

  @Field(() => [WarningStatus], { nullable: true, description: 'Any of these workflow states, e.g. [OPEN, ACKNOWLEDGED]; absent: every state' })
  status?: WarningStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Province, city or county code: the whole subtree' }) divisionCode?: string | null;
  @Field(() => String, { nullable: true, description: 'One enterprise' }) creditCode?: string | null;
  @Field(() => [String], { nullable: true, description: 'LOW, MEDIUM, HIGH' }) severities?: string[] | null;
}

@ObjectType({ description: 'How many warnings of a type are in a status (dashboards)' })
export class WarningCount {
  @Field(() => WarningTypeEnum, { description: 'The warning type counted' }) type!: WarningType;
  @Field(() => WarningStatus, { description: 'The workflow state counted' }) status!: WarningStatus;
  @Field(() => Int, { description: 'Warnings of this type in this state inside your jurisdiction (and the filter); at least 1' }) count!: number;
}

/** The arguments of `warningRaised`: which warnings to push. */
@ArgsType()
export class WarningRaisedArgs {
  @Field(() => WarningFilter, { nullable: true, description: 'Only warnings meeting these conditions; a divisionCode outside your jurisdiction is refused' })
  filter?: WarningFilter | null;
}

/** The arguments of `scoreChanged`: whose changes to push. */
@ArgsType()
export class ScoreChangedArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only enterprises in this division (inside your jurisdiction; outside is refused); default your jurisdiction',
  })
  divisionCode?: string | null;
}

/** The arguments of `warnings`: the filter and the Relay page (newest first). */
@ArgsType()
export class WarningListArgs extends RelayListArgsOf(WarningFilter, {
  filter: 'Conditions the warnings meet; none: every warning inside your jurisdiction',
  first: 'Warnings after `after` (older ones); at most 500. Ignored when `last` is given',
  after: 'Cursor of a warning of an earlier page: continue with the older warnings after it',
  last: 'Warnings before `before` (the newer ones just above it), or the oldest ones; at most 500',
  before: 'Cursor of a warning: page back to the newer warnings before it',
}) {}
