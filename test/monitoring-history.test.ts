import { TestHub, startTestHub } from './support/test-hub';
import { addDays, chinaToday } from '../src/domain/china-date';
import { readBundledRuleSet } from '../src/scoring/rule-set.model';

/**
 * Issue 16: monitoring history is read back as far as the active rule set's
 * window, not a fixed month. A province whose outlets report for 40 days,
 * synced into an empty store, has every exceedance and missing day of days
 * 31–40 in its scores; activating a rule set with a longer window makes the
 * next run read the dates it had not read.
 */
describe('monitoring history backfilled from the rule set', () => {
  let hub: TestHub;
  const T = chinaToday();
  const q = async <R = Record<string, unknown>>(sql: string, values: unknown[] = []) => (await hub.tdb.db.pool.query(sql, values)).rows as R[];
  const n = async (sql: string, values: unknown[] = []) => Number((await q<{ n: string }>(sql, values))[0].n);
  const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
  const snapshot = async () => ({
    scores: await q(`select credit_code, score, risk_level from enterprise order by credit_code`),
    deductions: await q(`select credit_code, rule_code, points, event_date::text, record_id from deduction order by 1, 2, 4, 5`),
  });
  let oldDate: string;
  let oldCode: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 400, seed: 16, monitoringDays: 40 } });
    // A row older than SD-2021's window (1,095 days plus the 3-day overlap): not read until a longer window is active.
    oldDate = addDays(T, -1150);
    oldCode = hub.sim.store.monitoringRowsFor(addDays(T, -1))[0].creditCode;
    await post('monitoring', [
      {
        creditCode: oldCode,
        outletCode: 'DA099',
        date: oldDate,
        pollutantCode: 'a21026',
        validHours: 24,
        exceedHours: 5,
        dailyMean: 80,
        limit: 50,
        unit: 'mg/m3',
      },
    ]);
  });
  afterAll(async () => hub?.close());

  it('the first sync stores all 40 days and scores the exceedances of days 31–40, equal to a full recompute', async () => {
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
    for (const r of runs) expect([r.connectorId, r.status, r.error]).toEqual([r.connectorId, 'SUCCEEDED', undefined]);

    const dates = hub.sim.store.monitoringDates().filter((d) => d !== oldDate);
    expect(dates.length).toBe(40);
    const rows = dates.flatMap((d) => hub.sim.store.monitoringRowsFor(d));
    expect(await n(`select count(*) n from monitoring_day`)).toBe(rows.length);
    expect(await n(`select count(*) n from monitoring_day where day = $1`, [oldDate])).toBe(0);

    // Every exceedance day of an enterprise in the store is a MON_EXCEED deduction, the old ones included.
    const known = new Set((await q<{ credit_code: string }>(`select credit_code from enterprise`)).map((r) => r.credit_code));
    const exceed = rows.filter((r) => r.exceedHours >= 1 && known.has(r.creditCode));
    const cutoff = addDays(T, -30);
    const oldExceed = exceed.filter((r) => r.date < cutoff);
    expect(oldExceed.length).toBeGreaterThan(0);
    expect(await n(`select count(*) n from deduction where rule_code = 'MON_EXCEED'`)).toBe(exceed.length);
    expect(await n(`select count(*) n from deduction where rule_code = 'MON_EXCEED' and event_date < $1::date`, [cutoff])).toBe(oldExceed.length);
    const missingOld = await n(`select count(*) n from deduction where rule_code = 'MON_MISSING' and event_date < $1::date`, [cutoff]);
    expect(missingOld).toBeGreaterThan(0);

    // The connector reports the backfill: SD-2021's 1,095 days plus 3 days of overlap, through yesterday, all stored.
    const res = await hub.graphql(`{ connectors { connectorId backfill { from to done total coveredFrom } } }`);
    expect(res.errors).toBeUndefined();
    const byId = new Map(res.data.connectors.map((c: { connectorId: string; backfill: unknown }) => [c.connectorId, c.backfill]));
    const from = addDays(T, -1097);
    expect(byId.get('monitoring')).toEqual({ from, to: addDays(T, -1), done: 1097, total: 1097, coveredFrom: from });
    expect(byId.get('penalty')).toMatchObject({ from: addDays(T, -1095), to: T, total: 1096, done: 1096 });
    expect(byId.get('enforcement')).toBeNull();

    const incremental = await snapshot();
    await hub.services.scoring.scores.rescoreAll();
    expect(await snapshot()).toEqual(incremental);
  });

  it('activating a rule set with a longer window makes the next run read the dates not read yet', async () => {
    const sd = readBundledRuleSet();
    await hub.services.scoring.ruleSets.load({ ...sd, version: 'SD-TEST-1200', title: 'SD-2021 over 1,200 days', windowDays: 1200 });
    await hub.services.scoring.scores.activateRuleSet('SD-TEST-1200');

    const [run] = await hub.services.runner.syncAll(['monitoring'], 'test');
    expect([run.status, run.loaded]).toEqual(['SUCCEEDED', 1]);
    expect(await n(`select count(*) n from monitoring_day where day = $1 and credit_code = $2`, [oldDate, oldCode])).toBe(1);
    expect(
      await n(
        `select count(*) n from deduction where rule_code = 'MON_EXCEED' and event_date = $1 and credit_code = $2 and rule_set_version = 'SD-TEST-1200'`,
        [oldDate, oldCode],
      ),
    ).toBe(1);
    const [state] = await q<{ cursor: { earliest: string; lastComplete: string }; backfill: Record<string, unknown> }>(
      `select cursor, backfill from connector_state where connector_id = 'monitoring'`,
    );
    const from = addDays(T, -1202);
    expect(state.cursor).toEqual({ earliest: from, lastComplete: addDays(T, -1) });
    expect(state.backfill).toEqual({ from, to: addDays(T, -1), done: 1202, total: 1202, coveredFrom: from });

    // The run after reads only the re-read dates.
    const again = await hub.services.runner.syncAll(['monitoring'], 'test');
    expect([again[0].status, again[0].loaded]).toEqual(['SUCCEEDED', 0]);
    const fetched = hub.sim.store.monitoringRowsFor(addDays(T, -1)).length + hub.sim.store.monitoringRowsFor(addDays(T, -2)).length;
    expect(again[0].fetched).toBe(fetched + hub.sim.store.monitoringRowsFor(addDays(T, -3)).length);
  });
});
