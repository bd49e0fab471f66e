import { Client } from 'graphql-ws';
import { TestHub, startTestHub } from './support/test-hub';
import { until } from './support/drill-kit';
import { wsClient } from './support/ws-subscriber';
import { TOPICS, hubPubSub, scopedTopic } from '../src/realtime/hub-pubsub';
import { addDays, chinaToday } from '../src/domain/china-date';

/**
 * `taskChanged` end to end over a stock graphql-ws client on a running hub:
 * a county's subscriber receives every change of its county's tasks —
 * created by a sync, handed over and noted through GraphQL, escalated by the
 * deadline watch, done when the enforcement connector brings an inspection —
 * in order, with the task as it is after the change; a neighbouring county's
 * subscriber receives none of them; a filter narrows the stream.
 */

let hub: TestHub;
const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params);
const clients: Client[] = [];

const SELECTION = `event { kind actor note inspectorId escalationLevel inspectionRecordId } task { id divisionCode status escalationLevel inspectorId enterprise { creditCode } }`;

function subscribe(key: string, filter = '') {
  const got: any[] = [];
  const errors: unknown[] = [];
  const { client, ready } = wsClient(hub.server!.port, key);
  clients.push(client);
  client.subscribe(
    { query: `subscription { taskChanged${filter ? `(filter: ${filter})` : ''} { ${SELECTION} } }` },
    { next: (v) => got.push((v.data as any).taskChanged), error: (e) => errors.push(e), complete: () => undefined },
  );
  return { got, errors, ready };
}

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 400, seed: 23, today: '2026-11-30' }, server: true });
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await hub?.close();
});

describe('taskChanged over graphql-ws', () => {
  it('pushes every change of a county’s tasks to that county only, in order', async () => {
    // the two counties with the most enterprises in the source systems, subscribed before the first sync
    const perCounty = new Map<string, number>();
    for (const p of hub.sim.store.permitView().records) perCounty.set(p.divisionCode, (perCounty.get(p.divisionCode) ?? 0) + 1);
    const [county, neighbour] = [...perCounty.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
    const own = subscribe(await hub.createKey(county, 'BUREAU'));
    const other = subscribe(await hub.createKey(neighbour, 'BUREAU'));
    const onlyDone = subscribe(await hub.createKey(county, 'BUREAU'), '{ status: [DONE] }');
    await Promise.all([own.ready, other.ready, onlyDone.ready]);
    const topic = (code: string) => hubPubSub.subscriberCount(scopedTopic(TOPICS.taskChanged, { level: 'COUNTY', divisionCode: code }));
    await until(() => topic(county) >= 2 && topic(neighbour) >= 1, 10_000, 'the three subscriptions on the server');

    const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const created = await q(`select id::text, credit_code from supervision_task where division_code = $1 order by id`, [county]);
    const elsewhere = (await q(`select count(*)::int as n from supervision_task where division_code = $1`, [neighbour])).rows[0].n;
    expect(created.rowCount).toBeGreaterThan(0);
    await until(
      () => own.got.length >= created.rowCount!,
      15_000,
      () => `${created.rowCount} CREATED events (got ${own.got.length})`,
    );
    expect(own.got.map((c) => [c.event.kind, c.task.id, c.task.status])).toEqual(created.rows.map((t) => ['CREATED', t.id, 'ASSIGNED']));
    expect(own.got.every((c) => c.task.divisionCode === county && c.event.actor === 'hub')).toBe(true);

    const taskId = created.rows[0].id as string;
    const creditCode = created.rows[0].credit_code as string;
    await hub.services.inspectionPlans.roster.upsert([{ id: 'WS-INSP-1', name: '王检查', divisionCode: county, capacityPerQuarter: 5, conflicts: [] }]);
    const key = await hub.createKey(county, 'BUREAU');
    const h = await hub.graphqlAs(key, `mutation($id: ID!) { handOverTask(id: $id, inspectorId: "WS-INSP-1", note: "明早到厂") { status } }`, { id: taskId });
    expect(h.errors).toBeUndefined();
    const n = await hub.graphqlAs(key, `mutation($id: ID!) { addTaskNote(id: $id, note: "已电话通知企业") { status } }`, { id: taskId });
    expect(n.errors).toBeUndefined();
    await hub.services.supervisionTasks.escalate(addDays(chinaToday(), 8));
    await hub.postRecords('enforcement', [
      {
        record_id: 'WS-INSP-19',
        kind: 'INSPECTION',
        credit_code: creditCode,
        date: chinaToday(),
        finding: 'NONE',
        status: 'ACTIVE',
        modified_at: new Date().toISOString(),
      },
    ]);
    expect((await hub.services.runner.syncAll(['enforcement']))[0].status).toBe('SUCCEEDED');

    await until(() => own.got.some((c) => c.event.kind === 'DONE' && c.task.id === taskId), 15_000, 'the DONE event');
    const ofTask = own.got.filter((c) => c.task.id === taskId).map((c) => c.event);
    expect(ofTask.map((e) => e.kind)).toEqual(['CREATED', 'HANDED_OVER', 'STARTED', 'NOTE', 'ESCALATED', 'DONE']);
    expect(ofTask[1]).toMatchObject({ kind: 'HANDED_OVER', note: '明早到厂', inspectorId: 'WS-INSP-1', actor: `test BUREAU ${county}` });
    expect(ofTask[3]).toMatchObject({ kind: 'NOTE', note: '已电话通知企业' });
    expect(ofTask[4]).toMatchObject({ kind: 'ESCALATED', escalationLevel: 'CITY', actor: 'hub' });
    expect(ofTask[5]).toMatchObject({ kind: 'DONE', inspectionRecordId: 'WS-INSP-19', actor: 'enforcement' });
    const last = own.got.filter((c) => c.task.id === taskId).pop();
    expect(last.task).toMatchObject({ status: 'DONE', escalationLevel: 'CITY', inspectorId: 'WS-INSP-1', enterprise: { creditCode } });

    // the filtered subscriber saw only the DONE changes; the neighbour only its own county's tasks
    await until(() => onlyDone.got.length >= 1, 10_000, 'the filtered DONE event');
    expect(onlyDone.got.every((c) => c.task.status === 'DONE')).toBe(true);
    expect(onlyDone.got.map((c) => c.task.id)).toContain(taskId);
    await until(() => other.got.length >= elsewhere, 10_000, 'the neighbour’s own CREATED events');
    expect(other.got.every((c) => c.task.divisionCode === neighbour)).toBe(true);
    expect(other.got.some((c) => c.task.id === taskId)).toBe(false);
    expect([own.errors, other.errors, onlyDone.errors]).toEqual([[], [], []]);
  }, 120_000);
});
