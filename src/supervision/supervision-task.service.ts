import { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/database';
import { takeDeriveMarks } from '../db/derive-marks';
import { chinaToday } from '../domain/china-date';
import { ClientError } from '../domain/client-error';
import { ancestorCodesSql, subtreeSql } from '../domain/jurisdiction';
import { PostSyncStep } from '../ingest/sync.runner';
import { JOB_SCHEMA, WEBHOOK_DELIVERY_JOB, WEBHOOK_DELIVERY_MAX_ATTEMPTS } from '../jobs/job-queue';
import { Scope, SqlParams } from '../jurisdiction/scope';
import { SupervisionNotFoundError } from './supervision.errors';
import {
  EscalationLevel,
  escalateOverdue,
  escalatingFilterWhere,
  historiesOf,
  newestFirstPage,
  quarterStartSql,
  rowIdOfCursor,
  rowsByIds,
} from './deadline-escalation';

/** A task's state (spec supervision §2). */
export type TaskStatus = 'ASSIGNED' | 'IN_PROGRESS' | 'ESCALATED' | 'DONE';
/** What happened to a task. */
export type TaskEventKind = 'CREATED' | 'STARTED' | 'NOTE' | 'HANDED_OVER' | 'ESCALATED' | 'DONE';
export { ESCALATION_LEVELS, EscalationLevel } from './deadline-escalation';

/** Deadlines in calendar days (China time) by the warning's severity: 3 days for HIGH, 7 otherwise. */
export const TASK_DEADLINE_DAYS = { HIGH: 3, OTHER: 7 } as const;

/**
 * The warnings that call for an inspection (spec §2): `RISK_UP` to `HIGH`,
 * `EXCEED_TREND`, a real-time exceedance, `DATA_GAP` of 2 days or more. A SQL
 * predicate over a warning aliased `w`.
 */
export const TASK_WARNING_SQL = `(
  (w.type = 'RISK_UP' and w.details->>'to' = 'HIGH')
  or w.type in ('EXCEED_TREND', 'REALTIME_EXCEED')
  or (w.type = 'DATA_GAP' and (coalesce((w.details->>'wholeDaysMissing')::numeric, 0) >= 2 or coalesce((w.details->>'silentHours')::numeric, 0) >= 48))
)`;

/** A supervision task as read by the API. */
export interface TaskRow {
  id: string;
  warningId: string | null;
  warningType: string;
  creditCode: string;
  divisionCode: string;
  severity: string;
  status: TaskStatus;
  createdAt: Date;
  createdDate: string;
  deadline: string;
  escalationLevel: EscalationLevel;
  escalatedAt: Date | null;
  nextDeadline: string | null;
  inspectorId: string | null;
  inspectionRecordId: string | null;
  inspectionDate: string | null;
  doneAt: Date | null;
  updatedAt: Date;
}

/** One entry of a task's history. */
export interface TaskEventRow {
  id: string;
  taskId: string;
  kind: TaskEventKind;
  at: Date;
  actor: string | null;
  note: string | null;
  inspectorId: string | null;
  escalationLevel: EscalationLevel | null;
  inspectionRecordId: string | null;
}

/** Conditions of `tasks(filter)`. */
export interface TaskFilter {
  /** Only tasks of enterprises in this division's subtree (inside the caller's). */
  divisionCode?: string | null;
  status?: readonly TaskStatus[] | null;
  creditCode?: string | null;
  /** Only tasks currently answered for at this level (an escalated task is the city's, then the province's). */
  escalationLevel?: EscalationLevel | null;
  /** Only tasks past their current deadline and not done. */
  overdue?: boolean | null;
  inspectorId?: string | null;
}

/** A page of tasks, newest first. */
export interface TaskPage {
  edges: { cursor: string; node: TaskRow }[];
  hasNextPage: boolean;
  totalCount: number;
}

/** What one pass of dispatch did. */
export interface DispatchSummary {
  /** Enterprises whose marks the pass consumed. */
  enterprises: number;
  created: number;
  tasksDone: number;
  planItemsDone: number;
  escalated: number;
}

/** A task action that does not fit the task's state. */
export class TaskStateError extends ClientError {
  override readonly code = 'BAD_USER_INPUT';
}

type Queryable = Pool | PoolClient;

/** Tasks escalate like objections (see escalateOverdue). */
const TASK_TABLE = { table: 'supervision_task', events: 'supervision_task_event', eventKey: 'task_id', open: `t.status <> 'DONE'` };

export const TASK_COLUMNS = `t.id::text as id, t.warning_id::text as "warningId", t.warning_type as "warningType", t.credit_code as "creditCode",
  t.division_code as "divisionCode", t.severity, t.status, t.created_at as "createdAt", to_char(t.created_date, 'YYYY-MM-DD') as "createdDate",
  to_char(t.deadline, 'YYYY-MM-DD') as deadline, (array['COUNTY','CITY','PROVINCE'])[t.escalation_level + 1] as "escalationLevel",
  t.escalated_at as "escalatedAt", to_char(t.next_deadline, 'YYYY-MM-DD') as "nextDeadline", t.inspector_id as "inspectorId",
  t.inspection_record_id as "inspectionRecordId", to_char(t.inspection_date, 'YYYY-MM-DD') as "inspectionDate", t.done_at as "doneAt",
  t.updated_at as "updatedAt"`;
const EVENT_COLUMNS = `v.id::text as id, v.task_id::text as "taskId", v.kind, v.at, v.actor, v.note, v.inspector_id as "inspectorId",
  (array['COUNTY','CITY','PROVINCE'])[v.escalation_level + 1] as "escalationLevel", v.inspection_record_id as "inspectionRecordId"`;

/** Jurisdiction of a task: the subtree predicate on the task's county (alias `t`). */
export function taskPredicate(scope: Pick<Scope, 'divisionCode' | 'level'>, params: SqlParams): string {
  return subtreeSql(scope, params, { code: 't.division_code' });
}

function idOfCursor(c: string): string {
  const id = rowIdOfCursor('task', c);
  if (!id) throw new TaskStateError('invalid cursor');
  return id;
}

/**
 * Dispatch (spec supervision §2): tasks from warnings, their deadlines and
 * escalation, the inspection that closes them, notes and hand-over. All bulk
 * work is set-based; every read carries the jurisdiction predicate; every
 * change writes a `supervision_task_event` (audit trail, `taskChanged`
 * subscription, webhook deliveries).
 */
export class SupervisionTaskService {
  constructor(private readonly pool: Pool) {}

  /**
   * The post-sync step (after warnings): tasks for the warnings that call for
   * an inspection, then inspections of the marked enterprises linked to their
   * open tasks and plan items (derive marks of product `supervision`).
   */
  postSyncStep(): PostSyncStep {
    return {
      name: 'supervision',
      run: async (_db, _touched, log) => {
        const s = await this.dispatch();
        if (s.created || s.tasksDone || s.planItemsDone)
          log(`supervision: ${s.created} task(s) created, ${s.tasksDone} done, ${s.planItemsDone} plan item(s) inspected`);
        return { enterprises: s.enterprises };
      },
    };
  }

  /** One pass: create tasks, link inspections of marked enterprises (all of them when `all`), in one transaction. */
  async dispatch(opts: { all?: boolean } = {}): Promise<DispatchSummary> {
    return withTransaction(this.pool, async (client) => {
      const created = await this.createTasks(client);
      const codes = await takeDeriveMarks(client, 'supervision');
      const linked = opts.all ? await this.linkInspections(client, null) : codes.length ? await this.linkInspections(client, codes) : { tasks: 0, items: 0 };
      return { enterprises: codes.length, created, tasksDone: linked.tasks, planItemsDone: linked.items, escalated: 0 };
    });
  }

  /** Tasks for every warning that calls for an inspection and has none yet (set-based; idempotent). */
  private async createTasks(client: PoolClient, today = chinaToday()): Promise<number> {
    const r = await client.query(
      `with created as (
         insert into supervision_task (warning_id, warning_type, credit_code, division_code, severity, created_date, deadline, deadline_days, next_deadline)
         select w.id, w.type, w.credit_code, e.division_code, w.severity, $1::date,
                $1::date + case when w.severity = 'HIGH' then $2::int else $3::int end,
                case when w.severity = 'HIGH' then $2::int else $3::int end,
                $1::date + case when w.severity = 'HIGH' then $2::int else $3::int end
           from warning w join enterprise e using (credit_code)
          where w.status <> 'RESOLVED' and ${TASK_WARNING_SQL}
            and not exists (select 1 from supervision_task t where t.warning_id = w.id)
          order by w.id
         on conflict (warning_id) do nothing
         returning id),
       ev as (insert into supervision_task_event (task_id, kind, actor) select id, 'CREATED', 'hub' from created order by id returning id)
       select count(*)::int as n from ev`,
      [today, TASK_DEADLINE_DAYS.HIGH, TASK_DEADLINE_DAYS.OTHER],
    );
    const n = r.rows[0].n as number;
    if (n) await this.queueWebhooks(client);
    return n;
  }

  /**
   * Links inspections (enforcement records of kind INSPECTION, active) to the
   * open tasks of their enterprise dated on or after the task's creation, and
   * to the planned items of plans whose quarter the inspection falls in.
   */
  private async linkInspections(client: PoolClient, codes: readonly string[] | null): Promise<{ tasks: number; items: number }> {
    const only = codes ? `and t.credit_code = any($1::text[])` : '';
    const onlyItems = codes ? `and i.credit_code = any($1::text[])` : '';
    const params = codes ? [[...codes]] : [];
    const t = await client.query(
      `with hit as (
         select t.id, x.record_id, x.event_date from supervision_task t
          cross join lateral (select r.record_id, r.event_date from enforcement_record r
                          where r.credit_code = t.credit_code and r.kind = 'INSPECTION' and r.status = 'ACTIVE' and r.event_date >= t.created_date
                          order by r.event_date, r.record_id limit 1) x
          where t.status <> 'DONE' ${only}),
       linked as (
         update supervision_task t set status = 'DONE', inspection_record_id = h.record_id, inspection_date = h.event_date, done_at = now(), updated_at = now()
           from hit h where h.id = t.id
         returning t.id, h.record_id),
       ev as (insert into supervision_task_event (task_id, kind, actor, inspection_record_id) select id, 'DONE', 'enforcement', record_id from linked order by id returning id)
       select count(*)::int as n from ev`,
      params,
    );
    const items = await client.query(
      `with hit as (
         select i.plan_id, i.position, x.record_id from inspection_plan_item i join inspection_plan p on p.id = i.plan_id
          cross join lateral (
           select r.record_id from enforcement_record r
            where r.credit_code = i.credit_code and r.kind = 'INSPECTION' and r.status = 'ACTIVE'
              and r.event_date >= greatest(p.plan_date, ${quarterStartSql('p.quarter')})
            order by r.event_date, r.record_id limit 1) x
          where i.status = 'PLANNED' ${onlyItems})
       update inspection_plan_item i set status = 'DONE', inspection_record_id = h.record_id
         from hit h
        where h.plan_id = i.plan_id and h.position = i.position`,
      params,
    );
    const n = t.rows[0].n as number;
    if (n) await this.queueWebhooks(client);
    return { tasks: n, items: items.rowCount ?? 0 };
  }

  /**
   * Overdue tasks escalate (the scheduled task `supervision-escalation`): a
   * task past its deadline without an inspection becomes ESCALATED and the
   * city's, with a second deadline of the same length; past that, the
   * province's. Also creates tasks for warnings raised outside a sync (the
   * HJ 212 gateway's real-time warnings). Set-based; returns how many moved.
   */
  async escalate(today = chinaToday()): Promise<DispatchSummary> {
    return withTransaction(this.pool, async (client) => {
      const created = await this.createTasks(client, today);
      const escalated = await escalateOverdue(client, TASK_TABLE, today);
      if (escalated) await this.queueWebhooks(client);
      return { enterprises: 0, created, tasksDone: 0, planItemsDone: 0, escalated };
    });
  }

  /** Webhook deliveries (`task.changed`) for task events not yet queued, to enabled webhooks of the task's division or above that take every event type. */
  private async queueWebhooks(client: PoolClient): Promise<void> {
    await client.query(
      `with fresh as (
         select v.id as event_id, v.kind, t.* from supervision_task_event v join supervision_task t on t.id = v.task_id
          where not exists (select 1 from webhook_delivery d where d.task_event_id = v.id)
            and v.at > now() - interval '1 hour'),
       queued as (
         insert into webhook_delivery (webhook_id, task_event_id, event, payload)
         select wh.id, f.event_id, 'task.changed',
                jsonb_build_object('event', 'task.changed', 'change', f.kind, 'task', jsonb_build_object(
                  'id', f.id::text, 'warningId', f.warning_id::text, 'warningType', f.warning_type, 'creditCode', f.credit_code,
                  'divisionCode', f.division_code, 'severity', f.severity, 'status', f.status, 'deadline', f.deadline,
                  'escalationLevel', (array['COUNTY','CITY','PROVINCE'])[f.escalation_level + 1], 'inspectionRecordId', f.inspection_record_id))
           from fresh f join webhook wh on wh.enabled and wh.types is null
                and wh.division_code in (${ancestorCodesSql('f.division_code').join(', ')})
         on conflict do nothing
         returning id, webhook_id)
       select ${JOB_SCHEMA}.add_job($1, json_build_object('deliveryId', id::text), queue_name => 'webhook:' || webhook_id,
                                    max_attempts => $2, job_key => 'webhook-delivery:' || id)
         from queued`,
      [WEBHOOK_DELIVERY_JOB, WEBHOOK_DELIVERY_MAX_ATTEMPTS],
    );
  }

  /** Tasks inside the caller's jurisdiction, newest first, `first` after the cursor `after`. */
  async list(scope: Scope, filter: TaskFilter = {}, first = 50, after?: string | null): Promise<TaskPage> {
    const params = new SqlParams();
    const where = escalatingFilterWhere(scope, filter, taskPredicate, params);
    if (filter.inspectorId) where.push(`t.inspector_id = ${params.add(filter.inspectorId)}`);
    if (filter.overdue) where.push(`t.status <> 'DONE' and t.next_deadline < ${params.add(chinaToday())}::date`);
    const afterId = after ? idOfCursor(after) : null;
    return newestFirstPage<TaskRow>(this.pool, { columns: TASK_COLUMNS, table: 'supervision_task', prefix: 'task' }, { where, params }, first, afterId);
  }

  /** One task inside the caller's jurisdiction (null outside it or when none). */
  async get(scope: Scope, id: string, db: Queryable = this.pool): Promise<TaskRow | null> {
    const params = new SqlParams();
    const r = await db.query<TaskRow>(
      `select ${TASK_COLUMNS} from supervision_task t where t.id = ${params.add(id)}::bigint and ${taskPredicate(scope, params)}`,
      params.values,
    );
    return r.rows[0] ?? null;
  }

  /** Tasks by id inside the jurisdiction, in the order of `ids` (for loaders and the change feed). */
  byIds(scope: Scope, ids: readonly string[]): Promise<(TaskRow | null)[]> {
    return rowsByIds<TaskRow>(this.pool, { columns: TASK_COLUMNS, table: 'supervision_task' }, ids, (params) => taskPredicate(scope, params));
  }

  /** The histories of tasks, oldest first (the caller has already seen the tasks). */
  eventsOf(taskIds: readonly string[]): Promise<TaskEventRow[][]> {
    return historiesOf<TaskEventRow>(this.pool, { columns: EVENT_COLUMNS, table: 'supervision_task_event', key: 'task_id' }, taskIds);
  }

  /** Task events by id with their tasks, inside the jurisdiction (the change feed's `taskChanged`). */
  async eventsWithTasks(scope: Scope, eventIds: readonly string[]): Promise<{ event: TaskEventRow; task: TaskRow }[]> {
    const params = new SqlParams();
    const r = await this.pool.query<TaskEventRow & { task: TaskRow }>(
      `select ${EVENT_COLUMNS}, (select row_to_json(x) from (select ${TASK_COLUMNS}) x) as task
         from supervision_task_event v join supervision_task t on t.id = v.task_id
        where v.id = any(${params.add([...eventIds])}::bigint[]) and ${taskPredicate(scope, params)} order by v.id`,
      params.values,
    );
    return r.rows.map(({ task, ...event }) => ({ event, task: { ...task, createdAt: new Date(task.createdAt), updatedAt: new Date(task.updatedAt) } }));
  }

  /** Records progress: a note, and the first one moves an ASSIGNED task to IN_PROGRESS. */
  async addNote(scope: Scope, id: string, note: string, actor: string): Promise<TaskRow> {
    if (!note.trim()) throw new TaskStateError('a note needs text');
    return withTransaction(this.pool, async (client) => {
      const task = await this.lockOpen(client, scope, id);
      await client.query(`insert into supervision_task_event (task_id, kind, actor, note) values ($1, 'NOTE', $2, $3)`, [id, actor, note.trim()]);
      if (task.status === 'ASSIGNED') await this.start(client, id, actor);
      await client.query(`update supervision_task set updated_at = now() where id = $1`, [id]);
      await this.queueWebhooks(client);
      return (await this.get(scope, id, client))!;
    });
  }

  /** Hands a task to a named inspector of the task's county roster (it is then IN_PROGRESS). */
  async handOver(scope: Scope, id: string, inspectorId: string, actor: string, note?: string | null): Promise<TaskRow> {
    return withTransaction(this.pool, async (client) => {
      const task = await this.lockOpen(client, scope, id);
      const ins = await client.query(`select 1 from inspector where id = $1 and division_code = $2`, [inspectorId, task.divisionCode]);
      if (!ins.rowCount) throw new SupervisionNotFoundError(`inspector ${inspectorId} is not on the roster of ${task.divisionCode}`);
      await client.query(`update supervision_task set inspector_id = $2, updated_at = now() where id = $1`, [id, inspectorId]);
      await client.query(`insert into supervision_task_event (task_id, kind, actor, note, inspector_id) values ($1, 'HANDED_OVER', $2, $3, $4)`, [
        id,
        actor,
        note?.trim() || null,
        inspectorId,
      ]);
      if (task.status === 'ASSIGNED') await this.start(client, id, actor);
      await this.queueWebhooks(client);
      return (await this.get(scope, id, client))!;
    });
  }

  private async start(client: PoolClient, id: string, actor: string): Promise<void> {
    await client.query(`update supervision_task set status = 'IN_PROGRESS', updated_at = now() where id = $1 and status = 'ASSIGNED'`, [id]);
    await client.query(`insert into supervision_task_event (task_id, kind, actor) values ($1, 'STARTED', $2)`, [id, actor]);
  }

  private async lockOpen(client: PoolClient, scope: Scope, id: string): Promise<TaskRow> {
    const params = new SqlParams();
    const r = await client.query<TaskRow>(
      `select ${TASK_COLUMNS} from supervision_task t where t.id = ${params.add(id)}::bigint and ${taskPredicate(scope, params)} for update`,
      params.values,
    );
    const task = r.rows[0];
    if (!task) throw new SupervisionNotFoundError(`task ${id} not found`);
    if (task.status === 'DONE') throw new TaskStateError(`task ${id} is done`);
    return task;
  }
}
