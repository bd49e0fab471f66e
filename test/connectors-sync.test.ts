import { TestHub, startTestHub } from './support/test-hub';
import creditDefinition from '../connectors/credit-rating.declarative.json';

/** Every connector against a generated province: what the sources hold lands in the typed tables. */
describe('connectors against the simulator', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 300, seed: 7 }, server: false });
    await hub.services.declarativeConnectors.register(creditDefinition);
  });
  afterAll(async () => hub?.close());

  const count = async (sql: string) => Number((await hub.tdb.db.pool.query(sql)).rows[0].n);

  it('loads every system in full, then finds nothing new on a second sync', async () => {
    const ids = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];
    const first = await hub.services.runner.syncAll(ids, 'test');
    for (const s of first) expect([s.connectorId, s.status, s.error]).toEqual([s.connectorId, 'SUCCEEDED', undefined]);
    const c = hub.sim.store.counts();
    expect(await count('select count(*) n from enterprise')).toBe(c.permit);
    expect(await count('select count(*) n from enforcement_record')).toBe(c.enforcementRecords);
    expect(await count('select count(*) n from penalty')).toBe(c.penalty);
    expect(await count('select count(*) n from monitoring_day')).toBe(c.monitoring);
    expect(await count('select count(*) n from credit_rating')).toBe(c.credit);
    expect(await count('select count(*) n from quarantine')).toBe(0);

    // Latest version of each enforcement record wins; WITHDRAWN kept.
    const latest = new Map<string, { status: string; modified_at: string }>();
    for (const r of hub.sim.store.enforcementView()) latest.set(r.record_id, r);
    const rows = (await hub.tdb.db.pool.query(`select record_id, status, modified_at from enforcement_record`)).rows;
    for (const r of rows) {
      expect(r.status).toBe(latest.get(r.record_id)!.status);
      expect(r.modified_at.getTime()).toBe(Date.parse(latest.get(r.record_id)!.modified_at));
    }
    expect(rows.some((r) => r.status === 'WITHDRAWN')).toBe(true);

    // Ratings mapped through the value map.
    const levels = (await hub.tdb.db.pool.query(`select level, count(*)::int n from credit_rating group by level`)).rows.map((r) => r.level);
    expect(levels.every((l: string) => ['green', 'blue', 'yellow', 'red', 'black'].includes(l))).toBe(true);

    const second = await hub.services.runner.syncAll(ids, 'test');
    for (const s of second) expect([s.connectorId, s.status, s.loaded]).toEqual([s.connectorId, 'SUCCEEDED', 0]);
  });

  it('follows live changes: a penalty with commas and quotes, a withdrawn measure, a revised monitoring row, a new rating', async () => {
    const code = (await hub.tdb.db.pool.query(`select credit_code from enterprise order by credit_code limit 1`)).rows[0].credit_code;
    const now = new Date();
    const iso = new Date(now.getTime() - 60_000).toISOString().replace('Z', '+00:00');
    const yesterday = new Date(now.getTime() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
    await post('penalty', [
      {
        caseNo: '鲁环罚〔2026〕"特,殊"\n号',
        creditCode: code,
        decisionDate: yesterday,
        amount: 1234.5,
        dailyConsecutive: true,
        status: 'DECIDED',
        modifiedAt: iso,
      },
    ]);
    const enf = [...hub.sim.store.enforcementView()].find((r) => r.kind === 'MEASURE' && r.status === 'ACTIVE')!;
    await post('enforcement', [{ ...enf, status: 'WITHDRAWN', modified_at: iso }]);
    const row = hub.sim.store.monitoringRowsFor(yesterday)[0];
    await post('monitoring', [{ ...row, exceedHours: 5, validHours: 24 }]);
    await post('credit', [{ uscc: code, level: '黑标', ratedOn: yesterday, updatedAt: iso }]);

    const runs = await hub.services.runner.syncAll(['enforcement', 'penalty', 'monitoring', 'credit-rating'], 'test');
    for (const s of runs) expect(s.status).toBe('SUCCEEDED');
    const q = (sql: string, p: unknown[]) => hub.tdb.db.pool.query(sql, p).then((r) => r.rows[0]);
    expect(await q(`select amount::text, daily_consecutive, status from penalty where case_no = $1`, ['鲁环罚〔2026〕"特,殊"\n号'])).toEqual({
      amount: '1234.50',
      daily_consecutive: true,
      status: 'DECIDED',
    });
    expect((await q(`select status from enforcement_record where record_id = $1`, [enf.record_id])).status).toBe('WITHDRAWN');
    expect(
      (
        await q(`select exceed_hours from monitoring_day where credit_code = $1 and outlet_code = $2 and pollutant_code = $3 and day = $4`, [
          row.creditCode,
          row.outletCode,
          row.pollutantCode,
          yesterday,
        ])
      ).exceed_hours,
    ).toBe(5);
    expect((await q(`select level from credit_rating where credit_code = $1`, [code])).level).toBe('black');
  });
});
