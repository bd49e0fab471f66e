import { codeConnectors } from '.';
import { FetchContext, resolveConfig, historyWindow } from '../src/connectors/connector.types';
import { HttpClient } from '../src/connectors/http.client';
import { RunningSimulator, startSimulator } from '../simulator/sim.server';

/**
 * Every code connector (permit, enforcement, penalty, monitoring) fetches the
 * same records from a simulator that drops the connection mid-body (HTTP 200
 * with half a body) on a share of its answers as from one without faults.
 */
/** Small pages, so that every connector makes enough requests for the drops to hit. */
const SMALL_PAGES: Record<string, Record<string, unknown>> = { permit: { pageSize: 5 }, enforcement: { limit: 10 }, monitoring: { pageSize: 20 } };

describe('code connectors over a connection dropped mid-body', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 40, seed: 7, today: '2026-04-20', monitoringDays: 3 });
  });
  afterAll(() => sim.close());

  async function fetchAll(id: string, log: string[]): Promise<unknown[]> {
    const connector = codeConnectors.find((c) => c.manifest.id === id)!;
    const ctx: FetchContext = {
      http: new HttpClient({ baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 8, log: (l) => log.push(l) }),
      baseUrl: sim.url,
      config: resolveConfig(connector.manifest, SMALL_PAGES[id] ?? {}),
      cursor: null,
      log: () => undefined,
      now: new Date('2026-04-20T04:00:00Z'),
      // SD-2021's window for the penalty export (three years of windows); monitoring, whose simulator holds 3 dates, over 5
      // (a thousand requests each dropped at 40 % would exhaust the retries somewhere).
      history: historyWindow(id === 'monitoring' ? 5 : 1095, new Date('2026-04-20T04:00:00Z')),
    };
    const items: unknown[] = [];
    for await (const page of connector.fetch(ctx)) items.push(...page.items);
    return items;
  }

  it.each(codeConnectors.map((c) => c.manifest.id))('%s retries the dropped answers and loses nothing', async (id) => {
    sim.faults.replace({});
    const clean = await fetchAll(id, []);
    sim.faults.replace({ dropRate: 0.4, seed: 3 });
    const log: string[] = [];
    const faulty = await fetchAll(id, log);
    expect(clean.length).toBeGreaterThan(0);
    expect(faulty).toEqual(clean);
    expect(log.some((l) => /HTTP 200 with the body cut short|ECONNRESET|aborted/.test(l))).toBe(true);
  });
});
