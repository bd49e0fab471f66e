import axios, { type AxiosInstance } from 'axios';
import { startSimulator, type RunningSimulator } from './sim.server';
import { C, code, writeFixtureDir } from './sim-test.fixtures';

describe('admin API', () => {
  let sim: RunningSimulator;
  let http: AxiosInstance;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, dataDir: writeFixtureDir({ withoutCredit: true }) });
    http = axios.create({ baseURL: sim.url, validateStatus: () => true });
  });
  afterAll(() => sim.close());

  it('reports counts per system and the fault configuration', async () => {
    const r = await http.get('/admin/stats');
    expect(r.data.counts).toEqual({ permit: 4, enforcement: 5, enforcementRecords: 4, penalty: 4, monitoring: 4, credit: 0 });
    expect(r.data.faults).toMatchObject({ error500Rate: 0, malformedRate: 0, omitMalformed: false });
  });

  it('upserts permits by creditCode, stamping a missing updatedAt with the current time', async () => {
    const before = Date.now() - 1000;
    const fresh = { creditCode: code(99), name: '新注册,"测试"有限公司', divisionCode: '370102', permits: [] };
    const r = await http.post('/admin/records/permit', [fresh, { creditCode: C[3], name: '改名有限公司', updatedAt: '2020-12-01T08:00:00+08:00' }]);
    expect(r.data).toEqual({ system: 'permit', received: 2, inserted: 1, updated: 1 });
    const since = new Date(before).toISOString();
    const page = await http.get('/permit/api/v1/enterprises', { params: { updatedSince: since } });
    const stamped = page.data.items.find((i: { creditCode: string }) => i.creditCode === code(99));
    expect(stamped.name).toBe(fresh.name);
    expect(stamped.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const all = await http.get('/permit/api/v1/enterprises');
    expect(all.data.total).toBe(5);
    const renamed = all.data.items.find((i: { creditCode: string }) => i.creditCode === C[3]);
    expect(renamed.name).toBe('改名有限公司');
    expect(all.data.items[0].creditCode).toBe(C[3]); // re-sorted by updatedAt
    expect(all.data.items[4].creditCode).toBe(code(99));
  });

  it('appends enforcement changes to the feed, picked up from a saved cursor', async () => {
    const first = await http.get('/enforcement/api/records', { params: { limit: 2000 } });
    const cursor = first.data.next_cursor;
    const r = await http.post('/admin/records/enforcement', [
      { record_id: 'ENF-2026-000004', kind: 'MEASURE', credit_code: C[2], date: '2026-10-04', measure_type: 'ORDER_CORRECTION', status: 'WITHDRAWN' },
    ]);
    expect(r.data).toMatchObject({ inserted: 0, updated: 1 });
    const next = await http.get('/enforcement/api/records', { params: { cursor } });
    expect(next.data.records).toHaveLength(1);
    expect(next.data.records[0]).toMatchObject({ record_id: 'ENF-2026-000004', status: 'WITHDRAWN' });
    expect(next.data.records[0].modified_at).toMatch(/\+08:00$/);
  });

  it('upserts penalties by caseNo and quotes new ones in the CSV', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await http.post('/admin/records/penalty', [
      { caseNo: '鲁环罚〔2026〕12号', creditCode: C[0], decisionDate: '2026-10-10', amount: 125000, dailyConsecutive: false, status: 'REVOKED' },
      { caseNo: '鲁环罚〔2026〕99号,"并案"', creditCode: C[1], decisionDate: today, amount: 99.5, dailyConsecutive: true, status: 'FILED' },
    ]);
    const r = await http.get('/penalty/export.csv', { params: { modifiedFrom: today, modifiedTo: today } });
    expect(r.data).toContain(`鲁环罚〔2026〕12号,${C[0]},2026-10-10,125000.00,否,已撤销,`);
    expect(r.data).toContain(`"鲁环罚〔2026〕99号,""并案""",${C[1]},${today},99.50,是,已立案,`);
    const old = await http.get('/penalty/export.csv', { params: { modifiedFrom: '2026-10-10', modifiedTo: '2026-10-10' } });
    expect(old.data).not.toContain('12号');
  });

  it('upserts monitoring rows by creditCode+outletCode+date+pollutantCode and credit by uscc', async () => {
    await http.post('/admin/records/monitoring', [
      {
        creditCode: C[0],
        outletCode: 'DA001',
        date: '2026-11-01',
        pollutantCode: 'a21026',
        validHours: 24,
        exceedHours: 0,
        dailyMean: 30,
        limit: 50,
        unit: 'mg/m3',
      },
      {
        creditCode: C[0],
        outletCode: 'DA001',
        date: '2026-11-01',
        pollutantCode: 'a34013',
        validHours: 24,
        exceedHours: 0,
        dailyMean: 5,
        limit: 10,
        unit: 'mg/m3',
      },
    ]);
    const r = await http.get('/monitoring/api/daily', { params: { date: '2026-11-01' } });
    expect(r.data.total).toBe(4);
    expect(r.data.rows.find((x: { pollutantCode: string }) => x.pollutantCode === 'a21026')).toMatchObject({ exceedHours: 0, dailyMean: 30 });
    const c = await http.post('/admin/records/credit', [{ uscc: C[4], level: '红标', ratedOn: '2026-11-01' }]);
    expect(c.data).toMatchObject({ inserted: 1 });
    const ratings = await http.get('/credit/ratings');
    expect(ratings.data).toHaveLength(1);
    expect(ratings.data[0].updatedAt).toMatch(/\+08:00$/);
    expect((await http.get('/admin/stats')).data.counts).toMatchObject({ monitoring: 5, credit: 1, permit: 5 });
  });

  it('upserts over a generated monitoring day too', async () => {
    const gen = await startSimulator({ port: 0, enterprises: 300, seed: 3, today: '2026-11-30', monitoringDays: 5 });
    try {
      const g = axios.create({ baseURL: gen.url });
      const date = '2026-11-27';
      const before = (await g.get('/monitoring/api/daily', { params: { date, size: 5000 } })).data;
      const row = { ...before.rows[0], exceedHours: 7, validHours: 24 };
      const countBefore = gen.store.counts().monitoring;
      await g.post('/admin/records/monitoring', [row, { ...row, outletCode: 'DA009' }]);
      const after = (await g.get('/monitoring/api/daily', { params: { date, size: 5000 } })).data;
      expect(after.total).toBe(before.total + 1);
      expect(after.rows[0]).toEqual(row);
      expect(gen.store.counts().monitoring).toBe(countBefore + 1);
    } finally {
      await gen.close();
    }
  });

  it('rejects bodies it cannot upsert, naming the problem', async () => {
    const unknown = await http.post('/admin/records/weather', []);
    expect(unknown.status).toBe(400);
    expect(unknown.data.error).toContain('weather');
    const notArray = await http.post('/admin/records/permit', { creditCode: C[0] });
    expect(notArray.status).toBe(400);
    expect(notArray.data.error).toMatch(/array/);
    const noId = await http.post('/admin/records/penalty', [{ amount: 1 }]);
    expect(noId.data.error).toContain('caseNo');
    const badJson = await http.post('/admin/records/permit', 'not json', { headers: { 'content-type': 'application/json' }, transformRequest: [(d) => d] });
    expect(badJson.status).toBe(400);
  });
});
