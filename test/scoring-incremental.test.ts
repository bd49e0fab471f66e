import { Rng } from '../simulator/prng';
import { addDays, chinaToday } from '../src/domain/china-date';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Incremental rescoring (the post-sync step over the touched enterprises)
 * must equal a full recompute: a generated province is synced, mutated at
 * random through the simulator's admin API, synced again, and every stored
 * score, risk and deduction is compared with `rescore --all`. The rank
 * histograms are checked against a window function over the whole table.
 */
describe('incremental rescoring equals a full recompute', () => {
  let hub: TestHub;
  const T = chinaToday();
  const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
  const sync = async () => {
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    return runs;
  };
  const snapshot = async () => {
    const scores = await hub.tdb.db.pool.query(`select e.credit_code, e.score, e.risk_level, s.score as s_score, s.risk_level as s_risk, s.rule_set_version
      from enterprise e left join score_state s using (credit_code) order by e.credit_code`);
    const deductions = await hub.tdb.db.pool.query(`select credit_code, rule_code, points, event_date::text, system, record_id
      from deduction order by credit_code, rule_code, event_date, record_id`);
    return { scores: scores.rows, deductions: deductions.rows };
  };
  const checkRanks = async () => {
    const pool = hub.tdb.db.pool;
    const expected = await pool.query<{ credit_code: string; division_code: string; city_code: string; p: number; c: number; k: number }>(
      `select credit_code, division_code, city_code,
              row_number() over (order by score, credit_code)::int as p,
              row_number() over (partition by city_code order by score, credit_code)::int as c,
              row_number() over (partition by division_code order by score, credit_code)::int as k
         from enterprise order by credit_code`,
    );
    const rows = expected.rows;
    const codes = rows.map((r) => r.credit_code);
    expect(await hub.services.scoring.reports.ranks(codes, '370000')).toEqual(rows.map((r) => r.p));
    const city = rows[0].city_code;
    const county = rows[rows.length - 1].division_code;
    expect(await hub.services.scoring.reports.ranks(codes, city)).toEqual(rows.map((r) => (r.city_code === city ? r.c : null)));
    expect(await hub.services.scoring.reports.ranks(codes, county)).toEqual(rows.map((r) => (r.division_code === county ? r.k : null)));
  };

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 1500, seed: 11 } });
  });
  afterAll(async () => hub?.close());

  it('after the first sync, after random corrections, and after a rule-set activation', async () => {
    await sync();
    const first = await snapshot();
    expect(first.scores.length).toBe(1500);
    expect(first.scores.every((r: any) => r.s_score === r.score && r.s_risk === r.risk_level)).toBe(true);
    expect(first.scores.some((r: any) => r.score < 0)).toBe(true);
    await checkRanks();

    // Random corrections and new records through the sources.
    const rng = new Rng(20261130);
    const store = hub.sim.store;
    const now = new Date().toISOString();
    const penalties = store.penaltyView().records as any[];
    const penaltyChanges = Array.from({ length: 60 }, () => rng.pick(penalties)).map((p) => ({
      ...p,
      status: rng.pick(['FILED', 'DECIDED', 'EXECUTED', 'REVOKED']),
      amount: rng.pick([5_000, 99_999.99, 100_000, 999_999.99, 1_000_000, 3_000_000]),
      dailyConsecutive: rng.chance(0.3),
      modifiedAt: now,
    }));
    const permitRecords = store.permitView().records as any[];
    const targets = Array.from({ length: 40 }, () => rng.pick(permitRecords));
    penaltyChanges.push(
      ...targets.slice(0, 20).map((e, i) => ({
        caseNo: `鲁环罚〔R〕${i}号`,
        creditCode: e.creditCode,
        decisionDate: addDays(T, -rng.int(1, 1200)),
        amount: rng.int(1000, 2_000_000),
        dailyConsecutive: rng.chance(0.2),
        status: rng.pick(['DECIDED', 'EXECUTED']),
        modifiedAt: now,
      })),
    );
    await post('penalty', penaltyChanges);
    const enforcement = [...new Map((store.enforcementView() as any[]).map((r) => [r.record_id, r])).values()];
    await post('enforcement', [
      ...Array.from({ length: 60 }, () => rng.pick(enforcement)).map((r) => ({
        ...r,
        status: r.status === 'ACTIVE' ? 'WITHDRAWN' : 'ACTIVE',
        modified_at: now,
      })),
      ...targets.slice(20).map((e, i) => ({
        record_id: `ENF-R-${i}`,
        kind: 'MEASURE',
        credit_code: e.creditCode,
        date: addDays(T, -rng.int(1, 1100)),
        measure_type: rng.pick(['SUSPEND_PRODUCTION', 'SEAL_SEIZE', 'TRANSFER_CRIMINAL', 'NO_PERMIT']),
        status: 'ACTIVE',
        modified_at: now,
      })),
    ]);
    await post(
      'permit',
      targets.slice(0, 10).map((e) => ({
        ...e,
        permits: e.permits.map((p: any) => ({ ...p, status: rng.chance(0.5) ? 'REVOKED' : p.status, validTo: addDays(T, -rng.int(1, 50)) })),
        updatedAt: now,
      })),
    );
    const recent = store.monitoringRowsFor(addDays(T, -1)) as any[];
    if (recent.length) {
      await post(
        'monitoring',
        Array.from({ length: 40 }, () => rng.pick(recent)).map((r) => ({
          ...r,
          validHours: rng.pick([0, 12, 19, 20, 24]),
          exceedHours: rng.pick([0, 0, 1, 5]),
        })),
      );
    }
    const runs = await sync();
    const touched = new Set(runs.flatMap((r) => r.touched));
    expect(touched.size).toBeGreaterThan(20);
    const incremental = await snapshot();
    expect(incremental).not.toEqual(first);
    const history = await hub.tdb.db.pool.query(`select count(*)::int as n from score_history where cause = 'SYNC' and previous_score is not null`);
    expect(history.rows[0].n).toBeGreaterThan(0);

    const full = await hub.services.scoring.scores.rescoreAll();
    expect(full.full).toBe(true);
    expect(full.changed).toBe(0);
    expect(await snapshot()).toEqual(incremental);
    await checkRanks();

    // Nothing is due after a full recompute.
    expect(await hub.services.scoring.scores.dueCodes()).toEqual([]);

    // A new version activated: every stored score names it, history names the activation.
    const active = await hub.services.scoring.ruleSets.active();
    const harsher = {
      version: 'SD-2021-test',
      fullMarks: 100,
      windowDays: 1095,
      riskThresholds: { low: 90, medium: 70 },
      rules: active.rules.map((r) => (r.code === 'MON_EXCEED' ? { ...r, points: 3 } : r)),
    };
    await hub.services.scoring.ruleSets.load(harsher);
    const preview = await hub.services.scoring.reports.preview('SD-2021-test', { divisionCode: '370000', level: 'PROVINCE' }, 10);
    const activation = await hub.services.scoring.scores.activateRuleSet('SD-2021-test');
    const after = await snapshot();
    expect(after.scores.every((r: any) => r.rule_set_version === 'SD-2021-test')).toBe(true);
    const riskChanged = after.scores.filter((r: any, i: number) => r.risk_level !== incremental.scores[i].risk_level).length;
    expect(preview.riskChanges).toBe(riskChanged);
    expect(activation.changed).toBeGreaterThanOrEqual(riskChanged);
    const causes = await hub.tdb.db.pool.query(`select distinct cause_ref from score_history where cause = 'RULE_SET_ACTIVATION'`);
    expect(causes.rows).toEqual(activation.changed ? [{ cause_ref: 'SD-2021-test' }] : []);
    await checkRanks();
  });
});
