import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { until } from './support/drill-kit';
import { HubProcess, spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * Issue 14, item 8: two `hub serve` replicas on a 2-second schedule, each
 * slot a job of the job queue; the one running the enforcement connector is
 * killed with SIGKILL mid-run. The survivor recognises the dead holder from
 * its ended database session (no lease to wait out, and the dead job's lock
 * blocks nothing): the dead run and its firing are marked abandoned, and the
 * survivor runs the connector at a following slot.
 */
describe('a replica killed with SIGKILL while it runs a scheduled connector', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  const hubs: HubProcess[] = [];
  beforeAll(async () => {
    // Every answer of the sources takes 250 ms, so the run is many slow pages long.
    sim = await startSimulator({ port: 0, monitoringDays: 30, enterprises: 300, seed: 8, faults: { timeoutRate: 1, timeoutMs: 250 } });
    tdb = await createTestDatabase();
    await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    await tdb.db.pool.query(`update connector set enabled = (id = 'enforcement')`);
    await tdb.db.pool.query(`update connector set config = $1 where id = 'enforcement'`, [{ limit: 20 }]);
  });
  afterAll(async () => {
    for (const h of hubs) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await Promise.all(hubs.map((h) => h.exited));
    await sim?.close();
    await tdb?.drop();
  });

  it('marks the dead run and firing abandoned and runs the next slot on the survivor', async () => {
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '*/2 * * * * *', LOG_LEVEL: 'info', LOG_FORMAT: 'text' };
    hubs.push(spawnHub(['serve', '--port', '0'], env), spawnHub(['serve', '--port', '0'], env));
    await Promise.all(hubs.map((h) => h.waitFor(/scheduler:/, 120_000)));
    const q = async (sql: string, values: unknown[] = []) => (await tdb.db.pool.query(sql, values)).rows;

    // A scheduled run with pages committed, and the firing (holder host:pid:tag) that runs it.
    let dead: { id: string; slot: Date; holder: string } | undefined;
    await until(
      async () => {
        [dead] = await q(`select r.id::text as id, f.slot, f.holder from connector_run r
                          join scheduled_task_firing f on f.task_id = 'connector:enforcement' and f.status = 'RUNNING'
                         where r.status = 'RUNNING' and r.trigger = 'schedule' and r.fetched > 0`);
        return !!dead;
      },
      60_000,
      'a scheduled enforcement run under way',
    );
    const pid = Number(dead!.holder.split(':')[1]);
    const victim = hubs.find((h) => h.child.pid === pid)!;
    const survivor = hubs.find((h) => h !== victim)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(victim.child.signalCode).toBe('SIGKILL');

    // The survivor marks the run and its firing abandoned and runs a later slot to the end.
    await until(
      async () => (await q(`select 1 from connector_run where id = $1 and status <> 'RUNNING'`, [dead!.id])).length === 1,
      60_000,
      () => `run ${dead!.id} marked abandoned:\n${survivor.output().slice(-3000)}`,
      100,
    );
    await until(
      async () =>
        (await q(`select 1 from scheduled_task_firing where task_id = 'connector:enforcement' and slot = $1 and status <> 'RUNNING'`, [dead!.slot])).length ===
        1,
      60_000,
      () => `the dead firing marked abandoned:\n${survivor.output().slice(-3000)}`,
      100,
    );
    await until(
      async () =>
        (await q(`select 1 from scheduled_task_firing where task_id = 'connector:enforcement' and slot > $1 and status = 'SUCCEEDED'`, [dead!.slot])).length >
        0,
      90_000,
      () => `a later scheduled run to succeed:\n${survivor.output().slice(-3000)}`,
      100,
    );

    expect(await q(`select status, error from connector_run where id = $1`, [dead!.id])).toEqual([
      { status: 'FAILED', error: expect.stringMatching(/^abandoned: /) },
    ]);
    expect(await q(`select status, detail from scheduled_task_firing where task_id = 'connector:enforcement' and slot = $1`, [dead!.slot])).toEqual([
      { status: 'FAILED', detail: expect.stringContaining(`abandoned: the process running it (${dead!.holder})`) },
    ]);
    const later = await q(`select holder from scheduled_task_firing where task_id = 'connector:enforcement' and slot > $1 and status = 'SUCCEEDED'`, [
      dead!.slot,
    ]);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((f) => f.holder !== dead!.holder)).toBe(true);
    expect(
      (await q(`select count(*)::int n from connector_run where id > $1 and trigger = 'schedule' and status = 'SUCCEEDED'`, [dead!.id]))[0].n,
    ).toBeGreaterThan(0);

    // The dead worker's job went back to the queue and ended without running its slot again.
    const deadWorker = dead!.holder.split(':')[2];
    await until(
      async () =>
        (
          await q(`select 1 from graphile_worker._private_jobs where locked_by = $1 or key = $2`, [
            deadWorker,
            `connector:enforcement:${dead!.slot.toISOString()}`,
          ])
        ).length === 0,
      60_000,
      () => `the dead worker's job to end:\n${survivor.output().slice(-3000)}`,
      100,
    );
    expect(await q(`select status from scheduled_task_firing where task_id = 'connector:enforcement' and slot = $1`, [dead!.slot])).toEqual([
      { status: 'FAILED' },
    ]);

    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    // Nothing is left RUNNING once the survivor stopped cleanly.
    expect(await q(`select id from connector_run where status = 'RUNNING'`)).toEqual([]);
  }, 300_000);
});
