import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { inSubtree } from '../../domain/jurisdiction';
import { TaskChangedEvent } from '../../realtime/change-feed';
import { TOPICS, filterStream, hubPubSub, scopedTopic } from '../../realtime/hub-pubsub';
import { TaskEventRow, TaskRow } from '../../supervision/supervision-task.service';
import { HubContext } from '../context';
import { Enterprise } from '../types/enterprise.type';
import { PlanInspector } from '../types/inspection-plan.type';
import {
  SupervisionTask,
  SupervisionTaskConnection,
  TaskChange,
  TaskEscalationLevel,
  TaskEvent,
  TaskEventKindEnum,
  TaskFilterInput,
  TaskStatusEnum,
} from '../types/supervision-task.type';

export const taskView = (t: TaskRow): SupervisionTask => ({
  id: t.id,
  warningId: t.warningId,
  warningType: t.warningType,
  creditCode: t.creditCode,
  divisionCode: t.divisionCode,
  severity: t.severity,
  status: t.status as TaskStatusEnum,
  createdAt: t.createdAt,
  deadline: t.deadline,
  currentDeadline: t.nextDeadline ?? t.deadline,
  escalationLevel: t.escalationLevel as TaskEscalationLevel,
  escalatedAt: t.escalatedAt,
  inspectorId: t.inspectorId,
  inspection: t.inspectionRecordId ? { recordId: t.inspectionRecordId, date: t.inspectionDate! } : null,
  doneAt: t.doneAt,
});
const eventView = (e: TaskEventRow): TaskEvent => ({
  ...e,
  kind: e.kind as TaskEventKindEnum,
  escalationLevel: e.escalationLevel as TaskEscalationLevel | null,
});

/** A `filter.divisionCode` checked: a known division inside the caller's jurisdiction (null when none given). */
export function divisionInScope(ctx: HubContext, code: string | null | undefined): string | null {
  if (!code) return null;
  if (!ctx.services.divisions.get(code))
    throw new GraphQLError(`filter.divisionCode '${code}' is not a known division code`, { extensions: { code: 'BAD_USER_INPUT' } });
  if (!inSubtree(ctx.scope, code)) throw new GraphQLError(`division ${code} is outside your jurisdiction`, { extensions: { code: 'FORBIDDEN' } });
  return code;
}

/** The Relay page info of a page of `edges` read after the cursor `after`. */
export function pageInfoOf(edges: readonly { cursor: string }[], hasNextPage: boolean, after: string | null | undefined) {
  return {
    hasNextPage,
    hasPreviousPage: after != null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.length ? edges[edges.length - 1].cursor : null,
  };
}

/** Supervision tasks (督办): list, notes, hand-over and the `taskChanged` subscription, inside the caller's jurisdiction. */
@Resolver(() => SupervisionTask)
export class SupervisionTaskResolver {
  @Authorized('BUREAU')
  @Query(() => SupervisionTaskConnection, { description: 'Supervision tasks inside your jurisdiction, newest first (BUREAU)' })
  async tasks(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => TaskFilterInput, { nullable: true, description: 'Conditions the tasks meet; none: every task inside your jurisdiction' })
    filter?: TaskFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Tasks after `after` (older ones); at most 500' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of a task of an earlier page' }) after?: string | null,
  ): Promise<SupervisionTaskConnection> {
    const f = filter ?? {};
    if (first! < 0 || first! > 500) throw new GraphQLError('first must be between 0 and 500', { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
    const page = await ctx.services.supervisionTasks.list(ctx.scope, { ...f, divisionCode: divisionInScope(ctx, f.divisionCode) }, first, after);
    const edges = page.edges.map((e) => ({ cursor: e.cursor, node: taskView(e.node) }));
    return { totalCount: page.totalCount, edges, pageInfo: pageInfoOf(edges, page.hasNextPage, after) };
  }

  @Authorized('BUREAU')
  @Query(() => SupervisionTask, { nullable: true, description: 'One supervision task inside your jurisdiction' })
  async task(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'Number of the task' }) id: string) {
    const t = await ctx.loaders.task.load(id);
    return t ? taskView(t) : null;
  }

  @Authorized('BUREAU')
  @Mutation(() => SupervisionTask, { description: 'Records a progress note on an open task (the first moves it to IN_PROGRESS); audited (BUREAU)' })
  async addTaskNote(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID, { description: 'Number of the task' }) id: string,
    @Arg('note', { description: 'What was done' }) note: string,
  ) {
    return taskView(await ctx.services.supervisionTasks.addNote(ctx.scope, id, note, ctx.caller.name));
  }

  @Authorized('BUREAU')
  @Mutation(() => SupervisionTask, { description: "Hands an open task to a named inspector of the task's county roster (then IN_PROGRESS); audited (BUREAU)" })
  async handOverTask(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID, { description: 'Number of the task' }) id: string,
    @Arg('inspectorId', { description: "Inspector of the task's county" }) inspectorId: string,
    @Arg('note', () => String, { nullable: true, description: 'Note kept with the hand-over' }) note?: string | null,
  ) {
    return taskView(await ctx.services.supervisionTasks.handOver(ctx.scope, id, inspectorId, ctx.caller.name, note));
  }

  @FieldResolver(() => Enterprise, { description: 'The enterprise to inspect' })
  async enterprise(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    const e = await ctx.loaders.warningEnterprise.load(t.creditCode);
    if (!e) throw new GraphQLError(`enterprise ${t.creditCode} is outside your jurisdiction`, { extensions: { code: 'FORBIDDEN' } });
    return e;
  }

  @FieldResolver(() => PlanInspector, { nullable: true, description: 'The inspector the task was handed to' })
  async inspector(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    return t.inspectorId ? { id: t.inspectorId, name: await ctx.loaders.inspectorName.load(t.inspectorId) } : null;
  }

  @FieldResolver(() => [TaskEvent], { description: 'History of the task, oldest first (the audit trail of every change)' })
  async history(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    return (await ctx.loaders.taskEvents.load(t.id)).map(eventView);
  }

  @Subscription(() => TaskChange, {
    description: 'Changes of supervision tasks inside your jurisdiction (created, started, note, handed over, escalated, done), from any hub process',
    subscribe: ({ args, context }) => {
      const ctx = context as HubContext;
      const f = (args.filter ?? null) as TaskFilterInput | null;
      const division = divisionInScope(ctx, f?.divisionCode);
      return filterStream(hubPubSub.subscribe(scopedTopic(TOPICS.taskChanged, ctx.scope)), (e) => {
        const t = (e as TaskChangedEvent).task;
        return (
          (!division || inSubtree({ divisionCode: division, level: ctx.services.divisions.get(division)!.level }, t.divisionCode)) &&
          (!f?.status?.length || f.status.includes(t.status as TaskStatusEnum)) &&
          (!f?.creditCode || f.creditCode === t.creditCode) &&
          (!f?.escalationLevel || f.escalationLevel === t.escalationLevel) &&
          (!f?.inspectorId || f.inspectorId === t.inspectorId)
        );
      });
    },
  })
  taskChanged(
    @Root() e: TaskChangedEvent,
    @Arg('filter', () => TaskFilterInput, { nullable: true, description: 'Conditions on the task after the change' }) _filter?: TaskFilterInput | null,
  ): TaskChange {
    return { event: eventView(e.event), task: taskView(e.task) };
  }
}
