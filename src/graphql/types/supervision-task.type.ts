import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { EscalationLevel, TaskEventKind, TaskStatus } from '../../supervision/supervision-task.service';
import { DateTimeScalar } from '../scalars';
import { ConnectionOf, EdgeOf, ForwardListArgsOf } from './connection.type';
import { describedEnum } from './enums';

/** A task's state. */
export const TaskStatusEnum = describedEnum<TaskStatus>(
  'TaskStatus',
  'ASSIGNED → IN_PROGRESS (a note or a hand-over) → DONE (an inspection arrived); ESCALATED once a deadline passed without one',
  {
    ASSIGNED: '已派发 assigned: created for the county bureau, nothing recorded yet',
    IN_PROGRESS: '处理中 in progress: a bureau recorded a progress note or handed it to an inspector',
    ESCALATED: '已升级 escalated: the deadline passed without an inspection; the city (after a second deadline the province) sees it too',
    DONE: '已完成 done: the enforcement system reported an inspection of the enterprise on or after the task was created',
  },
);
export type TaskStatusEnum = TaskStatus;

/** Who answers for a task now. */
export const TaskEscalationLevel = describedEnum<EscalationLevel>(
  'TaskEscalationLevel',
  'The level answering for a task: its county bureau; after the first deadline also the city; after the second the province',
  {
    COUNTY: '区县 county: only the county bureau answers (before any deadline passed)',
    CITY: '市 city: the first deadline passed; the city bureau sees and answers for it too',
    PROVINCE: '省 province: the second deadline passed; the province sees and answers for it too',
  },
);
export type TaskEscalationLevel = EscalationLevel;

/** What happened to a task. */
export const TaskEventKindEnum = describedEnum<TaskEventKind>('TaskEventKind', 'One step in the history of a supervision task', {
  CREATED: '创建 created: a warning calling for an inspection dispatched the task',
  STARTED: '开始处理 started: the first progress note or hand-over moved it to IN_PROGRESS',
  NOTE: '进展备注 note: a bureau recorded progress',
  HANDED_OVER: '转交 handed over: the task was given to a named inspector',
  ESCALATED: '升级 escalated: a deadline passed without an inspection; the next level up answers for it too',
  DONE: '完成 done: an inspection arrived through the enforcement connector and closed it',
});
export type TaskEventKindEnum = TaskEventKind;

/** The inspection that closed a task. */
@ObjectType({ description: 'The inspection, reported by the enforcement system, that closed a task' })
export class TaskInspection {
  @Field({ description: 'Record id in the enforcement system' }) recordId!: string;
  @Field({ description: 'Date of the inspection (YYYY-MM-DD), on or after the task was created' }) date!: string;
}

/** One step of a task's history (the audit trail). */
@ObjectType({ description: 'One step in the history of a supervision task: who, when, what' })
export class TaskEvent {
  @Field(() => ID, { description: 'Number of the step in the hub (increasing)' }) id!: string;
  @Field(() => TaskEventKindEnum, { description: 'What happened' }) kind!: TaskEventKindEnum;
  @Field(() => DateTimeScalar, { description: 'When it happened' }) at!: Date;

  @Field(() => String, { nullable: true, description: "The API key's name that acted, `hub` for the deadline watch, `enforcement` for an arriving inspection" })
  actor!: string | null;

  @Field(() => String, { nullable: true, description: 'Progress note (NOTE, HANDED_OVER)' }) note!: string | null;
  @Field(() => String, { nullable: true, description: 'Inspector the task was handed to (HANDED_OVER)' }) inspectorId!: string | null;
  @Field(() => TaskEscalationLevel, { nullable: true, description: 'The level it escalated to (ESCALATED)' }) escalationLevel!: TaskEscalationLevel | null;
  @Field(() => String, { nullable: true, description: 'The inspection that closed it (DONE)' }) inspectionRecordId!: string | null;
}

/** A supervision task. */
@ObjectType({ description: 'A supervision task (督办任务): a warning that calls for an inspection, for the county bureau, with a deadline' })
export class SupervisionTask {
  @Field(() => ID, { description: 'Number of the task in the hub' }) id!: string;
  @Field(() => ID, { nullable: true, description: 'Number of the warning that created the task (Warning.warningId)' }) warningId!: string | null;
  @Field({ description: 'Type of that warning (RISK_UP, EXCEED_TREND, REALTIME_EXCEED, DATA_GAP)' }) warningType!: string;

  creditCode!: string;

  @Field({ description: 'The county bureau the task is for (division code)' }) divisionCode!: string;
  @Field({ description: "The warning's severity: HIGH gets 3 days, others 7" }) severity!: string;
  @Field(() => TaskStatusEnum, { description: 'State of the task' }) status!: TaskStatusEnum;
  @Field(() => DateTimeScalar, { description: 'When the task was created' }) createdAt!: Date;
  @Field({ description: 'First deadline (YYYY-MM-DD, China time): an inspection on or before it keeps the task on time' }) deadline!: string;
  @Field({ description: 'The current deadline (YYYY-MM-DD): the first, or after an escalation the next level’s' }) currentDeadline!: string;
  @Field(() => TaskEscalationLevel, { description: 'Who answers for the task now' }) escalationLevel!: TaskEscalationLevel;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it last escalated' }) escalatedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Inspector the task was handed to (id; the name is under `inspector`)' }) inspectorId!: string | null;
  @Field(() => TaskInspection, { nullable: true, description: 'The inspection that closed the task' }) inspection!: TaskInspection | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the task was closed' }) doneAt!: Date | null;
}

@ObjectType({ description: 'A supervision task in a page' })
export class SupervisionTaskEdge extends EdgeOf(SupervisionTask, { cursor: 'Pass as `after` to continue after this task', node: 'The task' }) {}

@ObjectType({ description: 'A page of supervision tasks inside your jurisdiction, newest first' })
export class SupervisionTaskConnection extends ConnectionOf(SupervisionTaskEdge, { edges: 'The tasks of this page', pageInfo: 'Whether there are more' }) {
  @Field(() => Int, { description: 'Tasks matching the filter (all pages)' }) totalCount!: number;
}

@InputType({ description: 'Conditions on supervision tasks; every condition given must hold' })
export class TaskFilterInput {
  @Field(() => String, { nullable: true, description: 'Tasks of this division and below (inside your jurisdiction)' }) divisionCode?: string | null;
  @Field(() => [TaskStatusEnum], { nullable: true, description: 'Any of these states' }) status?: TaskStatusEnum[] | null;
  @Field(() => String, { nullable: true, description: "One enterprise's tasks (credit code)" }) creditCode?: string | null;

  @Field(() => TaskEscalationLevel, { nullable: true, description: 'Tasks answered for at this level now (CITY: escalated once; PROVINCE: twice)' })
  escalationLevel?: TaskEscalationLevel | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks past their current deadline and not done' }) overdue?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Tasks handed to this inspector' }) inspectorId?: string | null;
}

@ArgsType()
export class TaskListArgs extends ForwardListArgsOf(TaskFilterInput, {
  filter: 'Conditions the tasks meet; none: every task inside your jurisdiction',
  first: 'Tasks after `after` (older ones); at most 500',
  after: 'Cursor of a task of an earlier page',
}) {}

/** The arguments of a step on one task: which task, and the note kept with the step. */
@ArgsType()
export class TaskNoteArgs {
  @Field(() => ID, { description: 'Number of the task' }) id!: string;
  @Field({ description: 'What was done' }) note!: string;
}

/** The arguments of a hand-over: the task, the inspector and an optional note. */
@ArgsType()
export class TaskHandOverArgs {
  @Field(() => ID, { description: 'Number of the task' }) id!: string;
  @Field({ description: "Inspector of the task's county" }) inspectorId!: string;
  @Field(() => String, { nullable: true, description: 'Note kept with the hand-over' }) note?: string | null;
}

/** A change pushed to `taskChanged`. */
@ObjectType({ description: 'A change of a supervision task: the step and the task as it is now' })
export class TaskChange {
  @Field(() => TaskEvent, { description: 'What happened' }) event!: TaskEvent;
  @Field(() => SupervisionTask, { description: 'The task after the change' }) task!: SupervisionTask;
}
