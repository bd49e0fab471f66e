import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { withCheckChar } from '../src/domain/credit-code';
import { chinaToday } from '../src/domain/china-date';
import { startSimulator } from '../simulator/sim.server';
import { until } from './support/drill-kit';
import { HubProcess, servingEntry, spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { subscribeWarningsAndScores, subscriptionsListening, testPermitRecord } from './support/ws-subscriber';

/**
 * The whole push path across processes (issue 7, "must show"): two graphql-ws
 * subscribers on one `hub serve` process, a change made in the simulator, a
 * sync run by a separate `hub sync` process on the same database, and the
 * warnings and the new score arriving at the subscriber of the enterprise's
 * county — and nothing at the subscriber of the neighbouring county.
 * Needs the built CLI (`npm run build`; `npm test` builds first).
 */
const T = chinaToday();
const LIXIA = '370102';
const SHIZHONG = '370103';
const A = withCheckChar(`91${LIXIA}MAE2E0001`);
const B = withCheckChar(`91${SHIZHONG}MAE2E0002`);

const permitRecord = (c: string) => testPermitRecord(c, `推送测试企业${c.slice(-4)}`, T);

const subscriber = (port: number, key: string) =>
  subscribeWarningsAndScores(port, key, {
    warning: 'id type severity subject status message enterprise { creditCode division { code } }',
    score: 'creditCode score riskLevel rank division { code }',
  });

describe('warnings and scores pushed across processes', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  let serve: HubProcess | undefined;
  const clients: Client[] = [];
  let env: Record<string, string>;
  let keys: { lixia: string; shizhong: string };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 0 });
    tdb = await createTestDatabase();
    env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_LEVEL: 'info' };
    await fetch(`${sim.url}/admin/records/permit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([permitRecord(A), permitRecord(B)]),
    });
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    await services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring']);
    keys = {
      lixia: (await services.apiKeys.create({ name: 'lixia bureau', divisionCode: LIXIA, role: 'BUREAU' })).key,
      shizhong: (await services.apiKeys.create({ name: 'shizhong bureau', divisionCode: SHIZHONG, role: 'BUREAU' })).key,
    };
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    await sim?.close();
    await tdb?.drop();
  });

  it('a sync committed by `hub sync` reaches the subscriber of the county on `hub serve`, and no one else', async () => {
    serve = spawnHub(['serve', '--port', '0'], env);
    const { port } = await serve.waitForServing(30_000);

    const lixia = subscriber(port, keys.lixia);
    const shizhong = subscriber(port, keys.shizhong);
    clients.push(lixia.client, shizhong.client);
    await Promise.all([lixia.ready, shizhong.ready]);
    // Subscribe messages processed: the four subscriptions (two per subscriber) are listening.
    await until(async () => (await subscriptionsListening(port)) >= 4, 10_000, 'the subscriptions to listen');

    // The change, made in the source system: an order to suspend production and a criminal referral for A.
    const r = await fetch(`${sim.url}/admin/records/enforcement`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          record_id: 'ENF-E2E-1',
          kind: 'MEASURE',
          credit_code: A,
          date: T,
          measure_type: 'SUSPEND_PRODUCTION',
          status: 'ACTIVE',
          modified_at: `${T}T09:00:00+08:00`,
        },
        {
          record_id: 'ENF-E2E-2',
          kind: 'MEASURE',
          credit_code: A,
          date: T,
          measure_type: 'TRANSFER_CRIMINAL',
          status: 'ACTIVE',
          modified_at: `${T}T09:05:00+08:00`,
        },
      ]),
    });
    expect(r.status).toBeLessThan(300);

    // The sync runs in another process.
    const sync = spawnHub(['sync', '--connector', 'enforcement'], env);
    expect(await sync.exited).toBe(0);
    const committedAt = Date.now();

    await until(
      () => lixia.got.scores.length >= 1 && lixia.got.warnings.length >= 2,
      5000,
      () => `pushes to the Lixia subscriber:\n${serve!.output()}`,
      25,
    );
    const latencyMs = Date.now() - committedAt;
    expect(lixia.got.errors).toEqual([]);
    expect(lixia.got.scores.map((s) => s.data.scoreChanged)).toEqual([
      expect.objectContaining({ creditCode: A, score: 100 - 24 - 40, riskLevel: 'HIGH', rank: 1, division: { code: LIXIA } }),
    ]);
    const types = lixia.got.warnings.map((w) => w.data.warningRaised.type).sort();
    expect(types).toEqual(['RISK_UP', 'SCORE_DROP']);
    for (const w of lixia.got.warnings) {
      expect(w.data.warningRaised).toMatchObject({ status: 'OPEN', severity: 'HIGH', subject: null, enterprise: { creditCode: A, division: { code: LIXIA } } });
    }
    expect(latencyMs).toBeLessThan(5000);

    // The neighbouring county's subscriber heard nothing.
    // A quiet window, the behaviour under test: nothing reaches it within a second (an absence has no event to wait for).
    await new Promise((r2) => setTimeout(r2, 1000));
    expect(shizhong.got).toEqual({ warnings: [], scores: [], errors: [] });

    // The warning is the same one the API lists, and only Lixia can take it up.
    const id = lixia.got.warnings.find((w) => w.data.warningRaised.type === 'RISK_UP').data.warningRaised.id;
    const ack = async (key: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          query: 'mutation($id: ID!) { acknowledgeWarning(id: $id, note: "on it") { status acknowledgedBy acknowledgeNote } }',
          variables: { id },
        }),
      });
      return res.json() as Promise<any>;
    };
    expect((await ack(keys.shizhong)).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await ack(keys.lixia)).data.acknowledgeWarning).toEqual({ status: 'ACKNOWLEDGED', acknowledgedBy: 'lixia bureau', acknowledgeNote: 'on it' });
  }, 90_000);

  it('refuses a WebSocket connection without a valid key', async () => {
    const { port } = servingEntry(serve!.output())!;
    for (const params of [{}, { Authorization: 'Bearer hub_nope_nope' }]) {
      const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
        const c = createClient({
          url: `ws://127.0.0.1:${port}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: params,
          retryAttempts: 0,
          on: { closed: (e) => resolve({ code: (e as { code: number }).code, reason: String((e as { reason: string }).reason) }) },
        });
        c.subscribe({ query: 'subscription { warningRaised { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
        clients.push(c);
      });
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/Authorization|unknown or revoked/);
    }
  });
});
