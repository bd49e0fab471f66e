import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { derivedDigest, typedStoreDigest, warningDigest } from './support/store-digest';
import creditDefinition from '../connectors/credit-rating.declarative.json';

/** Small pages so a sync is many transactions long. */
const SMALL_PAGES: Record<string, object> = { permit: { pageSize: 40 }, enforcement: { limit: 40 }, penalty: { chunkSize: 10 }, monitoring: { pageSize: 60 } };

async function prepare(tdb: TestDatabase, simUrl: string, smallPages: boolean) {
  const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: simUrl }), tdb.db);
  await services.declarativeConnectors.register(creditDefinition);
  if (smallPages)
    for (const [id, config] of Object.entries(SMALL_PAGES)) await tdb.db.pool.query(`update connector set config = $2 where id = $1`, [id, config]);
  return services;
}

/**
 * Kills `hub sync` (SIGKILL) while a derivation step holds its transaction open:
 * a session of the test holds `table` in SHARE mode, so the step's first write
 * to it waits; once the hub's session is seen waiting there, the process is
 * killed and its orphaned backend ended (as the server does when it notices).
 */
async function killDuring(tdb: TestDatabase, env: Record<string, string>, table: string): Promise<void> {
  const holder = await tdb.db.pool.connect();
  try {
    await holder.query('begin');
    await holder.query(`lock table ${table} in share mode`);
    const hub = spawnHub(['sync'], env);
    const started = Date.now();
    let pid: number | undefined;
    while (pid === undefined) {
      const r = await tdb.db.pool.query<{ pid: number }>(
        `select pid from pg_locks where not granted and relation = $1::regclass and database = (select oid from pg_database where datname = current_database())`,
        [table],
      );
      pid = r.rows[0]?.pid;
      const exited = await Promise.race([hub.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);
      if (exited) throw new Error(`hub sync finished before it wrote to ${table}: ${hub.output()}`);
      if (Date.now() - started > 60_000) {
        const act = await tdb.db.pool.query(
          `select pid, state, wait_event_type, wait_event, left(query, 120) q from pg_stat_activity where datname = current_database()`,
        );
        hub.child.kill('SIGKILL');
        throw new Error(`no write to ${table} waited within 60 s: ${JSON.stringify(act.rows)}\n${hub.output()}`);
      }
    }
    hub.child.kill('SIGKILL');
    await hub.exited;
    expect(hub.child.signalCode).toBe('SIGKILL');
    await tdb.db.pool.query(`select pg_terminate_backend($1)`, [pid]);
    await holder.query('rollback');
  } finally {
    holder.release();
  }
}

/**
 * `hub sync` killed with SIGKILL in the middle of a run, then killed during
 * the rescore, the retag and the warning detection that follow, then run
 * again after the enforcement feed is re-read from its start, ends with the
 * store of an uninterrupted sync — records, deductions, scores, tags and
 * warnings; at the first kill no cursor was ahead of the data committed with it.
 */
describe('hub sync killed mid-run', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let killed: TestDatabase;
  let reference: TestDatabase;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, monitoringDays: 30, enterprises: 600, seed: 21 });
    [killed, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await sim?.close();
    await killed?.drop();
    await reference?.drop();
  });

  it('resumes to the identical store with no duplicates and no gaps', async () => {
    const refServices = await prepare(reference, sim.url, false);
    for (const s of await refServices.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'])) expect(s.status).toBe('SUCCEEDED');
    const expected = await typedStoreDigest(reference.db);
    const expectedDerived = await derivedDigest(reference.db);
    const expectedWarnings = await warningDigest(reference.db);

    await prepare(killed, sim.url, true);
    const env = { DATABASE_URL: killed.url, HUB_SOURCES_URL: sim.url, LOG_LEVEL: 'warn' };
    const first = spawnHub(['sync'], env);
    const total = Number(expected.source_record.split(' ')[0]) + Number(expected.monitoring_day.split(' ')[0]);
    // Kill once about half the records are committed and a later connector is mid-run.
    for (;;) {
      const n = (await killed.db.pool.query(`select ((select count(*) from source_record) + (select count(*) from monitoring_day))::int as n`)).rows[0].n;
      const running = (await killed.db.pool.query(`select connector_id from connector_run where status = 'RUNNING'`)).rows;
      if (n > total * 0.45 && running.length) break;
      const exited = await Promise.race([first.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);
      if (exited) throw new Error(`hub sync finished before it could be killed: ${first.output()}`);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    // Every run in flight at the kill (one, or more with HUB_SYNC_CONCURRENCY) is left RUNNING.
    const inFlight = (await killed.db.pool.query(`select count(*)::int n from connector_run where status = 'RUNNING'`)).rows[0].n;
    expect(inFlight).toBeGreaterThanOrEqual(1);

    // Cursors never ahead of committed data.
    const state = new Map((await killed.db.pool.query(`select connector_id, cursor from connector_state`)).rows.map((r) => [r.connector_id, r.cursor]));
    const has = async (sql: string, ids: string[]) => (await killed.db.pool.query(sql, [ids])).rows[0].n;
    const enfCursor = state.get('enforcement')?.feed as string | undefined;
    if (enfCursor) {
      const endOffset = Number(/^v1:(\d+):/.exec(Buffer.from(enfCursor, 'base64url').toString())![1]);
      const ids = [
        ...new Set(
          sim.store
            .enforcementView()
            .slice(0, endOffset)
            .map((r) => r.record_id),
        ),
      ];
      expect(await has(`select count(*)::int n from enforcement_record where record_id = any($1)`, ids)).toBe(ids.length);
    }
    const penaltyMark = state.get('penalty')?.watermark as string | undefined;
    if (penaltyMark) {
      const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
      const ids = sim.store
        .penaltyView()
        .records.filter((r) => chinaDay(r.modifiedAt) <= penaltyMark)
        .map((r) => r.caseNo);
      expect(await has(`select count(*)::int n from penalty where case_no = any($1)`, ids)).toBe(ids.length);
    }
    const lastComplete = state.get('monitoring')?.lastComplete as string | undefined;
    if (lastComplete) {
      const rows = sim.store
        .monitoringDates()
        .filter((d) => d <= lastComplete)
        .flatMap((d) => sim.store.monitoringRowsFor(d));
      const ids = rows.map((r) => `${r.creditCode}/${r.outletCode}/${r.pollutantCode}/${r.date}`);
      expect(
        await has(
          `select count(*)::int n from monitoring_day m join source_batch b on b.id = m.source_batch
            where concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')) = any($1)`,
          ids,
        ),
      ).toBe(ids.length);
    }
    const permitMark = state.get('permit')?.watermark as string | undefined;
    if (permitMark) {
      const ids = sim.store
        .permitView()
        .records.filter((r) => Date.parse(r.updatedAt) <= Date.parse(permitMark))
        .map((r) => r.creditCode);
      expect(await has(`select count(*)::int n from enterprise where credit_code = any($1)`, ids)).toBe(ids.length);
    }
    expect(state.size).toBeGreaterThan(0);

    // Each later sync first derives what the kill left marked: killed there, mid-transaction.
    await killDuring(killed, env, 'score_history');
    await killDuring(killed, env, 'enterprise_tags');
    await killDuring(killed, env, 'warning');
    const second = spawnHub(['sync'], env);
    expect([await second.exited, second.output()]).toEqual([0, expect.any(String)]);
    expect(await typedStoreDigest(killed.db)).toEqual(expected);
    expect(await derivedDigest(killed.db)).toEqual(expectedDerived);
    expect(await warningDigest(killed.db)).toEqual(expectedWarnings);
    expect((await killed.db.pool.query(`select count(*)::int n from derive_dirty`)).rows[0].n).toBe(0);

    // A replay of the enforcement feed from its start changes nothing.
    await killed.db.pool.query(`update connector_state set cursor = null where connector_id = 'enforcement'`);
    const replay = spawnHub(['sync', '--connector', 'enforcement'], env);
    expect([await replay.exited, replay.output()]).toEqual([0, expect.any(String)]);
    expect(await typedStoreDigest(killed.db)).toEqual(expected);
    expect(await derivedDigest(killed.db)).toEqual(expectedDerived);
    expect(await warningDigest(killed.db)).toEqual(expectedWarnings);
    const abandoned = (await killed.db.pool.query(`select count(*)::int n from connector_run where error like 'abandoned%'`)).rows[0].n;
    expect(abandoned).toBe(inFlight);
    expect((await killed.db.pool.query(`select count(*)::int n from connector_run where status = 'RUNNING'`)).rows[0].n).toBe(0);
  }, 240_000);
});
