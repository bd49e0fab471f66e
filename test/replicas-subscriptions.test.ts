import { Client } from 'graphql-ws';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { withCheckChar } from '../src/domain/credit-code';
import { chinaToday } from '../src/domain/china-date';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { ServeProcess, gql, startServe, stopReplicaDrill, until } from './support/drill-kit';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { subscribeWarningsAndScores, subscriptionsListening, testPermitRecord } from './support/ws-subscriber';

/**
 * Replicas (issue 9): two `hub serve` processes on one database, a graphql-ws
 * subscriber on each, and a sync committed by a third process (`hub sync`).
 * Both subscribers receive every event — the same warnings and the same score
 * change — because each process LISTENs on the database, not on its peers.
 * (That scheduled firings run once across replicas is shown by
 * test/schedule-replicas.test.ts.) Needs the built CLI (`npm run build`).
 */
const T = chinaToday();
const CODE = withCheckChar('91370102MA0REP001');

const subscribe = (port: number, key: string) =>
  subscribeWarningsAndScores(port, key, { warning: 'id type enterprise { creditCode }', score: 'creditCode score riskLevel' });

describe('replicas: subscribers on either hub serve process get every event', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  const serves: ServeProcess[] = [];
  const clients: Client[] = [];
  let key: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 40, seed: 3, monitoringDays: 5 });
    tdb = await createTestDatabase();
    env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_LEVEL: 'info' };
    await sim.store.upsert('permit', [testPermitRecord(CODE, '副本推送企业', T, { address: '副本路1号' })]);
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    for (const s of await services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'])) expect(s.status).toBe('SUCCEEDED');
    key = (await services.apiKeys.create({ name: 'replica watcher', divisionCode: '370100', role: 'BUREAU' })).key;
  }, 60_000);

  afterAll(() => stopReplicaDrill({ clients, serves, sim, tdb }));

  it('delivers the warnings and the score change of a sync run by a third process to both replicas', async () => {
    serves.push(...(await Promise.all([startServe(env), startServe(env)])));
    const subs = serves.map((s) => subscribe(s.port, key));
    clients.push(...subs.map((s) => s.client));
    await Promise.all(subs.map((s) => s.ready));
    // Subscribe messages processed: both subscriptions of each replica are listening.
    await until(async () => (await Promise.all(serves.map((s) => subscriptionsListening(s.port)))).every((n) => n >= 2), 10_000, 'the subscriptions to listen');

    sim.store.upsert('enforcement', [
      {
        record_id: 'ENF-REP-1',
        kind: 'MEASURE',
        credit_code: CODE,
        date: T,
        measure_type: 'SUSPEND_PRODUCTION',
        status: 'ACTIVE',
        modified_at: `${T}T09:00:00+08:00`,
      },
      {
        record_id: 'ENF-REP-2',
        kind: 'MEASURE',
        credit_code: CODE,
        date: T,
        measure_type: 'TRANSFER_CRIMINAL',
        status: 'ACTIVE',
        modified_at: `${T}T09:05:00+08:00`,
      },
    ]);
    const sync = spawnHub(['sync', '--connector', 'enforcement'], env);
    expect(await sync.exited).toBe(0);

    const enough = () => subs.every((s) => s.got.scores.length >= 1 && s.got.warnings.length >= 2);
    await until(enough, 10_000, () => `both replicas to hear the sync: ${JSON.stringify(subs.map((s) => s.got))}\n${serves.map((s) => s.output()).join('\n')}`);
    // A quiet window, the behaviour under test: nothing further and nothing twice arrives within it
    // (an absence has no event to wait for).
    await new Promise((r) => setTimeout(r, 500));
    const seen = subs.map((s) => ({
      errors: s.got.errors,
      scores: s.got.scores.map((v) => v.data.scoreChanged),
      warnings: s.got.warnings.map((v) => v.data.warningRaised).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    }));
    expect(seen[0].errors).toEqual([]);
    expect(seen[0].scores).toEqual([expect.objectContaining({ creditCode: CODE, riskLevel: 'HIGH' })]);
    expect(seen[0].warnings.map((w) => [w.type, w.enterprise.creditCode]).sort()).toEqual([
      ['RISK_UP', CODE],
      ['SCORE_DROP', CODE],
    ]);
    // The other replica received exactly the same events (same warning ids).
    expect(seen[1]).toEqual(seen[0]);

    // Either replica answers queries on the same data.
    const q = `{ enterprise(creditCode: "${CODE}") { score riskLevel } }`;
    const answers = await Promise.all(serves.map((s) => gql(s.port, key, q)));
    expect(answers[1].data).toEqual(answers[0].data);
    expect(answers[0].data.enterprise).toEqual({ score: seen[0].scores[0].score, riskLevel: 'HIGH' });
  }, 60_000);
});
