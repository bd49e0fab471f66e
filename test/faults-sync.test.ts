import { HubServices, createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { createTestDatabase } from './support/test-database';
import creditDefinition from '../connectors/credit-rating.declarative.json';
import { typedStoreDigest } from './support/store-digest';

const ALL = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];
const SIM = { enterprises: 400, seed: 11, monitoringDays: 30 };

async function syncedHub(faults: Parameters<typeof startSimulator>[0]['faults']) {
  const tdb = await createTestDatabase();
  const sim = await startSimulator({ port: 0, ...SIM, faults });
  const logs: string[] = [];
  // Two connectors side by side: their pages can deadlock on shared rows and must be written again.
  const services: HubServices = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url, HUB_SYNC_CONCURRENCY: '2' }), tdb.db, {
    log: (l) => logs.push(l),
    runner: { http: { timeoutMs: 300, baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 10 } },
  });
  await services.declarativeConnectors.register(creditDefinition);
  const summaries = await services.runner.syncAll(ALL, 'test');
  return { tdb, sim, services, summaries, logs };
}

/**
 * With 10% HTTP 500, 5% timeouts, 1% malformed and 5% duplicated records a
 * full sync ends with exactly the store of a fault-free sync of the same good
 * records, and every malformed record sits in quarantine with a reason.
 */
describe('sync under source faults', () => {
  let faulty: Awaited<ReturnType<typeof syncedHub>>;
  let clean: Awaited<ReturnType<typeof syncedHub>>;
  beforeAll(async () => {
    [faulty, clean] = await Promise.all([
      syncedHub({ error500Rate: 0.1, timeoutRate: 0.05, timeoutMs: 700, malformedRate: 0.01, duplicateRate: 0.05, seed: 5 }),
      syncedHub({ malformedRate: 0.01, omitMalformed: true, seed: 5 }),
    ]);
  }, 150_000);
  afterAll(async () => {
    for (const h of [faulty, clean]) {
      if (!h) continue;
      await h.sim.close();
      await h.tdb.drop();
    }
  });

  it('every run succeeds after retries', () => {
    for (const s of [...faulty.summaries, ...clean.summaries]) expect([s.connectorId, s.status, s.error]).toEqual([s.connectorId, 'SUCCEEDED', undefined]);
    expect(faulty.logs.some((l) => /HTTP 500/.test(l))).toBe(true);
    expect(faulty.logs.some((l) => /ETIMEDOUT|ERR_CANCELED|ECONNABORTED|timeout|abort/i.test(l))).toBe(true);
  });

  it('ends with exactly the store of a fault-free sync (counts and checksums of the typed tables)', async () => {
    const [a, b] = await Promise.all([typedStoreDigest(faulty.tdb.db), typedStoreDigest(clean.tdb.db)]);
    expect(a).toEqual(b);
    expect(Number(a.monitoring_day.split(' ')[0])).toBeGreaterThan(1000);
  });

  it('puts every malformed record in quarantine with a reason saying what is wrong', async () => {
    const malformed = (await (await fetch(`${faulty.sim.url}/admin/malformed`)).json()) as Record<string, string[]>;
    const q = (await faulty.tdb.db.pool.query(`select connector_id, source_id, payload, reason from quarantine where status = 'OPEN'`)).rows;
    expect(await clean.tdb.db.pool.query(`select count(*)::int n from quarantine`).then((r) => r.rows[0].n)).toBe(0);
    const total = Object.values(malformed).reduce((n, ids) => n + ids.length, 0);
    expect(total).toBeGreaterThan(10);
    const p17 = (s: unknown) => String(s ?? '').slice(0, 17);
    const matchers: Record<string, [string, (id: string, p: Record<string, unknown>) => boolean]> = {
      permit: ['permit', (id, p) => p17(p.creditCode) === p17(id) && String(p.name ?? '') !== ''],
      enforcement: ['enforcement', (id, p) => p.record_id === id],
      penalty: ['penalty', (id, p) => p['案件编号'] === id],
      monitoring: [
        'monitoring',
        (id, p) => {
          const [code, outlet, date, pollutant] = id.split('|');
          return (
            p17(p.creditCode) === p17(code) && p.outletCode === outlet && p.pollutantCode === pollutant && (p.date === date || /-02-30$/.test(String(p.date)))
          );
        },
      ],
      credit: ['credit-rating', (id, p) => p17(p.uscc) === p17(id)],
    };
    for (const [system, ids] of Object.entries(malformed)) {
      const [connectorId, match] = matchers[system];
      const mine = q.filter((r) => r.connector_id === connectorId);
      for (const id of ids) {
        const hit = mine.find((r) => match(id, r.payload));
        expect([system, id, !!hit]).toEqual([system, id, true]);
        expect(hit!.reason).toMatch(/field|column|credit code|check/i);
      }
    }
    for (const r of q) expect(r.reason.length).toBeGreaterThan(15);
  });
});
