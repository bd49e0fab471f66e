import http from 'node:http';
import { AddressInfo } from 'node:net';
import { HubServices, createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { RunSummary } from '../src/ingest/sync.runner';
import { startSimulator } from '../simulator/sim.server';
import creditDefinition from '../connectors/credit-rating.declarative.json';
import { until } from './support/drill-kit';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * Issue 14, item 9: `hub sync` while another process runs one connector (here
 * a run in this test process, held up by a source that never answers) skips
 * that connector, runs the others, names the skipped one, and exits 3.
 */
describe('hub sync while a connector is running elsewhere', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  let services: HubServices;
  let silent: http.Server;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, monitoringDays: 30, enterprises: 60, seed: 12 });
    tdb = await createTestDatabase();
    services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db, { runner: { http: { maxAttempts: 1, timeoutMs: 120_000 } } });
    await services.declarativeConnectors.register(creditDefinition);
    // A source that accepts requests and never answers: the enforcement run in this process holds its connector.
    silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    await tdb.db.pool.query(`update connector set config = $1 where id = 'enforcement'`, [
      { baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
    ]);
  });
  afterAll(async () => {
    silent?.closeAllConnections();
    silent?.close();
    await sim?.close();
    await tdb?.drop();
  });

  it('skips the busy connector, runs the rest, says so, and exits 3', async () => {
    const holding: Promise<RunSummary> = services.runner.run('enforcement', 'schedule', { skipPostSync: true });
    await until(
      async () => (await tdb.db.pool.query(`select 1 from connector_run where connector_id = 'enforcement' and status = 'RUNNING'`)).rowCount === 1,
      20_000,
      'the holding run',
    );

    const sync = spawnHub(['sync'], { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, LOG_LEVEL: 'warn', LOG_FORMAT: 'text' });
    const code = await sync.exited;
    const out = sync.output();
    expect(code).toBe(3);
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
    expect(out).toMatch(/skipped \(already running elsewhere[^\n]*\n\s+enforcement: connector 'enforcement' is already running \(run \d+, schedule, started /);

    const runs = (await tdb.db.pool.query(`select connector_id, status from connector_run where trigger = 'cli' order by connector_id`)).rows;
    expect(runs).toEqual(['credit-rating', 'monitoring', 'penalty', 'permit'].map((connector_id) => ({ connector_id, status: 'SUCCEEDED' })));

    // The held run is not disturbed by the skip; it ends when its source goes away.
    silent.closeAllConnections();
    const held = await holding;
    expect(held.status).toBe('FAILED');
    expect((await tdb.db.pool.query(`select count(*)::int n from connector_run where connector_id = 'enforcement'`)).rows[0].n).toBe(1);
  }, 120_000);
});
