import { TestHub, startTestHub } from './support/test-hub';
import { runDemoSupervision } from '../src/cli/demo-supervision';

/**
 * `hub start`'s supervision demo on a generated province: with no roster and
 * no plan, it imports demo inspectors, draws this quarter's province plan,
 * has the simulator's enforcement system inspect the planned and tasked
 * enterprises, and the connector's inspections close them; the line it prints
 * shows the separation the score achieves (HIGH above LOW).
 */

let hub: TestHub;
const q = (sql: string) => hub.tdb.db.pool.query(sql);

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 1500, seed: 5, today: '2026-11-30' }, server: false });
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
}, 240_000);

afterAll(async () => {
  await hub?.close();
});

it('draws, inspects and reports the violation rates per risk level', async () => {
  const line = await runDemoSupervision(hub.services, hub.sim.url);
  expect((await q(`select count(*)::int as n from inspection_plan`)).rows[0].n).toBe(1);
  expect((await q(`select count(*)::int as n from inspection_plan_item where status <> 'DONE'`)).rows[0].n).toBe(0);
  expect((await q(`select count(*)::int as n from supervision_task where status <> 'DONE'`)).rows[0].n).toBe(0);
  const m = /HIGH (\d+) % of (\d+), MEDIUM (\d+) % of (\d+), LOW (\d+) % of (\d+)/.exec(line);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(Number(m![5]));
  // a second start changes nothing: the roster and the plan are there, nothing is left to inspect
  expect(await runDemoSupervision(hub.services, hub.sim.url)).toMatch(/^supervision demo: 0 enterprises inspected/);
  expect((await q(`select count(*)::int as n from inspection_plan`)).rows[0].n).toBe(1);
}, 120_000);
