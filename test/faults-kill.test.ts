import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { typedStoreDigest } from './support/store-digest';
import creditDefinition from '../connectors/credit-rating.declarative.json';

/** Small pages so a sync is many transactions long. */
const SMALL_PAGES: Record<string, object> = { permit: { pageSize: 40 }, enforcement: { limit: 40 }, penalty: { chunkSize: 10 }, monitoring: { pageSize: 60 } };

async function prepare(tdb: TestDatabase, simUrl: string, smallPages: boolean) {
  const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: simUrl }), tdb.db);
  await services.declarativeConnectors.register(creditDefinition);
  if (smallPages) for (const [id, config] of Object.entries(SMALL_PAGES)) await tdb.db.pool.query(`update connector set config = $2 where id = $1`, [id, config]);
  return services;
}

/**
 * `hub sync` killed with SIGKILL in the middle of a run, then run again, ends
 * with the store of an uninterrupted sync; at the kill no cursor was ahead of
 * the data committed with it.
 */
describe('hub sync killed mid-run', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let killed: TestDatabase;
  let reference: TestDatabase;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 600, seed: 21 });
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

    await prepare(killed, sim.url, true);
    const env = { DATABASE_URL: killed.url, HUB_SOURCES_URL: sim.url, LOG_LEVEL: 'warn' };
    const first = spawnHub(['sync'], env);
    const total = Number(expected.source_record.split(' ')[0]);
    // Kill once about half the records are committed and a later connector is mid-run.
    for (;;) {
      const n = (await killed.db.pool.query(`select count(*)::int n from source_record`)).rows[0].n;
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
      const ids = [...new Set(sim.store.enforcementView().slice(0, endOffset).map((r) => r.record_id))];
      expect(await has(`select count(*)::int n from enforcement_record where record_id = any($1)`, ids)).toBe(ids.length);
    }
    const penaltyMark = state.get('penalty')?.watermark as string | undefined;
    if (penaltyMark) {
      const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
      const ids = sim.store.penaltyView().records.filter((r) => chinaDay(r.modifiedAt) <= penaltyMark).map((r) => r.caseNo);
      expect(await has(`select count(*)::int n from penalty where case_no = any($1)`, ids)).toBe(ids.length);
    }
    const lastComplete = state.get('monitoring')?.lastComplete as string | undefined;
    if (lastComplete) {
      const rows = sim.store.monitoringDates().filter((d) => d <= lastComplete).flatMap((d) => sim.store.monitoringRowsFor(d));
      const ids = rows.map((r) => `${r.creditCode}/${r.outletCode}/${r.pollutantCode}/${r.date}`);
      expect(await has(`select count(*)::int n from source_record where connector_id = 'monitoring' and source_id = any($1)`, ids)).toBe(ids.length);
    }
    const permitMark = state.get('permit')?.watermark as string | undefined;
    if (permitMark) {
      const ids = sim.store.permitView().records.filter((r) => Date.parse(r.updatedAt) <= Date.parse(permitMark)).map((r) => r.creditCode);
      expect(await has(`select count(*)::int n from enterprise where credit_code = any($1)`, ids)).toBe(ids.length);
    }
    expect(state.size).toBeGreaterThan(0);

    const second = spawnHub(['sync'], env);
    expect([await second.exited, second.output()]).toEqual([0, expect.any(String)]);
    expect(await typedStoreDigest(killed.db)).toEqual(expected);
    const abandoned = (await killed.db.pool.query(`select count(*)::int n from connector_run where error like 'abandoned%'`)).rows[0].n;
    expect(abandoned).toBe(inFlight);
    expect((await killed.db.pool.query(`select count(*)::int n from connector_run where status = 'RUNNING'`)).rows[0].n).toBe(0);
  }, 120_000);
});
