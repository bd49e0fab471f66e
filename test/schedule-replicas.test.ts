import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import creditDefinition from '../connectors/credit-rating.declarative.json';

/** Two `hub serve` processes on one database, a 2-second schedule: every slot fires exactly once. */
describe('schedules across replicas', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 60, seed: 4 });
    tdb = await createTestDatabase();
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    await services.declarativeConnectors.register(creditDefinition);
    await tdb.db.pool.query(`update connector set enabled = (id in ('credit-rating', 'enforcement'))`);
  });
  afterAll(async () => {
    await sim?.close();
    await tdb?.drop();
  });

  it('runs each scheduled firing once, on one of the processes', async () => {
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '*/2 * * * * *', LOG_LEVEL: 'info' };
    const a = spawnHub(['serve', '--port', '0'], env);
    const b = spawnHub(['serve', '--port', '0'], env);
    await Promise.all([a.waitFor(/scheduler:/, 30_000), b.waitFor(/scheduler:/, 30_000)]);
    const from = new Date();
    await new Promise((r) => setTimeout(r, 9_000));
    const to = new Date();
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    for (const task of ['connector:credit-rating', 'connector:enforcement']) {
      const firings = (
        await tdb.db.pool.query(`select slot, holder, status from scheduled_task_firing where task_id = $1 and slot >= $2 and slot < $3 order by slot`, [
          task,
          from,
          new Date(to.getTime() - 2000),
        ])
      ).rows;
      // Every 2-second slot between the two instants fired, each exactly once (the key is (task, slot)).
      expect(firings.length).toBeGreaterThanOrEqual(3);
      const slots = firings.map((f) => f.slot.getTime());
      for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBe(2000);
      expect(firings.every((f) => f.status === 'SUCCEEDED')).toBe(true);
    }
    // One connector run per firing that started (including one cut short by the shutdown), whichever process won it.
    const all = (await tdb.db.pool.query(`select task_id, count(*)::int n from scheduled_task_firing where status <> 'SKIPPED' group by task_id`)).rows;
    const runs = (await tdb.db.pool.query(`select connector_id, count(*)::int n from connector_run where trigger = 'schedule' group by connector_id`)).rows;
    for (const r of runs) expect(r.n).toBe(all.find((f) => f.task_id === `connector:${r.connector_id}`)!.n);
    const holders = (await tdb.db.pool.query(`select count(distinct holder)::int n from scheduled_task_firing`)).rows[0].n;
    expect(holders).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
