import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { ObjectionChannel, ObjectionDecision, ObjectionEventKind, ObjectionStatus } from '../../supervision/objection.service';
import { DateTimeScalar } from '../scalars';
import { ConnectionOf, EdgeOf, ForwardListArgsOf } from './connection.type';
import { describedEnum } from './enums';
import { TaskEscalationLevel } from './supervision-task.type';

/** An objection's state. */
export const ObjectionStatusEnum = describedEnum<ObjectionStatus>(
  'ObjectionStatus',
  'OPEN → UPHELD or REJECTED (the steward of the source system answers within 15 days); ESCALATED once a deadline passed unanswered',
  {
    OPEN: '待答复 open: routed to the steward of the source system, not answered yet',
    ESCALATED: '已升级 escalated: the 15-day deadline passed unanswered; the city (after a second deadline the province) answers for it too',
    UPHELD: '成立 upheld: the source will correct its record; the deduction goes when the corrected record arrives, not before',
    REJECTED: '不成立 rejected: the steward gave a reason; the deduction stays',
  },
);
export type ObjectionStatusEnum = ObjectionStatus;

/** The steward's answer. */
export const ObjectionDecisionEnum = describedEnum<ObjectionDecision>('ObjectionDecision', 'The answer of the steward of the source system to an objection', {
  UPHELD: '成立 upheld: the record is wrong and the source system will correct it (the score changes when the correction arrives)',
  REJECTED: '不成立 rejected: the record stands; a reason is required',
});
export type ObjectionDecisionEnum = ObjectionDecision;

/** How an objection came in. */
export const ObjectionChannelEnum = describedEnum<ObjectionChannel>('ObjectionChannel', 'How an objection was filed', {
  BUREAU: '区县局代为提出 through the county bureau (fileObjection)',
  REPORT_PAGE: '企业自行提出 by the enterprise on its public report page, with a one-time code from its bureau',
});
export type ObjectionChannelEnum = ObjectionChannel;

/** What happened to an objection. */
export const ObjectionEventKindEnum = describedEnum<ObjectionEventKind>('ObjectionEventKind', 'One step in the history of an objection', {
  FILED: '提出 filed (the note says how: BUREAU or REPORT_PAGE)',
  ESCALATED: '升级 escalated: a deadline passed unanswered',
  UPHELD: '成立 upheld by the steward',
  REJECTED: '不成立 rejected by the steward, with a reason',
});
export type ObjectionEventKindEnum = ObjectionEventKind;

/** One step of an objection's history (the audit trail). */
@ObjectType({ description: 'One step in the history of an objection: who, when, what' })
export class ObjectionEvent {
  @Field(() => ID, { description: 'Number of the step in the hub (increasing)' }) id!: string;
  @Field(() => ObjectionEventKindEnum, { description: 'What happened' }) kind!: ObjectionEventKindEnum;
  @Field(() => DateTimeScalar, { description: 'When it happened' }) at!: Date;
  @Field(() => String, { nullable: true, description: 'The API key name that acted, `enterprise <code>` from the report page, `hub` for the deadline watch' })
  actor!: string | null;
  @Field(() => String, { nullable: true, description: 'The answer’s reason (UPHELD, REJECTED) or the channel (FILED)' }) note!: string | null;
  @Field(() => TaskEscalationLevel, { nullable: true, description: 'The level it escalated to (ESCALATED)' }) escalationLevel!: TaskEscalationLevel | null;
}

/** An objection to a deduction. */
@ObjectType({ description: 'An objection (异议) of an enterprise to one deduction of its score, routed to the steward of the source system' })
export class Objection {
  @Field(() => ID, { description: 'Number of the objection in the hub' }) id!: string;
  @Field({ description: 'Credit code of the enterprise' }) creditCode!: string;
  @Field({ description: 'The enterprise’s county (division code)' }) divisionCode!: string;
  @Field({ description: 'Code of the rule that made the deduction (e.g. ENF_VIOLATION)' }) rule!: string;
  @Field({ description: 'The source system whose record made the deduction (connector id: permit, enforcement, penalty, monitoring)' }) connectorId!: string;
  @Field(() => String, { nullable: true, description: 'Who the objection is routed to: the owner of that connector (its data steward)' }) steward!:
    string | null;
  @Field({ description: 'Id of the contested record in the source system' }) recordId!: string;
  @Field({ description: 'Date of the deduction’s event (YYYY-MM-DD)' }) eventDate!: string;
  @Field(() => Int, { description: 'Points the deduction took when the objection was filed' }) points!: number;
  @Field({ description: 'Why the enterprise contests it' }) reason!: string;
  @Field(() => ObjectionChannelEnum, { description: 'How it was filed' }) filedVia!: ObjectionChannelEnum;
  @Field({ description: 'Who filed it: the API key name, or `enterprise <code>` from the report page' }) filedBy!: string;
  @Field(() => ObjectionStatusEnum, { description: 'State of the objection' }) status!: ObjectionStatusEnum;
  @Field(() => DateTimeScalar, { description: 'When it was filed' }) createdAt!: Date;
  @Field({ description: 'The 15-day deadline for the answer (YYYY-MM-DD, China time)' }) deadline!: string;
  @Field({ description: 'The current deadline: the first, or after an escalation the next level’s' }) currentDeadline!: string;
  @Field(() => TaskEscalationLevel, { description: 'Who answers for it now: the county, or after escalation the city, then the province' })
  escalationLevel!: TaskEscalationLevel;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it last escalated' }) escalatedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The steward’s reason (required for REJECTED)' }) answer!: string | null;
  @Field(() => String, { nullable: true, description: 'Who answered (API key name)' }) answeredBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was answered' }) answeredAt!: Date | null;
  @Field({ description: 'Whether the contested deduction is still in the score: an upheld objection keeps it until the corrected record arrives' })
  deductionApplies!: boolean;
}

@ObjectType({ description: 'An objection in a page' })
export class ObjectionEdge extends EdgeOf(Objection, { cursor: 'Pass as `after` to continue after this objection', node: 'The objection' }) {}

@ObjectType({ description: 'A page of objections inside your jurisdiction, newest first' })
export class ObjectionConnection extends ConnectionOf(ObjectionEdge, { edges: 'The objections of this page', pageInfo: 'Whether there are more' }) {
  @Field(() => Int, { description: 'Objections matching the filter (all pages)' }) totalCount!: number;
}

@InputType({ description: 'Conditions on objections; every condition given must hold' })
export class ObjectionFilterInput {
  @Field(() => String, { nullable: true, description: 'Objections of enterprises of this division and below (inside your jurisdiction)' })
  divisionCode?: string | null;
  @Field(() => [ObjectionStatusEnum], { nullable: true, description: 'Any of these states' }) status?: ObjectionStatusEnum[] | null;
  @Field(() => String, { nullable: true, description: 'One enterprise’s objections (credit code)' }) creditCode?: string | null;
  @Field(() => String, { nullable: true, description: 'Objections routed to this source system’s steward (connector id)' }) connectorId?: string | null;
  @Field(() => TaskEscalationLevel, { nullable: true, description: 'Objections answered for at this level now' }) escalationLevel?: TaskEscalationLevel | null;
  @Field(() => Boolean, { nullable: true, description: 'Only unanswered objections past their current deadline' }) overdue?: boolean | null;
}

@ArgsType()
export class ObjectionListArgs extends ForwardListArgsOf(ObjectionFilterInput, {
  filter: 'Conditions the objections meet; none: every one inside your jurisdiction',
  first: 'Objections after `after` (older ones); at most 500',
  after: 'Cursor of an objection of an earlier page',
}) {}

@InputType({ description: 'The deduction an enterprise contests and why (as listed under HealthReport.deductions)' })
export class FileObjectionInput {
  @Field({ description: 'Credit code of the enterprise (inside your jurisdiction)' }) creditCode!: string;
  @Field({ description: 'Rule code of the deduction (Deduction.rule)' }) rule!: string;
  @Field({ description: 'Source system of the deduction (Deduction.system: permit, enforcement, penalty, monitoring)' }) connectorId!: string;
  @Field({ description: 'Record id of the deduction (Deduction.recordId)' }) recordId!: string;
  @Field({ description: 'Why the enterprise contests it (1–2000 characters)' }) reason!: string;
}

/** The arguments of `answerObjection`: which objection, the decision and its reason. */
@ArgsType()
export class AnswerObjectionArgs {
  @Field(() => ID, { description: 'Number of the objection' }) id!: string;
  @Field(() => ObjectionDecisionEnum, { description: 'UPHELD or REJECTED' }) decision!: ObjectionDecisionEnum;
  @Field(() => String, { nullable: true, description: 'Why (required for REJECTED)' }) reason?: string | null;
}

/** A freshly issued one-time code. */
@ObjectType({ description: 'A one-time objection code (异议码) for an enterprise: hand it to the enterprise out of band; it is shown only now' })
export class ObjectionCode {
  @Field({ description: 'Credit code of the enterprise' }) creditCode!: string;
  @Field({ description: 'The code (e.g. ABCD-EFGH-JKLM); the hub keeps only its hash' }) code!: string;
  @Field(() => DateTimeScalar, { description: 'When it stops being accepted (30 days); it is used up by one objection' }) expiresAt!: Date;
  @Field({ description: 'The report page where the enterprise files with it' }) reportUrl!: string;
}
