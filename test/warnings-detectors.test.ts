import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Each detector's edge (domain.md §6), on facts written straight into the
 * store so the days are exact: 3 exceedance days against 2, 30 days to expiry
 * against 31, a forecast reaching HIGH on day 30 against day 31, 2 whole days
 * without data against 1; plus deduplication and automatic resolution.
 */
const T = chinaToday();
let seq = 0;
const code = (county = '370102') => withCheckChar(`91${county}MA${String(++seq).padStart(7, '0')}`);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ server: false });
});
afterAll(async () => {
  await hub?.close();
});

async function q(sql: string, values: unknown[] = []) {
  return hub.tdb.db.pool.query(sql, values);
}

async function enterprise(c: string, score = 100, risk = 'LOW') {
  await q(`insert into enterprise (credit_code, name, division_code, score, risk_level) values ($1, $2, $3, $4, $5)`, [
    c,
    `企业${c.slice(-5)}`,
    c.slice(2, 8),
    score,
    risk,
  ]);
}

/** `n` new enterprises of `county` (score 100, LOW), in order; their credit codes. */
async function enterprises(n: number, county?: string): Promise<string[]> {
  const codes = Array.from({ length: n }, () => code(county));
  for (const c of codes) await enterprise(c);
  return codes;
}

async function warningsOf(c: string, type?: string) {
  return (
    await q(
      `select type, subject, status, severity, condition_holds, resolution, resolve_note, details from warning
                    where credit_code = $1 and ($2::text is null or type = $2) order by id`,
      [c, type ?? null],
    )
  ).rows;
}

const detect = (codes: string[], today = T) => hub.services.warnings.detection.detect({ targets: { kind: 'codes', codes }, today });

describe('EXCEED_TREND', () => {
  async function exceedDays(c: string, outlet: string, daysAgo: number[], pollutant = 'a21026') {
    for (const n of daysAgo) {
      await q(`insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, $2, $3, $4, 24, 3)`, [
        c,
        outlet,
        pollutant,
        addDays(T, -n),
      ]);
    }
  }

  it('opens at exactly 3 exceedance days in the last 7 days, not at 2', async () => {
    const [three, two] = await enterprises(2);
    await exceedDays(three, 'DA001', [0, 3, 6]);
    await exceedDays(
      three,
      'DA001',
      [1, 2, 4, 5, 8].map((n) => n + 100),
    ); // far outside both windows
    await exceedDays(two, 'DA001', [0, 6]);
    await detect([three, two]);
    const w = await warningsOf(three);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ type: 'EXCEED_TREND', subject: 'DA001/a21026', status: 'OPEN' });
    expect(w[0].details).toMatchObject({ recentDays: 3, previousDays: 0 });
    expect(await warningsOf(two)).toHaveLength(0);
  });

  it('needs twice the previous 7 days: 4 against 2 opens, 3 against 2 does not; day 7 ago belongs to the earlier week', async () => {
    const [doubled, notDoubled] = await enterprises(2);
    await exceedDays(doubled, 'DA002', [0, 1, 2, 3, 7, 13]);
    await exceedDays(notDoubled, 'DA002', [0, 1, 6, 7, 13]);
    await detect([doubled, notDoubled]);
    expect((await warningsOf(doubled)).map((w) => w.details)).toEqual([expect.objectContaining({ recentDays: 4, previousDays: 2 })]);
    expect(await warningsOf(notDoubled)).toHaveLength(0);
  });

  it('never opens a second warning while one is open, and resolves it with the reason once the trend is gone', async () => {
    const c = code();
    await enterprise(c);
    await exceedDays(c, 'DA003', [0, 1, 2]);
    const first = await detect([c]);
    const again = await detect([c]);
    expect(first.raised).toHaveLength(1);
    expect(again.raised).toHaveLength(0);
    expect(await warningsOf(c)).toHaveLength(1);
    // A week later the same days are the "previous" week: the condition cleared.
    await detect([c], addDays(T, 7));
    const [w] = await warningsOf(c, 'EXCEED_TREND');
    expect(w).toMatchObject({ status: 'RESOLVED', resolution: 'CONDITION_CLEARED', condition_holds: false });
    expect(w.resolve_note).toMatch(/condition cleared: exceedance days/);
  });

  it('a warning resolved by hand is not re-opened while the condition holds, but is after it cleared and came back', async () => {
    const c = code();
    await enterprise(c);
    await exceedDays(c, 'DA004', [0, 1, 2]);
    await detect([c]);
    await q(`update warning set status = 'RESOLVED', resolved_at = now(), resolution = 'MANUAL', resolved_by = 'test' where credit_code = $1`, [c]);
    expect((await detect([c])).raised).toHaveLength(0);
    await detect([c], addDays(T, 7)); // cleared
    expect((await warningsOf(c, 'EXCEED_TREND'))[0]).toMatchObject({ status: 'RESOLVED', resolution: 'MANUAL', condition_holds: false });
    await detect([c]); // back
    expect(await warningsOf(c, 'EXCEED_TREND')).toMatchObject([
      { status: 'RESOLVED', resolution: 'MANUAL' },
      { status: 'OPEN', condition_holds: true },
    ]);
  });
});

describe('PERMIT_EXPIRING', () => {
  async function permit(c: string, no: string, validTo: string, status = 'VALID', validFrom = addDays(T, -300)) {
    await q(`insert into permit (credit_code, permit_no, valid_from, valid_to, status) values ($1, $2, $3, $4, $5)`, [c, no, validFrom, validTo, status]);
  }

  it('opens at 30 days to expiry, not at 31', async () => {
    const [in30, in31] = await enterprises(2, '370203');
    await permit(in30, `${in30}001P`, addDays(T, 30));
    await permit(in31, `${in31}001P`, addDays(T, 31));
    await detect([in30, in31]);
    const w = await warningsOf(in30);
    expect(w).toMatchObject([{ type: 'PERMIT_EXPIRING', subject: `${in30}001P`, status: 'OPEN' }]);
    expect(w[0].details).toMatchObject({ daysLeft: 30, validTo: addDays(T, 30) });
    expect(await warningsOf(in31)).toHaveLength(0);
  });

  it('does not open when a later valid permit exists, and resolves when a renewal arrives', async () => {
    const [renewed, later] = await enterprises(2, '370203');
    await permit(later, `${later}001P`, addDays(T, 10));
    await permit(later, `${later}002P`, addDays(T, 1000), 'VALID', addDays(T, 11));
    await permit(renewed, `${renewed}001P`, addDays(T, 5));
    await detect([renewed, later]);
    expect(await warningsOf(later)).toHaveLength(0);
    expect(await warningsOf(renewed)).toHaveLength(1);
    await permit(renewed, `${renewed}002P`, addDays(T, 1100), 'VALID', addDays(T, 6));
    await detect([renewed]);
    const [w] = await warningsOf(renewed);
    expect(w).toMatchObject({ status: 'RESOLVED', resolution: 'CONDITION_CLEARED' });
    expect(w.resolve_note).toMatch(/a later valid permit exists/);
  });
});

describe('FORECAST_HIGH', () => {
  /** One history point per day for the last 90 days on the line score(t) = now + |t| (t = −89..0, one point a day). */
  async function declining(c: string, now: number) {
    await enterprise(c, now, now >= 85 ? 'LOW' : now >= 60 ? 'MEDIUM' : 'HIGH');
    await q(
      `insert into score_history (credit_code, at, score, risk_level, previous_score, previous_risk_level, rule_set_version, cause)
       select $1, ($2::date - k)::timestamp at time zone 'Asia/Shanghai' + interval '12 hours', $3::int + k,
              case when $3::int + k >= 85 then 'LOW' when $3::int + k >= 60 then 'MEDIUM' else 'HIGH' end,
              case when k < 89 then $3::int + k + 1 end,
              case when k < 89 then case when $3::int + k + 1 >= 85 then 'LOW' when $3::int + k + 1 >= 60 then 'MEDIUM' else 'HIGH' end end,
              'SD-2021', 'SYNC'
         from generate_series(89, 0, -1) as k`,
      [c, T, now],
    );
  }

  it('opens when the fitted line reaches HIGH on day 30, not on day 31', async () => {
    const day30 = code('370211');
    const day31 = code('370211');
    await declining(day30, 89); // 89 − k < 60 first at k = 30
    await declining(day31, 90); // 90 − k < 60 first at k = 31
    await detect([day30, day31]);
    const w = (await warningsOf(day30)).filter((x) => x.type === 'FORECAST_HIGH');
    expect(w).toHaveLength(1);
    expect(w[0].details).toMatchObject({ reachesHighInDays: 30, slopePerDay: -1, days: 90 });
    expect((await warningsOf(day31)).filter((x) => x.type === 'FORECAST_HIGH')).toHaveLength(0);
  });

  it('does not forecast for an enterprise already HIGH, nor for a flat score', async () => {
    const high = code('370211');
    const flat = code('370211');
    await declining(high, 50);
    await enterprise(flat, 70, 'MEDIUM');
    await q(
      `insert into score_history (credit_code, at, score, risk_level, rule_set_version, cause) values ($1, now() - interval '50 days', 70, 'MEDIUM', 'SD-2021', 'SYNC')`,
      [flat],
    );
    await detect([high, flat]);
    expect((await warningsOf(high)).filter((x) => x.type === 'FORECAST_HIGH')).toHaveLength(0);
    expect(await warningsOf(flat)).toHaveLength(0);
  });
});

describe('DATA_GAP', () => {
  it('opens after 2 whole days without any row for an outlet, not after 1', async () => {
    const [gap2, gap1] = await enterprises(2, '370302');
    await q(
      `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DA001', 'a21026', $2, 24, 0), ($3, 'DA001', 'a21026', $4, 24, 0)`,
      [gap2, addDays(T, -3), gap1, addDays(T, -2)],
    );
    await detect([gap2, gap1]);
    expect(await warningsOf(gap2)).toMatchObject([{ type: 'DATA_GAP', subject: 'DA001', details: { wholeDaysMissing: 2 } }]);
    expect(await warningsOf(gap1)).toHaveLength(0);
    await q(`insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DA001', 'a21026', $2, 24, 0)`, [
      gap2,
      addDays(T, -1),
    ]);
    await detect([gap2]);
    expect(await warningsOf(gap2)).toMatchObject([
      { status: 'RESOLVED', resolution: 'CONDITION_CLEARED', resolve_note: 'condition cleared: the outlet reports again' },
    ]);
  });
});

describe('RISK_UP and SCORE_DROP', () => {
  async function history(c: string, points: [daysAgo: number, score: number][]) {
    let prev: number | null = null;
    for (const [ago, score] of points) {
      const risk = (s: number | null) => (s == null ? null : s >= 85 ? 'LOW' : s >= 60 ? 'MEDIUM' : 'HIGH');
      await q(
        `insert into score_history (credit_code, at, score, risk_level, previous_score, previous_risk_level, rule_set_version, cause)
               values ($1, now() - make_interval(days => $2), $3, $4, $5, $6, 'SD-2021', 'SYNC')`,
        [c, ago, score, risk(score), prev, risk(prev)],
      );
      prev = score;
    }
    await q(`update enterprise set score = $2, risk_level = $3 where credit_code = $1`, [c, prev, risk(prev)]);
  }
  const risk = (s: number) => (s >= 85 ? 'LOW' : s >= 60 ? 'MEDIUM' : 'HIGH');

  it('RISK_UP on a worsening, none on a first scoring, resolved when the risk improves', async () => {
    const worse = code('370102');
    const first = code('370102');
    await enterprise(worse);
    await enterprise(first, 40, 'HIGH');
    await history(worse, [
      [5, 100],
      [1, 80],
    ]);
    await q(`insert into score_history (credit_code, at, score, risk_level, rule_set_version, cause) values ($1, now(), 40, 'HIGH', 'SD-2021', 'SYNC')`, [
      first,
    ]);
    await detect([worse, first]);
    expect(await warningsOf(worse, 'RISK_UP')).toMatchObject([{ type: 'RISK_UP', severity: 'MEDIUM', details: { from: 'LOW', to: 'MEDIUM' } }]);
    expect(await warningsOf(first)).toHaveLength(0);
    await q(
      `insert into score_history (credit_code, at, score, risk_level, previous_score, previous_risk_level, rule_set_version, cause) values ($1, now(), 95, 'LOW', 80, 'MEDIUM', 'SD-2021', 'SYNC')`,
      [worse],
    );
    await q(`update enterprise set score = 95, risk_level = 'LOW' where credit_code = $1`, [worse]);
    await detect([worse]);
    expect((await warningsOf(worse, 'RISK_UP'))[0]).toMatchObject({
      status: 'RESOLVED',
      resolve_note: 'condition cleared: risk level improved to LOW (score 95)',
    });
  });

  it('SCORE_DROP at a fall of 20 within 30 days, not 19, and not for a fall spread over more than 30 days', async () => {
    const [drop20, drop19, slow] = await enterprises(3, '370102');
    await history(drop20, [
      [20, 100],
      [2, 80],
    ]);
    await history(drop19, [
      [20, 100],
      [2, 81],
    ]);
    await history(slow, [
      [60, 100],
      [40, 90],
      [2, 80],
    ]);
    await detect([drop20, drop19, slow]);
    expect((await warningsOf(drop20)).filter((w) => w.type === 'SCORE_DROP')).toMatchObject([{ details: { peak: 100, score: 80, drop: 20 } }]);
    expect((await warningsOf(drop19)).filter((w) => w.type === 'SCORE_DROP')).toHaveLength(0);
    expect((await warningsOf(slow)).filter((w) => w.type === 'SCORE_DROP')).toHaveLength(0);
    expect(risk(80)).toBe('MEDIUM');
  });
});

describe('the daily pass', () => {
  it('covers every enterprise and is idempotent', async () => {
    const s1 = await hub.services.warnings.detection.detectAll(T);
    const s2 = await hub.services.warnings.detection.detectAll(T);
    expect(s1.enterprises).toBeNull();
    expect(s2.raised).toHaveLength(0);
    const dupes = await q(`select type, credit_code, subject, count(*) from warning where status <> 'RESOLVED' group by 1, 2, 3 having count(*) > 1`);
    expect(dupes.rows).toEqual([]);
  });
});
