import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { until } from './support/drill-kit';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import creditDefinition from '../connectors/credit-rating.declarative.json';

/**
 * Three `hub serve` processes on one database, a 2-second schedule: every
 * process queues every slot's job, the queue runs each slot exactly once on
 * one of them, and a connector's runs never overlap.
 */
describe('schedules across replicas', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  const tasks = ['connector:credit-rating', 'connector:enforcement'];
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, monitoringDays: 30, enterprises: 60, seed: 4 });
    tdb = await createTestDatabase();
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    await services.declarativeConnectors.register(creditDefinition);
    await tdb.db.pool.query(`update connector set enabled = (id in ('credit-rating', 'enforcement'))`);
  });
  afterAll(async () => {
    await sim?.close();
    await tdb?.drop();
  });

  it('runs each scheduled slot once, on one of the processes, with one run per slot and no overlap', async () => {
    const q = async (sql: string, values: unknown[] = []) => (await tdb.db.pool.query(sql, values)).rows;
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '*/2 * * * * *', LOG_LEVEL: 'info' };
    const hubs = [0, 1, 2].map(() => spawnHub(['serve', '--port', '0'], env));
    await Promise.all(hubs.map((h) => h.waitFor(/scheduler:/, 60_000)));
    const from = new Date();
    // Four finished slots of each task after every process was scheduling.
    const upTo = new Map<string, Date>();
    await until(
      async () => {
        for (const task of tasks) {
          const done = await q(
            `select slot from scheduled_task_firing where task_id = $1 and slot > $2 and status not in ('QUEUED', 'RUNNING') order by slot limit 4`,
            [task, from],
          );
          if (done.length < 4) return false;
          if (!upTo.has(task)) upTo.set(task, done[3].slot);
        }
        return true;
      },
      120_000,
      () => `four finished slots of each task:\n${hubs[0].output().slice(-2000)}`,
    );
    for (const h of hubs) h.child.kill('SIGTERM');
    expect(await Promise.all(hubs.map((h) => h.exited))).toEqual([0, 0, 0]);

    for (const task of tasks) {
      const firings = await q(`select slot, holder, status, detail from scheduled_task_firing where task_id = $1 and slot > $2 and slot <= $3 order by slot`, [
        task,
        from,
        upTo.get(task),
      ]);
      // Every 2-second slot between the two instants fired once (the key is (task, slot)) and succeeded.
      expect(firings.length).toBeGreaterThanOrEqual(4);
      const slots = firings.map((f) => f.slot.getTime());
      for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBe(2000);
      expect(firings.map((f) => f.status)).toEqual(firings.map(() => 'SUCCEEDED'));
    }
    for (const task of tasks) {
      const connector = task.slice('connector:'.length);
      // One connector run per firing that started (one cut short by the shutdown included), whichever process took its job.
      const started = await q(`select detail from scheduled_task_firing where task_id = $1 and started_at is not null and status <> 'SKIPPED'`, [task]);
      const runIds = started.map((f) => /\(run (\d+)\)/.exec(f.detail ?? '')?.[1]).sort();
      const runs = await q(
        `select id::text, started_at, finished_at, status from connector_run where connector_id = $1 and trigger = 'schedule' order by started_at`,
        [connector],
      );
      expect(runIds).toEqual(runs.map((r) => r.id).sort());
      // A connector's runs never overlap: each starts after the one before it ended.
      for (let i = 1; i < runs.length; i++) expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at.getTime());
    }
    // The slots' jobs ran on the processes' workers; nothing is left running after the clean stop.
    expect((await q(`select count(distinct holder)::int n from scheduled_task_firing where holder is not null`))[0].n).toBeGreaterThanOrEqual(1);
    expect(await q(`select task_id from scheduled_task_firing where status = 'RUNNING'`)).toEqual([]);
    expect(await q(`select id from connector_run where status = 'RUNNING'`)).toEqual([]);
  }, 240_000);
});
