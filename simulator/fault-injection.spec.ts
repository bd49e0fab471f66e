import axios, { type AxiosInstance } from 'axios';
import { isValidCreditCode } from '../src/domain/credit-code';
import { startSimulator, type RunningSimulator } from './sim.server';

const PERMITS = '/permit/api/v1/enterprises';

async function allPermitPages(http: AxiosInstance, pageSize: number): Promise<{ total: number; items: Array<Record<string, unknown>> }> {
  const items: Array<Record<string, unknown>> = [];
  let total = 0;
  for (let page = 1; ; page++) {
    const r = await http.get(PERMITS, { params: { page, pageSize } });
    total = r.data.total;
    items.push(...r.data.items);
    if (page * pageSize >= total) break;
  }
  return { total, items };
}

describe('fault injection', () => {
  let sim: RunningSimulator;
  let http: AxiosInstance;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 400, seed: 9, today: '2026-11-30', monitoringDays: 5 });
    http = axios.create({ baseURL: sim.url, validateStatus: () => true });
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await http.put('/admin/faults', {});
  });

  it('answers a share of requests with 500 (with Retry-After), decided per URL attempt so retries can succeed', async () => {
    await http.put('/admin/faults', { error500Rate: 0.5, retryAfterSeconds: 2, seed: 4 });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 30; i++) {
      const r = await http.get(PERMITS, { params: { pageSize: 1 } });
      statuses.push(r.status);
      if (r.status === 500) retryAfter = r.headers['retry-after'];
    }
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(retryAfter).toBe('2');
    // Same seed, counters reset: the same sequence again.
    await http.put('/admin/faults', { error500Rate: 0.5, retryAfterSeconds: 2, seed: 4 });
    const again: number[] = [];
    for (let i = 0; i < 30; i++) again.push((await http.get(PERMITS, { params: { pageSize: 1 } })).status);
    expect(again).toEqual(statuses);
    // Admin and health endpoints are never faulted.
    expect((await http.get('/healthz')).status).toBe(200);
  });

  it('delays responses past the client timeout', async () => {
    await http.put('/admin/faults', { timeoutRate: 1, timeoutMs: 400 });
    const t0 = Date.now();
    await expect(http.get(PERMITS, { timeout: 100 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
    expect(Date.now() - t0).toBeLessThan(400);
    const slow = await http.get(PERMITS, { params: { pageSize: 1 } });
    expect(slow.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });

  it('drops the connection mid-body', async () => {
    await http.put('/admin/faults', { dropRate: 1 });
    await expect(http.get(PERMITS, { params: { pageSize: 50 } })).rejects.toThrow();
    await http.put('/admin/faults', { dropRate: 0.5, seed: 2 });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http.get(PERMITS, { params: { pageSize: 10, page: i + 1 } }).then(
          () => 'ok',
          () => 'dropped',
        ),
      ),
    );
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('dropped');
  });

  it('serves the same records malformed on every request, of every kind, and lists them', async () => {
    await http.put('/admin/faults', { malformedRate: 0.1 });
    const listed = (await http.get('/admin/malformed')).data;
    expect(listed.permit.length).toBeGreaterThan(15);
    expect(listed.enforcement.length).toBeGreaterThan(0);
    expect(listed.monitoring.length).toBeGreaterThan(0);
    expect(listed.credit.length).toBeGreaterThan(0);
    const first = await allPermitPages(http, 100);
    const second = await allPermitPages(http, 100);
    expect(second.items).toEqual(first.items);
    const original = sim.store.permitView().records;
    const bad = new Set<string>(listed.permit);
    const kinds = new Set<string>();
    first.items.forEach((served, i) => {
      const stored = original[i];
      if (!bad.has(stored.creditCode)) {
        expect(served).toEqual(stored);
        return;
      }
      expect(served).not.toEqual(stored);
      if (!isValidCreditCode(served.creditCode)) kinds.add('check');
      else if (!('divisionCode' in served)) kinds.add('missing');
      else if (typeof served.permits === 'string') kinds.add('type');
      else if (JSON.stringify(served.permits).includes('-02-30')) kinds.add('date');
    });
    expect(kinds).toEqual(new Set(['check', 'missing', 'type', 'date']));
    const csv = await http.get('/penalty/export.csv', { params: { modifiedFrom: '2026-10-30', modifiedTo: '2026-11-29' } });
    expect(csv.status).toBe(200);
  });

  it('omits exactly the would-be-malformed records with omitMalformed', async () => {
    await http.put('/admin/faults', { malformedRate: 0.1 });
    const bad = new Set<string>((await http.get('/admin/malformed')).data.permit);
    await http.put('/admin/faults', { malformedRate: 0.1, omitMalformed: true });
    const good = await allPermitPages(http, 100);
    expect(good.total).toBe(400 - bad.size);
    expect(good.items).toEqual(sim.store.permitView().records.filter((r) => !bad.has(r.creditCode)));
    expect((await http.get('/admin/malformed')).data.permit).toEqual([]);
  });

  it('repeats a share of records on the next page and the next feed batch', async () => {
    await http.put('/admin/faults', { duplicateRate: 0.2 });
    const { total, items } = await allPermitPages(http, 50);
    const codes = items.map((i) => i.creditCode as string);
    expect(codes.length).toBeGreaterThan(total);
    expect(new Set(codes).size).toBe(total);
    let cursor = '';
    const ids: string[] = [];
    for (;;) {
      const r = await http.get('/enforcement/api/records', { params: { cursor, limit: 100 } });
      ids.push(...r.data.records.map((x: { record_id: string }) => x.record_id));
      cursor = r.data.next_cursor;
      if (!r.data.has_more) break;
    }
    expect(ids.length).toBeGreaterThan(sim.store.counts().enforcement);
    expect(new Set(ids).size).toBe(sim.store.counts().enforcementRecords);
  });

  it('validates fault settings, naming the bad key', async () => {
    const r = await http.put('/admin/faults', { error500Rate: 2 });
    expect(r.status).toBe(400);
    expect(r.data.error).toContain('error500Rate');
    const unknown = await http.patch('/admin/faults', { flakiness: 1 });
    expect(unknown.data.error).toContain('flakiness');
    const merged = await http.patch('/admin/faults', { dropRate: 0.25 });
    expect(merged.data).toMatchObject({ dropRate: 0.25, error500Rate: 0, timeoutMs: 30000 });
  });

  it('takes faults at start', async () => {
    const faulty = await startSimulator({ port: 0, enterprises: 50, seed: 1, today: '2026-11-30', faults: { error500Rate: 1 } });
    try {
      const r = await axios.get(`${faulty.url}${PERMITS}`, { validateStatus: () => true });
      expect(r.status).toBe(500);
      expect((await axios.get(`${faulty.url}/admin/stats`)).data.faults.error500Rate).toBe(1);
    } finally {
      await faulty.close();
    }
  });
});
