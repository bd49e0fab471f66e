import { createHash } from 'node:crypto';
import { isValidCreditCode } from '../src/domain/credit-code';
import { dateToDay } from './china-time';
import { DEFAULT_MONITORING_DAYS, generateProvince, type GeneratedProvince } from './province.generator';
import { loadDivisions } from './shandong-divisions';
import { VIOLATION_CHANCE } from './enforcement-work';

const TODAY = '2026-11-30';
const N = 2000;

function digest(p: GeneratedProvince): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([p.permit, p.enforcement, p.penalty, p.credit]));
  // Every 7th date of three years and the last ones (which carry the revisions), with the row count of every date.
  const m = p.monitoring;
  for (let d = m.firstDay; d < m.firstDay + m.days; d++) {
    h.update(String(m.countFor(d)));
    if ((d - m.firstDay) % 7 === 0 || d >= m.firstDay + m.days - 3) h.update(JSON.stringify(m.rowsFor(d)));
  }
  return h.digest('hex');
}

/** Scores per domain.md §3 (SD-2021), enough to check the shape of the province. */
function scores(p: GeneratedProvince): Map<string, number> {
  const asOf = dateToDay(TODAY)!;
  const inWindow = (date: string): boolean => {
    const d = dateToDay(date)!;
    return d > asOf - 1095 && d <= asOf;
  };
  const s = new Map(p.permit.map((e) => [e.creditCode, 100]));
  const deduct = (code: string, pts: number): void => void s.set(code, s.get(code)! - pts);
  const points: Record<string, number> = {
    SUSPEND_PRODUCTION: 24,
    SEAL_SEIZE: 20,
    RESTRICT_PRODUCTION: 12,
    ORDER_CORRECTION: 4,
    TRANSFER_DETENTION: 30,
    TRANSFER_CRIMINAL: 40,
    NO_PERMIT: 30,
  };
  const latest = new Map(p.enforcement.map((r) => [r.record_id, r]));
  for (const r of latest.values()) {
    if (r.status !== 'ACTIVE' || !inWindow(r.date)) continue;
    if (r.kind === 'MEASURE') deduct(r.credit_code, points[r.measure_type!]);
    else if (r.finding === 'VIOLATION') deduct(r.credit_code, 6);
    else if (r.finding === 'NO_PERMIT') deduct(r.credit_code, 30);
  }
  for (const r of p.penalty) {
    if ((r.status !== 'DECIDED' && r.status !== 'EXECUTED') || !inWindow(r.decisionDate)) continue;
    deduct(r.creditCode, r.amount < 100_000 ? 6 : r.amount < 1_000_000 ? 12 : 18);
    if (r.dailyConsecutive) deduct(r.creditCode, 24);
  }
  for (const [code, pts] of monitoringPoints(p)) deduct(code, pts);
  return s;
}

/** MON_EXCEED and MON_MISSING points per monitored enterprise over the window (domain.md §3). */
function monitoringPoints(p: GeneratedProvince): Map<string, number> {
  const points = new Map<string, number>();
  const add = (code: string, pts: number): void => void points.set(code, (points.get(code) ?? 0) + pts);
  // per outlet: first and last reported day, and the days it reported 20 valid hours or more
  const outlets = new Map<string, { code: string; first: number; last: number; full: number }>();
  for (let d = p.monitoring.firstDay; d < p.monitoring.firstDay + p.monitoring.days; d++) {
    const fullToday = new Map<string, boolean>();
    for (const r of p.monitoring.rowsFor(d)) {
      if (r.exceedHours >= 1) add(r.creditCode, 2);
      const key = `${r.creditCode}/${r.outletCode}`;
      fullToday.set(key, fullToday.get(key) === true || r.validHours >= 20);
      const o = outlets.get(key) ?? { code: r.creditCode, first: d, last: d, full: 0 };
      outlets.set(key, o);
      o.last = d;
    }
    for (const [key, full] of fullToday) if (full) outlets.get(key)!.full++;
  }
  for (const o of outlets.values()) add(o.code, o.last - o.first + 1 - o.full);
  return points;
}

describe('generateProvince', () => {
  const p = generateProvince({ enterprises: N, seed: 11, today: TODAY });
  let scored: Map<string, number> | undefined;
  const score = (): Map<string, number> => (scored ??= scores(p));

  it('is deterministic for (N, seed, today, monitoringDays) and varies with the seed', () => {
    expect(digest(generateProvince({ enterprises: N, seed: 11, today: TODAY }))).toBe(digest(p));
    expect(digest(generateProvince({ enterprises: N, seed: 12, today: TODAY }))).not.toBe(digest(p));
    const short = generateProvince({ enterprises: N, seed: 11, today: TODAY, monitoringDays: 7 });
    expect(short.monitoring.dates()).toHaveLength(7);
    expect(short.permit).toEqual(p.permit);
  });

  it('gives every enterprise a valid, unique credit code registered in a real Shandong division', () => {
    const { all, counties } = loadDivisions();
    const divisionCodes = new Set(all.map((d) => d.code));
    const countyCodes = new Set(counties.map((d) => d.code));
    const codes = p.permit.map((e) => e.creditCode);
    expect(new Set(codes).size).toBe(N);
    for (const e of p.permit) {
      expect(isValidCreditCode(e.creditCode)).toBe(true);
      expect(divisionCodes.has(e.creditCode.slice(2, 8))).toBe(true);
      expect(countyCodes.has(e.divisionCode)).toBe(true);
      expect(e.name).toMatch(/公司/);
      expect(e.permits.length).toBeGreaterThanOrEqual(1);
      expect(e.permits.length).toBeLessThanOrEqual(2);
    }
    expect(new Set(p.permit.map((e) => e.divisionCode)).size).toBeGreaterThan(100);
  });

  it('mixes industries, supervision levels and permit states', () => {
    const industries = new Set(p.permit.map((e) => e.industryCode));
    for (const code of ['D4411', 'C3011', 'C3360']) expect(industries.has(code)).toBe(true);
    for (const prefix of ['C31', 'C26', 'C22', 'C27', 'C17']) expect([...industries].some((c) => c.startsWith(prefix))).toBe(true);
    const levels = new Map<string, number>();
    for (const e of p.permit) levels.set(e.supervisionLevel, (levels.get(e.supervisionLevel) ?? 0) + 1);
    expect(levels.get('NATIONAL_KEY')!).toBeGreaterThan(0);
    expect(levels.get('NATIONAL_KEY')!).toBeLessThan(levels.get('GENERAL')!);
    const today = dateToDay(TODAY)!;
    const validNow = (e: (typeof p.permit)[number]): boolean =>
      e.permits.some((x) => x.status === 'VALID' && dateToDay(x.validFrom)! <= today && today <= dateToDay(x.validTo)!);
    const expired = p.permit.filter((e) => !validNow(e));
    const expiring = p.permit.filter((e) => e.permits.length === 1 && validNow(e) && dateToDay(e.permits[0].validTo)! - today < 30);
    expect(expired.length / N).toBeGreaterThan(0.01);
    expect(expired.length / N).toBeLessThan(0.08);
    expect(expiring.length).toBeGreaterThan(0);
    expect(new Set(p.permit.map((e) => e.updatedAt)).size).toBeLessThan(N); // ties exist
  });

  it('monitors about 10% online, with 1–3 outlets and pollutants by outlet type', () => {
    const online = p.permit.filter((e) => e.monitoringFacilities.includes('ONLINE'));
    expect(online.length / N).toBeGreaterThan(0.07);
    expect(online.length / N).toBeLessThan(0.13);
    const outlets = new Map<string, Set<string>>();
    for (const c of p.monitoring.channels) {
      if (!outlets.has(c.creditCode)) outlets.set(c.creditCode, new Set());
      outlets.get(c.creditCode)!.add(c.outletCode);
      expect(c.outletCode.startsWith('DA') ? ['a21026', 'a21002', 'a34013'] : ['w01018', 'w21003']).toContain(c.pollutantCode);
    }
    expect(new Set(outlets.keys())).toEqual(new Set(online.map((e) => e.creditCode)));
    for (const s of outlets.values()) expect(s.size).toBeGreaterThanOrEqual(1);
    for (const s of outlets.values()) expect(s.size).toBeLessThanOrEqual(3);
    const rows = p.monitoring.rowsFor(p.monitoring.firstDay + 10);
    const full = rows.filter((r) => r.validHours === 24 && r.exceedHours === 0).length;
    expect(full / rows.length).toBeGreaterThan(0.85);
    expect(rows.some((r) => r.exceedHours > 0)).toBe(true);
    expect(p.monitoring.dates()).toHaveLength(DEFAULT_MONITORING_DAYS);
    expect(p.monitoring.dates()[DEFAULT_MONITORING_DAYS - 1]).toBe('2026-11-29');
  });

  it('draws a three-year monitoring world: late starts, stops, outages, chronic exceeders and late revisions', () => {
    const m = p.monitoring;
    expect(m.days).toBe(1095);
    const outlets = new Map<string, (typeof m.channels)[number]>();
    for (const c of m.channels) outlets.set(`${c.creditCode}/${c.outletCode}`, c);
    const all = [...outlets.values()];
    expect(all.some((c) => c.firstIdx >= 30)).toBe(true); // started reporting within the window
    expect(all.some((c) => c.lastIdx < m.days - 30)).toBe(true); // stopped reporting long ago
    expect(all.some((c) => (c.outages ?? []).some(([a, b]) => b - a >= 2))).toBe(true);
    expect(m.channels.some((c) => c.exceedP >= 0.3)).toBe(true); // a chronic exceeder
    // An outage leaves its days without rows of the outlet.
    const out = all.find((c) => c.outages?.length && c.outages[0][0] > c.firstIdx && c.outages[0][1] < c.lastIdx)!;
    const outageDay = m.firstDay + out.outages![0][0];
    expect(m.rowsFor(outageDay).filter((r) => r.creditCode === out.creditCode && r.outletCode === out.outletCode)).toEqual([]);
    // Late revisions: yesterday's rows served today differ for some channel-days from those served two days later; older dates never change.
    const yesterday = m.firstDay + m.days - 1;
    const today = yesterday + 1;
    const prelim = m.rowsFor(yesterday, today);
    const final = m.rowsFor(yesterday, today + 2);
    expect(prelim.length).toBe(final.length);
    const revised = prelim.filter((r, i) => JSON.stringify(r) !== JSON.stringify(final[i]));
    expect(revised.length).toBeGreaterThan(0);
    expect(revised.every((r, i) => r.exceedHours === 0 && r.validHours <= final[prelim.indexOf(r)].validHours && i >= 0)).toBe(true);
    expect(m.rowsFor(yesterday - 5, today)).toEqual(m.rowsFor(yesterday - 5, today + 2));
    // Derived per date: the generator holds channels and one count per date, never the rows.
    expect(m.total()).toBeGreaterThan(m.channels.length * 500);
  });

  it('has a rating for every enterprise, mostly green or blue', () => {
    expect(new Set(p.credit.map((c) => c.uscc))).toEqual(new Set(p.permit.map((e) => e.creditCode)));
    const greenBlue = p.credit.filter((c) => c.level === '绿标' || c.level === '蓝标').length;
    expect(greenBlue / N).toBeGreaterThan(0.8);
    expect(p.credit.some((c) => c.level === '黑标' || c.level === '红标')).toBe(true);
  });

  it('orders the enforcement change log by modified_at and replays later changes', () => {
    const ms = p.enforcement.map((r) => Date.parse(r.modified_at));
    for (let i = 1; i < ms.length; i++) expect(ms[i]).toBeGreaterThanOrEqual(ms[i - 1]);
    const seen = new Map<string, number>();
    let changed = 0;
    p.enforcement.forEach((r, i) => {
      if (seen.has(r.record_id)) changed++;
      seen.set(r.record_id, i);
    });
    expect(changed).toBeGreaterThan(0);
    expect(p.enforcement.some((r) => r.status === 'WITHDRAWN')).toBe(true);
    const measures = new Set(p.enforcement.filter((r) => r.kind === 'MEASURE').map((r) => r.measure_type));
    for (const m of ['ORDER_CORRECTION', 'SUSPEND_PRODUCTION', 'SEAL_SEIZE', 'RESTRICT_PRODUCTION']) expect(measures.has(m as never)).toBe(true);
    expect(p.enforcement.filter((r) => r.kind === 'INSPECTION' && r.finding === 'NONE').length).toBeGreaterThan(N / 2);
  });

  it('spreads penalties over the amount bands and statuses', () => {
    expect(p.penalty.length / N).toBeGreaterThan(0.08);
    expect(p.penalty.some((r) => r.amount < 100_000)).toBe(true);
    expect(p.penalty.some((r) => r.amount >= 100_000 && r.amount < 1_000_000)).toBe(true);
    expect(p.penalty.some((r) => r.amount >= 1_000_000)).toBe(true);
    expect(p.penalty.some((r) => r.dailyConsecutive)).toBe(true);
    expect(new Set(p.penalty.map((r) => r.status))).toEqual(new Set(['FILED', 'DECIDED', 'EXECUTED', 'REVOKED']));
    expect(new Set(p.penalty.map((r) => r.caseNo)).size).toBe(p.penalty.length);
    for (const r of p.penalty) expect(r.caseNo).toMatch(/^鲁环罚〔\d{4}〕\d+号/);
  });

  it('keeps most enterprises at 85 or above, with a long tail far below zero', () => {
    const s = [...score().values()].sort((a, b) => a - b);
    expect(s.filter((x) => x >= 85).length / N).toBeGreaterThan(0.8);
    expect(s[0]).toBeLessThan(-30);
    expect(s.filter((x) => x < 60).length).toBeGreaterThan(10);
  });

  it("ties each enterprise's monitoring to its hidden profile: clean ones rarely lose much to it, violators often do", () => {
    const mon = monitoringPoints(p);
    const heavy = (profiles: readonly string[]): number => {
      const codes = [...mon.keys()].filter((c) => profiles.includes(p.profiles.get(c)!));
      return codes.filter((c) => mon.get(c)! >= 40).length / codes.length;
    };
    expect(heavy(['clean'])).toBeLessThan(0.08);
    expect(heavy(['moderate', 'bad', 'worst'])).toBeGreaterThan(0.25);
  });

  it('so the risk levels separate the violators that new inspections find (HIGH above MEDIUM above LOW)', () => {
    const byLevel = new Map<string, number[]>();
    for (const [code, x] of score()) {
      const level = x >= 85 ? 'LOW' : x >= 60 ? 'MEDIUM' : 'HIGH';
      byLevel.set(level, [...(byLevel.get(level) ?? []), VIOLATION_CHANCE[p.profiles.get(code)!]]);
    }
    const chance = (level: string): number => byLevel.get(level)!.reduce((a, b) => a + b, 0) / byLevel.get(level)!.length;
    expect(chance('HIGH')).toBeGreaterThan(chance('MEDIUM'));
    expect(chance('MEDIUM')).toBeGreaterThan(chance('LOW'));
    expect(chance('HIGH')).toBeGreaterThan(2 * chance('LOW'));
  });
});
