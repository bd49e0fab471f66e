import { TestHub, startTestHub } from './support/test-hub';
import { TASK_WARNING_SQL } from '../src/supervision/supervision-task.service';
import { addDays, chinaToday } from '../src/domain/china-date';

/**
 * Dispatch (issue 19 item 4) on a generated, synced province: every warning
 * that calls for an inspection becomes one task of its county with the
 * spec's deadline; a county sees only its tasks (jurisdiction in SQL); a note
 * and a hand-over move a task to IN_PROGRESS and are kept in its history;
 * overdue tasks escalate to the city, then the province; an inspection
 * arriving through the enforcement connector closes the task (and a plan
 * item of the enterprise), and every change is queued for webhooks.
 */

let hub: TestHub;
const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params);

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 500, seed: 23, today: '2026-11-30' }, server: true });
  await q(`insert into webhook (division_code, url, secret, created_by) values ('370000', 'http://127.0.0.1:9/hook', 'a-secret-of-16-chars', 'test')`);
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
}, 240_000);

afterAll(async () => {
  await hub?.close();
});

describe('supervision tasks', () => {
  let taskId: string;
  let county: string;
  let creditCode: string;
  let deadlineDays: number;

  it('creates one task per warning that calls for an inspection, for its county, with the 3/7-day deadline', async () => {
    const expected = await q(
      `select w.id::text, w.severity, e.division_code from warning w join enterprise e using (credit_code) where w.status <> 'RESOLVED' and ${TASK_WARNING_SQL} order by w.id`,
    );
    expect(expected.rowCount).toBeGreaterThan(0);
    const tasks = await q(
      `select warning_id::text, severity, division_code, status, deadline - created_date as days, escalation_level from supervision_task t order by t.warning_id`,
    );
    expect(tasks.rows.map((t) => [t.warning_id, t.division_code])).toEqual(expected.rows.map((w) => [w.id, w.division_code]));
    for (const t of tasks.rows) {
      expect(t.status).toBe('ASSIGNED');
      expect(t.escalation_level).toBe(0);
      expect(t.days).toBe(t.severity === 'HIGH' ? 3 : 7);
    }
    // a second pass creates nothing more
    expect((await hub.services.supervisionTasks.dispatch()).created).toBe(0);
    expect((await q(`select count(*)::int as n from supervision_task`)).rows[0].n).toBe(expected.rowCount);
    const first = (await q(`select id::text, division_code, credit_code, deadline_days from supervision_task order by id limit 1`)).rows[0];
    taskId = first.id;
    county = first.division_code;
    creditCode = first.credit_code;
    deadlineDays = first.deadline_days;
    expect((await q(`select count(*)::int as n from supervision_task_event where kind = 'CREATED'`)).rows[0].n).toBe(expected.rowCount);
    expect((await q(`select count(*)::int as n from webhook_delivery where event = 'task.changed'`)).rows[0].n).toBe(expected.rowCount);
  });

  it('lists tasks inside the jurisdiction only, in pages', async () => {
    const key = await hub.createKey(county, 'BUREAU');
    const inCounty = (await q(`select count(*)::int as n from supervision_task where division_code = $1`, [county])).rows[0].n;
    const r = await hub.graphqlAs(
      key,
      `{ tasks(first: 1) { totalCount edges { cursor node { id divisionCode status enterprise { creditCode } } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.tasks.totalCount).toBe(inCounty);
    expect(r.data.tasks.edges.every((e: any) => e.node.divisionCode === county)).toBe(true);
    expect(r.data.tasks.pageInfo.hasNextPage).toBe(inCounty > 1);
    let seen = 0;
    let after: string | null = null;
    for (;;) {
      const p: any = await hub.graphqlAs(key, `query($a: String) { tasks(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, {
        a: after,
      });
      seen += p.data.tasks.edges.length;
      if (!p.data.tasks.pageInfo.hasNextPage) break;
      after = p.data.tasks.pageInfo.endCursor;
    }
    expect(seen).toBe(inCounty);
    const other = (
      await q(
        `select code from division where level = 'COUNTY' and code <> $1 and code not in (select division_code from supervision_task where division_code = $1) order by code limit 1`,
        [county],
      )
    ).rows[0].code;
    const otherKey = await hub.createKey(other, 'BUREAU');
    const o = await hub.graphqlAs(otherKey, `query($id: ID!) { task(id: $id) { id } tasks(filter: { creditCode: "${creditCode}" }) { totalCount } }`, {
      id: taskId,
    });
    expect(o.data.task).toBeNull();
    expect(o.data.tasks.totalCount).toBe(0);
    const province = (await q(`select count(*)::int as n from supervision_task`)).rows[0].n;
    const all = await hub.graphql(`{ tasks { totalCount } }`);
    expect(all.data.tasks.totalCount).toBe(province);
  });

  it('hands a task to a named inspector with a note, audited in its history', async () => {
    await hub.services.inspectionPlans.roster.upsert([{ id: 'INSP-1', name: '张检查', divisionCode: county, capacityPerQuarter: 10, conflicts: [] }]);
    const key = await hub.createKey(county, 'BUREAU');
    const h = await hub.graphqlAs(
      key,
      `mutation($id: ID!) { handOverTask(id: $id, inspectorId: "INSP-1", note: "go on Monday") { status inspector { id name } } }`,
      { id: taskId },
    );
    expect(h.errors).toBeUndefined();
    expect(h.data.handOverTask).toEqual({ status: 'IN_PROGRESS', inspector: { id: 'INSP-1', name: '张检查' } });
    const n = await hub.graphqlAs(key, `mutation($id: ID!) { addTaskNote(id: $id, note: "called the plant") { status history { kind note inspectorId } } }`, {
      id: taskId,
    });
    expect(n.data.addTaskNote.history.map((e: any) => e.kind)).toEqual(['CREATED', 'HANDED_OVER', 'STARTED', 'NOTE']);
    expect(n.data.addTaskNote.history[1]).toEqual({ kind: 'HANDED_OVER', note: 'go on Monday', inspectorId: 'INSP-1' });
    const audited = await q(`select count(*)::int as n from audit_log where operation ilike '%handOverTask%' or operation ilike '%addTaskNote%'`);
    expect(audited.rows[0].n).toBe(2);
    const unknownInspector = await hub.graphqlAs(key, `mutation($id: ID!) { handOverTask(id: $id, inspectorId: "NOBODY") { id } }`, { id: taskId });
    expect(unknownInspector.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('escalates overdue tasks to the city, then the province', async () => {
    const today = chinaToday();
    const open = (await q(`select count(*)::int as n from supervision_task where status <> 'DONE'`)).rows[0].n;
    const due = (await q(`select count(*)::int as n from supervision_task where status <> 'DONE' and deadline < $1::date`, [addDays(today, deadlineDays + 1)]))
      .rows[0].n;
    const first = await hub.services.supervisionTasks.escalate(addDays(today, deadlineDays + 1));
    expect(first.escalated).toBe(due);
    let t = (await q(`select status, escalation_level from supervision_task where id = $1`, [taskId])).rows[0];
    expect(t).toEqual({ status: 'ESCALATED', escalation_level: 1 });
    const cityKey = await hub.createKey(county.slice(0, 4) + '00', 'BUREAU');
    const c = await hub.graphqlAs(cityKey, `{ tasks(filter: { escalationLevel: CITY }) { totalCount } }`);
    expect(c.data.tasks.totalCount).toBe(
      (await q(`select count(*)::int as n from supervision_task where escalation_level = 1 and division_code like $1`, [county.slice(0, 4) + '%'])).rows[0].n,
    );
    await hub.services.supervisionTasks.escalate(addDays(today, 2 * deadlineDays + 1));
    t = (await q(`select status, escalation_level from supervision_task where id = $1`, [taskId])).rows[0];
    expect(t).toEqual({ status: 'ESCALATED', escalation_level: 2 });
    // a third pass moves nothing past the province
    await hub.services.supervisionTasks.escalate(addDays(today, 10 * deadlineDays));
    expect((await q(`select max(escalation_level)::int as m from supervision_task`)).rows[0].m).toBe(2);
    expect((await q(`select count(*)::int as n from supervision_task where status <> 'DONE'`)).rows[0].n).toBe(open);
  });

  it('closes the task when the enforcement connector brings an inspection dated on or after it', async () => {
    const today = chinaToday();
    const before = (await q(`select count(*)::int as n from supervision_task where credit_code = $1 and status <> 'DONE'`, [creditCode])).rows[0].n;
    expect(before).toBeGreaterThan(0);
    await hub.postRecords('enforcement', [
      {
        record_id: 'OLD-INSP-19',
        kind: 'INSPECTION',
        credit_code: creditCode,
        date: addDays(today, -10),
        finding: 'NONE',
        status: 'ACTIVE',
        modified_at: new Date().toISOString(),
      },
    ]);
    await hub.services.runner.syncAll(['enforcement']);
    expect((await q(`select status from supervision_task where id = $1`, [taskId])).rows[0].status).toBe('ESCALATED');
    await hub.postRecords('enforcement', [
      {
        record_id: 'TASK-INSP-19',
        kind: 'INSPECTION',
        credit_code: creditCode,
        date: today,
        finding: 'VIOLATION',
        status: 'ACTIVE',
        modified_at: new Date().toISOString(),
      },
    ]);
    const runs = await hub.services.runner.syncAll(['enforcement']);
    expect(runs[0].status).toBe('SUCCEEDED');
    const t = (await q(`select status, inspection_record_id, escalation_level from supervision_task where id = $1`, [taskId])).rows[0];
    expect(t).toEqual({ status: 'DONE', inspection_record_id: 'TASK-INSP-19', escalation_level: 2 });
    expect((await q(`select count(*)::int as n from supervision_task where credit_code = $1 and status <> 'DONE'`, [creditCode])).rows[0].n).toBe(0);
    const r = await hub.graphql(`query($id: ID!) { task(id: $id) { status inspection { recordId date } history { kind actor } } }`, { id: taskId });
    expect(r.data.task.status).toBe('DONE');
    expect(r.data.task.inspection).toEqual({ recordId: 'TASK-INSP-19', date: today });
    expect(r.data.task.history.map((e: any) => e.kind).slice(-1)).toEqual(['DONE']);
    const key = await hub.createKey(county, 'BUREAU');
    const closed = await hub.graphqlAs(key, `mutation($id: ID!) { addTaskNote(id: $id, note: "late") { id } }`, { id: taskId });
    expect(closed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const events = (await q(`select count(*)::int as n from supervision_task_event`)).rows[0].n;
    expect((await q(`select count(*)::int as n from webhook_delivery where event = 'task.changed'`)).rows[0].n).toBe(events);
  }, 120_000);
});
