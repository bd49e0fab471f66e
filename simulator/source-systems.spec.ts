import axios, { type AxiosInstance } from 'axios';
import { startSimulator, type RunningSimulator } from './sim.server';
import { C, FIXTURES, writeFixtureDir } from './sim-test.fixtures';

describe('source system APIs over a fixture folder', () => {
  let sim: RunningSimulator;
  let http: AxiosInstance;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, dataDir: writeFixtureDir() });
    http = axios.create({ baseURL: sim.url, validateStatus: () => true });
  });
  afterAll(() => sim.close());

  describe('permit', () => {
    const path = '/permit/api/v1/enterprises';

    it('orders by updatedAt then creditCode, comparing instants across zones', async () => {
      const r = await http.get(path);
      expect(r.status).toBe(200);
      expect(r.data).toMatchObject({ total: 4, page: 1, pageSize: 100 });
      const tied = [C[0], C[1]].sort();
      expect(r.data.items.map((i: { creditCode: string }) => i.creditCode)).toEqual([C[3], ...tied, C[2]]);
    });

    it('treats updatedSince as inclusive and pages with page/pageSize', async () => {
      const since = await http.get(path, { params: { updatedSince: '2026-11-01T08:00:00+08:00', pageSize: 2 } });
      expect(since.data.total).toBe(3);
      expect(since.data.items).toHaveLength(2);
      const page2 = await http.get(path, { params: { updatedSince: '2026-11-01T00:00:00Z', pageSize: 2, page: 2 } });
      expect(page2.data).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(page2.data.items.map((i: { creditCode: string }) => i.creditCode)).toEqual([C[2]]);
      const past = await http.get(path, { params: { page: 9 } });
      expect(past.data.items).toEqual([]);
      expect(past.data.total).toBe(4);
      const unencoded = await http.get(`${path}?updatedSince=2026-11-02T09:00:00+08:00`);
      expect(unencoded.data.total).toBe(1);
    });

    it('rejects bad parameters with 400 naming the parameter', async () => {
      for (const [params, name] of [
        [{ pageSize: 1001 }, 'pageSize'],
        [{ page: 0 }, 'page'],
        [{ updatedSince: 'last week' }, 'updatedSince'],
      ] as const) {
        const r = await http.get(path, { params });
        expect(r.status).toBe(400);
        expect(r.data.error).toContain(name);
      }
    });
  });

  describe('enforcement', () => {
    const path = '/enforcement/api/records';

    it('replays the change log by modified_at with an opaque cursor', async () => {
      const seen: Array<{ record_id: string; status: string }> = [];
      let cursor = '';
      for (let i = 0; i < 10; i++) {
        const r = await http.get(path, { params: { cursor, limit: 2 } });
        expect(r.status).toBe(200);
        seen.push(...r.data.records);
        cursor = r.data.next_cursor;
        if (!r.data.has_more) break;
      }
      expect(seen.map((s) => s.record_id)).toEqual(['ENF-2026-000001', 'ENF-2026-000002', 'ENF-2026-000003', 'ENF-2026-000004', 'ENF-2026-000002']);
      expect(seen[4].status).toBe('WITHDRAWN');
      const atEnd = await http.get(path, { params: { cursor } });
      expect(atEnd.data).toMatchObject({ records: [], has_more: false, next_cursor: cursor });
    });

    it('rejects a foreign cursor and an out-of-range limit', async () => {
      const bad = await http.get(path, { params: { cursor: 'not-ours' } });
      expect(bad.status).toBe(400);
      expect(bad.data.error).toContain('cursor');
      const big = await http.get(path, { params: { limit: 2001 } });
      expect(big.status).toBe(400);
      expect(big.data.error).toContain('limit');
    });
  });

  describe('penalty', () => {
    const path = '/penalty/export.csv';

    it('exports CSV with BOM, Chinese header, two-decimal amounts and RFC 4180 quoting', async () => {
      const r = await http.get(path, { params: { modifiedFrom: '2026-10-01', modifiedTo: '2026-10-31' }, responseType: 'arraybuffer' });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      const buf = Buffer.from(r.data);
      expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = buf.toString('utf8').slice(1).split('\r\n');
      expect(lines[0]).toBe('案件编号,统一社会信用代码,决定日期,罚款金额,按日连续处罚,状态,修改时间');
      expect(lines.slice(1, -1)).toEqual([
        `鲁环罚〔2026〕15号,${C[3]},2026-09-30,80000.00,否,已立案,2026-10-01T00:10:00+08:00`,
        `鲁环罚〔2026〕12号,${C[0]},2026-10-10,125000.00,否,已决定,2026-10-10T09:00:00+08:00`,
        `"鲁环罚〔2026〕13号,附""补正""",${C[1]},2026-10-11,1200000.50,是,已执行,2026-10-31T23:30:00+08:00`,
      ]);
      expect(lines[lines.length - 1]).toBe('');
    });

    it('compares the window with the modification date in China time', async () => {
      const r = await http.get(path, { params: { modifiedFrom: '2026-11-01', modifiedTo: '2026-11-01' } });
      expect(r.data).toContain('鲁环罚〔2026〕14号');
      expect(r.data).toContain('已撤销');
      expect(r.data.split('\r\n').filter(Boolean)).toHaveLength(2);
    });

    it('allows 31 days and refuses 32 with a JSON error', async () => {
      expect((await http.get(path, { params: { modifiedFrom: '2026-01-01', modifiedTo: '2026-01-31' } })).status).toBe(200);
      const r = await http.get(path, { params: { modifiedFrom: '2026-01-01', modifiedTo: '2026-02-01' } });
      expect(r.status).toBe(400);
      expect(r.data.error).toMatch(/at most 31 days/);
      const missing = await http.get(path, { params: { modifiedFrom: '2026-01-01' } });
      expect(missing.status).toBe(400);
      expect(missing.data.error).toContain('modifiedTo');
      const impossible = await http.get(path, { params: { modifiedFrom: '2026-02-30', modifiedTo: '2026-03-01' } });
      expect(impossible.data.error).toContain('modifiedFrom');
    });
  });

  describe('monitoring', () => {
    const path = '/monitoring/api/daily';

    it('pages the rows of a date in a stable order', async () => {
      const r = await http.get(path, { params: { date: '2026-11-01', size: 2 } });
      expect(r.data).toMatchObject({ date: '2026-11-01', page: 1, size: 2, total: 3 });
      const [a, b] = [C[0], C[1]].sort();
      const keys = (rows: Array<{ creditCode: string; pollutantCode: string }>) => rows.map((x) => `${x.creditCode}/${x.pollutantCode}`);
      const page2 = await http.get(path, { params: { date: '2026-11-01', size: 2, page: 2 } });
      const expected = [...FIXTURES.monitoring.filter((m) => m.date === '2026-11-01')].sort((x, y) =>
        x.creditCode + x.outletCode + x.pollutantCode < y.creditCode + y.outletCode + y.pollutantCode ? -1 : 1,
      );
      expect([...keys(r.data.rows), ...keys(page2.data.rows)]).toEqual(keys(expected));
      expect(new Set([a, b]).size).toBe(2);
      const none = await http.get(path, { params: { date: '2025-01-01' } });
      expect(none.data).toMatchObject({ total: 0, rows: [] });
    });

    it('requires a real date and a size up to 5000', async () => {
      expect((await http.get(path)).data.error).toContain('date');
      expect((await http.get(path, { params: { date: '2026-13-01' } })).status).toBe(400);
      const r = await http.get(path, { params: { date: '2026-11-01', size: 5001 } });
      expect(r.status).toBe(400);
      expect(r.data.error).toContain('size');
    });
  });

  describe('credit', () => {
    it('returns a bare array after updatedAfter (strict), ordered by updatedAt', async () => {
      const all = await http.get('/credit/ratings');
      expect(all.data.map((x: { uscc: string }) => x.uscc)).toEqual([C[0], C[1], C[2]]);
      const after = await http.get('/credit/ratings', { params: { updatedAfter: '2026-02-02T10:00:00+08:00' } });
      expect(after.data).toEqual([FIXTURES.credit[2]]);
      const bad = await http.get('/credit/ratings', { params: { updatedAfter: 'soon' } });
      expect(bad.status).toBe(400);
      expect(bad.data.error).toContain('updatedAfter');
    });
  });

  it('answers /healthz and 404 for unknown paths', async () => {
    expect((await http.get('/healthz')).data).toEqual({ status: 'ok' });
    expect((await http.get('/nowhere')).status).toBe(404);
  });
});

describe('source system APIs over a generated province', () => {
  let sim: RunningSimulator;
  let http: AxiosInstance;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 600, seed: 5, today: '2026-11-30', monitoringDays: 10 });
    http = axios.create({ baseURL: sim.url });
  });
  afterAll(() => sim.close());

  it('serves every enterprise exactly once across permit pages', async () => {
    const codes: string[] = [];
    for (let page = 1; ; page++) {
      const r = await http.get('/permit/api/v1/enterprises', { params: { page, pageSize: 250 } });
      codes.push(...r.data.items.map((i: { creditCode: string }) => i.creditCode));
      if (page * 250 >= r.data.total) break;
    }
    expect(codes).toHaveLength(600);
    expect(new Set(codes).size).toBe(600);
  });

  it('serves the whole enforcement feed and the same monitoring rows on every request', async () => {
    let cursor = '';
    let n = 0;
    for (;;) {
      const r = await http.get('/enforcement/api/records', { params: { cursor, limit: 2000 } });
      n += r.data.records.length;
      cursor = r.data.next_cursor;
      if (!r.data.has_more) break;
    }
    expect(n).toBe(sim.store.counts().enforcement);
    const date = sim.store.monitoringDates()[3];
    const a = await http.get('/monitoring/api/daily', { params: { date, size: 5000 } });
    const b = await http.get('/monitoring/api/daily', { params: { date, size: 5000 } });
    expect(a.data.total).toBeGreaterThan(0);
    expect(b.data).toEqual(a.data);
  });

  it('exports generated penalties in 31-day windows', async () => {
    const r = await http.get('/penalty/export.csv', { params: { modifiedFrom: '2026-10-30', modifiedTo: '2026-11-29' } });
    const lines = (r.data as string).split('\r\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(1)) expect(l).toMatch(/,\d+\.\d{2},[是否],(已立案|已决定|已执行|已撤销),2026-1[01]-\d\dT/);
  });
});
