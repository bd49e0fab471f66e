import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { inSubtree } from '../../domain/jurisdiction';
import { TaskChangedEvent } from '../../realtime/change-feed';
import { TOPICS, filterStream, hubPubSub, scopedTopic } from '../../realtime/hub-pubsub';
import { TaskRow } from '../../supervision/supervision-task.service';
import { HubContext } from '../context';
import { divisionInScope, enterpriseInScope, scopedConnection } from './scoped-lists';
import { Enterprise } from '../types/enterprise.type';
import { PlanInspector } from '../types/inspection-plan.type';
import {
  SupervisionTask,
  SupervisionTaskConnection,
  TaskChange,
  TaskEvent,
  TaskFilterInput,
  TaskHandOverArgs,
  TaskListArgs,
  TaskNoteArgs,
  TaskStatusEnum,
} from '../types/supervision-task.type';

export const taskView = (t: TaskRow): SupervisionTask => ({
  id: t.id,
  warningId: t.warningId,
  warningType: t.warningType,
  creditCode: t.creditCode,
  divisionCode: t.divisionCode,
  severity: t.severity,
  status: t.status,
  createdAt: t.createdAt,
  deadline: t.deadline,
  currentDeadline: t.nextDeadline ?? t.deadline,
  escalationLevel: t.escalationLevel,
  escalatedAt: t.escalatedAt,
  inspectorId: t.inspectorId,
  inspection: t.inspectionRecordId ? { recordId: t.inspectionRecordId, date: t.inspectionDate! } : null,
  doneAt: t.doneAt,
});

/** Supervision tasks (督办): list, notes, hand-over and the `taskChanged` subscription, inside the caller's jurisdiction. */
@Resolver(() => SupervisionTask)
export class SupervisionTaskResolver {
  @Authorized('BUREAU')
  @Query(() => SupervisionTaskConnection, { description: 'Supervision tasks inside your jurisdiction, newest first (BUREAU)' })
  tasks(@Ctx() ctx: HubContext, @Args(() => TaskListArgs) args: TaskListArgs): Promise<SupervisionTaskConnection> {
    return scopedConnection(ctx, args, (f, first, after) => ctx.services.supervisionTasks.list(ctx.scope, f, first, after), taskView);
  }

  @Authorized('BUREAU')
  @Query(() => SupervisionTask, { nullable: true, description: 'One supervision task inside your jurisdiction' })
  async task(@Ctx() ctx: HubContext, @Arg('id', () => ID, { description: 'Number of the task' }) id: string) {
    const t = await ctx.loaders.task.load(id);
    return t ? taskView(t) : null;
  }

  @Authorized('BUREAU')
  @Mutation(() => SupervisionTask, { description: 'Records a progress note on an open task (the first moves it to IN_PROGRESS); audited (BUREAU)' })
  async addTaskNote(@Ctx() ctx: HubContext, @Args(() => TaskNoteArgs) { id, note }: TaskNoteArgs) {
    return taskView(await ctx.services.supervisionTasks.addNote(ctx.scope, id, note, ctx.caller.name));
  }

  @Authorized('BUREAU')
  @Mutation(() => SupervisionTask, { description: "Hands an open task to a named inspector of the task's county roster (then IN_PROGRESS); audited (BUREAU)" })
  async handOverTask(@Ctx() ctx: HubContext, @Args(() => TaskHandOverArgs) { id, inspectorId, note }: TaskHandOverArgs) {
    return taskView(await ctx.services.supervisionTasks.handOver(ctx.scope, id, inspectorId, ctx.caller.name, note));
  }

  @FieldResolver(() => Enterprise, { description: 'The enterprise to inspect' })
  enterprise(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    return enterpriseInScope(ctx, t.creditCode);
  }

  @FieldResolver(() => PlanInspector, { nullable: true, description: 'The inspector the task was handed to' })
  async inspector(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    return t.inspectorId ? { id: t.inspectorId, name: await ctx.loaders.inspectorName.load(t.inspectorId) } : null;
  }

  @FieldResolver(() => [TaskEvent], { description: 'History of the task, oldest first (the audit trail of every change)' })
  history(@Root() t: SupervisionTask, @Ctx() ctx: HubContext) {
    return ctx.loaders.taskEvents.load(t.id);
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
    return { event: e.event, task: taskView(e.task) };
  }
}
