/**
 * Deterministic generator of a whole province: enterprises with permits, an
 * enforcement change log, penalty cases, credit ratings and online monitoring,
 * shaped so that the score rules of domain.md §3 are all exercised — most
 * enterprises clean, a long tail well below zero.
 */
import { withCheckChar, CREDIT_CODE_ALPHABET } from '../src/domain/credit-code';
import { orgCodeCheckChar } from '../src/resolution/org-code';
import { Rng, combine32, hashString } from './prng';
import { addYears, chinaInstant, dateToDay, dayToDate, isoChina, todayInChina } from './china-time';
import { loadDivisions, type County } from './shandong-divisions';
import { INDUSTRIES, NAME_CHARS, type IndustryProfile } from './industry-catalog';
import { MonitoringGenerator, compareChannelKey, type MonitoringChannel } from './monitoring.generator';
import { applyIdentityNoise, type TruthEntry } from './identity-noise';
import type { CreditRating, EnforcementRecord, MeasureType, PenaltyRecord, PermitEntry, PermitRecord } from './source-record.types';

/** Options of {@link generateProvince}. */
export interface ProvinceOptions {
  /** Number of enterprises. */
  enterprises: number;
  /** Seed: the same (enterprises, seed, today, monitoringDays) always gives the same province. */
  seed: number;
  /** The simulated "today" (China time), `YYYY-MM-DD`; defaults to the real date. */
  today?: string;
  /** Days of monitoring history ending yesterday (default 1,095: the score's window; derived per date, never held). */
  monitoringDays?: number;
  /**
   * Identity noise (`identity-noise.ts`): the share of enforcement records and penalty
   * cases naming their enterprise without a valid credit code. Default 0: none, and
   * the province is exactly the one generated without this option.
   */
  identityNoise?: number;
  /** Seed of the identity noise (default: `seed`). */
  identityNoiseSeed?: number;
}

/** A generated province: records per system, enforcement already in change-log order. */
export interface GeneratedProvince {
  today: string;
  permit: PermitRecord[];
  /** Change log: every create and later change, ordered by modified_at. */
  enforcement: EnforcementRecord[];
  penalty: PenaltyRecord[];
  credit: CreditRating[];
  /** Monitoring rows, derived per date on demand. */
  monitoring: MonitoringGenerator;
  /** The enterprise each noisy record really names (empty without identity noise). */
  truth: TruthEntry[];
  /**
   * Each enterprise's hidden compliance profile (never served by a source API): how the
   * enforcement system's new inspections of it turn out (`enforcement-work.ts`).
   */
  profiles: Map<string, Profile>;
  /** The generator's seed (new inspections' findings are deterministic from it). */
  seed: number;
}

/** An enterprise's hidden compliance profile: its history is generated from it, and so are its new inspections' findings. */
export type Profile = 'clean' | 'minor' | 'moderate' | 'bad' | 'worst';

const PROFILE_WEIGHTS: ReadonlyArray<readonly [Profile, number]> = [
  ['clean', 77.5],
  ['minor', 15],
  ['moderate', 5.8],
  ['bad', 1.6],
  ['worst', 0.04],
];

const ROADS = [
  '工业路',
  '经十路',
  '滨河路',
  '开发区大道',
  '化工园路',
  '新华路',
  '人民路',
  '建设路',
  '创业路',
  '黄河路',
  '泰山路',
  '胜利街',
  '振兴路',
  '北京路',
  '长江路',
  '沿海路',
  '园区一路',
  '纬二路',
  '工业园三路',
  '东外环路',
];

const AIR_POLLUTANTS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['a21026', [35, 50, 100, 200]],
  ['a21002', [50, 100, 150, 200]],
  ['a34013', [10, 20, 30]],
];
const WATER_POLLUTANTS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['w01018', [50, 60, 100, 500]],
  ['w21003', [5, 8, 15, 45]],
];

const CREDIT_BY_PROFILE: Record<Profile, ReadonlyArray<readonly [CreditRating['level'], number]>> = {
  clean: [
    ['绿标', 60],
    ['蓝标', 37],
    ['黄标', 3],
  ],
  minor: [
    ['绿标', 25],
    ['蓝标', 58],
    ['黄标', 17],
  ],
  moderate: [
    ['蓝标', 35],
    ['黄标', 55],
    ['红标', 10],
  ],
  bad: [
    ['黄标', 40],
    ['红标', 48],
    ['黑标', 12],
  ],
  worst: [
    ['红标', 40],
    ['黑标', 60],
  ],
};

const SECONDS_PER_DAY = 86_400;

/** Mutable state shared by the per-enterprise steps. */
class Builder {
  readonly permit: PermitRecord[] = [];
  readonly enforcement: Array<{ ms: number; seq: number; rec: EnforcementRecord }> = [];
  readonly penalty: PenaltyRecord[] = [];
  readonly credit: CreditRating[] = [];
  readonly channels: MonitoringChannel[] = [];
  private readonly usedCodes = new Set<string>();
  private readonly enfSeq = new Map<number, number>();
  private readonly penSeq = new Map<number, number>();
  private seq = 0;
  /** Latest instant generated data may carry: just before midnight starting today. */
  readonly latestMs: number;
  readonly batchStamps: number[];

  constructor(
    readonly today: number,
    readonly seed: number,
    readonly monitoringDays: number,
  ) {
    this.latestMs = chinaInstant(today, 0) - 1000;
    const r = new Rng(combine32(seed, 0xba7c4));
    this.batchStamps = [1, 2, 3].map(() => chinaInstant(today - r.int(20, 300), r.int(1, 5) * 3600));
  }

  /** A unique, valid credit code registered in `registrar`, embedding a valid organisation code. */
  creditCode(r: Rng, registrar: string, government: boolean): string {
    for (;;) {
      const head = government
        ? '12'
        : r.weightedPairs<string>([
            ['91', 93],
            ['92', 5],
            ['93', 2],
          ]);
      let org = '';
      if (r.chance(0.7)) {
        org = 'MA';
        for (let k = 0; k < 7; k++) org += r.pick(CREDIT_CODE_ALPHABET as unknown as string[]);
      } else {
        for (let k = 0; k < 8; k++) org += String(r.int(0, 9));
        org += CREDIT_CODE_ALPHABET[r.int(0, 30)];
      }
      // Positions 9–17 are a GB 11714 organisation code: the drawn 9th character
      // gives way to its check character (the draws stay, so the rest of the province does not move).
      org = org.slice(0, 8) + orgCodeCheckChar(org.slice(0, 8));
      const code = withCheckChar(head + registrar + org);
      if (!this.usedCodes.has(code)) {
        this.usedCodes.add(code);
        return code;
      }
    }
  }

  /** Instant (ms) during office hours of `day`, possibly entered a few days late, never after today's start. */
  stamp(r: Rng, day: number, maxLagDays = 0): number {
    let d = day + (maxLagDays > 0 && r.chance(0.3) ? r.int(1, maxLagDays) : 0);
    if (d >= this.today) d = day;
    return Math.min(chinaInstant(d, r.int(8 * 3600, 18 * 3600)), this.latestMs);
  }

  /** A later instant than `ms` (1–60 days later), or null when that would be in the future. */
  later(r: Rng, ms: number): number | null {
    const t = ms + r.int(1, 60) * SECONDS_PER_DAY * 1000 + r.int(0, 8 * 3600) * 1000;
    return t <= this.latestMs ? t : null;
  }

  /** An event day: mostly within the past year, a few up to ~3 years back (some just outside the window). */
  pastDay(r: Rng): number {
    return this.today - (r.chance(0.96) ? r.int(1, 365) : r.int(366, 1100));
  }

  addEnforcement(rec: EnforcementRecord, ms: number): void {
    this.enforcement.push({ ms, seq: this.seq++, rec });
  }

  enforcementId(day: number): string {
    const year = Number(dayToDate(day).slice(0, 4));
    const n = (this.enfSeq.get(year) ?? 0) + 1;
    this.enfSeq.set(year, n);
    return `ENF-${year}-${String(n).padStart(6, '0')}`;
  }

  caseNo(r: Rng, day: number): string {
    const year = Number(dayToDate(day).slice(0, 4));
    const n = (this.penSeq.get(year) ?? 0) + 1;
    this.penSeq.set(year, n);
    const base = `鲁环罚〔${year}〕${n}号`;
    // A few case numbers carry a note with a comma and quotes, as real exports do.
    return r.chance(0.004) ? `${base}(并案,原"${n}-1号")` : base;
  }
}

function pickCounty(r: Rng, counties: readonly County[], cumulative: Float64Array): County {
  const x = r.next() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return counties[lo];
}

function companyName(r: Rng, county: County, industry: IndustryProfile): string {
  const prefix = r.chance(0.55) ? county.cityShortName : county.shortName;
  let trade = r.pick(NAME_CHARS) + r.pick(NAME_CHARS);
  if (trade[0] === trade[1]) trade = trade[0] + r.pick(NAME_CHARS);
  const word = r.pick(industry.words);
  const form = r.weightedPairs([
    ['有限公司', 85],
    ['股份有限公司', 10],
    ['集团有限公司', 5],
  ]);
  const name = `${prefix}${trade}${word}${form}`;
  if (r.chance(0.003)) return `${name}(原"${prefix}${trade}${word}厂",已更名)`;
  if (r.chance(0.002)) return `山东${trade},${word}${form}`;
  return name;
}

function permitsFor(r: Rng, b: Builder, code: string): PermitEntry[] {
  const today = b.today;
  const kind = r.weightedPairs<string>([
    ['current', 78],
    ['renewed', 14],
    ['expired', 3.5],
    ['expiring', 1.2],
    ['revokedAndCurrent', 1.3],
    ['future', 2],
  ]);
  const entry = (n: number, from: number, status: PermitEntry['status']): PermitEntry => ({
    permitNo: `${code}${String(n).padStart(3, '0')}${r.pick(['P', 'P', 'P', 'V', 'Q', 'U', 'R', 'W', 'X', 'Y', 'Z'] as const)}`.slice(0, 22),
    validFrom: dayToDate(from),
    validTo: dayToDate(addYears(from, 5) - 1),
    status,
  });
  switch (kind) {
    case 'renewed': {
      const from = today - r.int(30, 1500);
      return [entry(1, addYears(from, -5), 'EXPIRED'), entry(2, from, 'VALID')];
    }
    case 'expired': {
      const to = today - r.int(1, 700);
      return [entry(1, addYears(to + 1, -5), 'EXPIRED')];
    }
    case 'expiring': {
      const to = today + r.int(0, 29);
      return [entry(1, addYears(to + 1, -5), 'VALID')];
    }
    case 'revokedAndCurrent': {
      const from = today - r.int(30, 900);
      return [entry(1, from - r.int(200, 800), 'REVOKED'), entry(2, from, 'VALID')];
    }
    case 'future': {
      // Renewed ahead of time: the current permit plus its successor starting later.
      const to = today + r.int(5, 60);
      return [entry(1, addYears(to + 1, -5), 'VALID'), entry(2, to + 1, 'VALID')];
    }
    default: {
      const from = today - r.int(0, 1790);
      return [entry(1, from, 'VALID')];
    }
  }
}

/** Enforcement, penalties for one enterprise; returns the enterprise's violation days. */
function enforcementFor(r: Rng, b: Builder, code: string, profile: Profile, permits: PermitEntry[]): void {
  const inspections: Array<{ day: number; finding: 'NONE' | 'VIOLATION' | 'NO_PERMIT' }> = [];
  const measures: Array<{ day: number; type: MeasureType }> = [];
  const penaltyPlans: Array<{ band: 'S' | 'M' | 'L'; daily: boolean }> = [];
  const addInsp = (n: number, finding: 'NONE' | 'VIOLATION' | 'NO_PERMIT'): void => {
    for (let k = 0; k < n; k++) inspections.push({ day: b.pastDay(r), finding });
  };
  const addMeasures = (n: number, type: MeasureType): void => {
    for (let k = 0; k < n; k++) measures.push({ day: b.pastDay(r), type });
  };
  const permitless = permits.every((p) => p.status !== 'VALID');
  switch (profile) {
    case 'clean':
      addInsp(
        r.weightedPairs([
          [0, 33],
          [1, 45],
          [2, 22],
        ]),
        'NONE',
      );
      if (permitless && r.chance(0.05)) addInsp(1, 'NO_PERMIT');
      break;
    case 'minor':
      addInsp(r.int(0, 1), 'NONE');
      addInsp(1, 'VIOLATION');
      if (r.chance(0.55)) addMeasures(1, 'ORDER_CORRECTION');
      if (r.chance(0.45)) penaltyPlans.push({ band: 'S', daily: false });
      break;
    case 'moderate':
      addInsp(r.int(0, 2), 'NONE');
      addInsp(r.int(1, 2), 'VIOLATION');
      addMeasures(r.int(1, 2), 'ORDER_CORRECTION');
      if (r.chance(0.4)) addMeasures(1, 'RESTRICT_PRODUCTION');
      if (r.chance(0.8)) penaltyPlans.push({ band: r.chance(0.6) ? 'S' : 'M', daily: false });
      if (r.chance(0.1)) penaltyPlans.push({ band: 'S', daily: false });
      break;
    case 'bad':
      addInsp(r.int(0, 2), 'NONE');
      addInsp(r.int(2, 3), 'VIOLATION');
      addMeasures(r.int(1, 2), 'ORDER_CORRECTION');
      if (r.chance(0.6)) addMeasures(1, 'SUSPEND_PRODUCTION');
      if (r.chance(0.4)) addMeasures(1, 'SEAL_SEIZE');
      if (r.chance(0.5)) addMeasures(1, 'RESTRICT_PRODUCTION');
      if (r.chance(0.1)) {
        if (r.chance(0.5)) addInsp(1, 'NO_PERMIT');
        else addMeasures(1, 'NO_PERMIT');
      }
      if (r.chance(0.05)) addMeasures(1, 'TRANSFER_DETENTION');
      for (let k = r.int(1, 2); k > 0; k--) penaltyPlans.push({ band: r.chance(0.7) ? 'M' : 'L', daily: r.chance(0.2) });
      break;
    case 'worst':
      addInsp(r.int(0, 1), 'NONE');
      addInsp(r.int(2, 4), 'VIOLATION');
      addMeasures(r.int(2, 3), 'ORDER_CORRECTION');
      addMeasures(r.int(1, 3), 'SUSPEND_PRODUCTION');
      addMeasures(r.int(0, 1), 'SEAL_SEIZE');
      addMeasures(r.int(0, 1), 'RESTRICT_PRODUCTION');
      if (r.chance(0.15)) addMeasures(1, 'TRANSFER_CRIMINAL');
      if (r.chance(0.15)) addMeasures(1, 'TRANSFER_DETENTION');
      if (r.chance(0.15)) addMeasures(1, 'NO_PERMIT');
      for (let k = r.int(1, 2); k > 0; k--) penaltyPlans.push({ band: r.chance(0.5) ? 'L' : 'M', daily: r.chance(0.35) });
      break;
  }

  for (const insp of inspections) {
    const id = b.enforcementId(insp.day);
    const ms = b.stamp(r, insp.day, 10);
    const rec: EnforcementRecord = {
      record_id: id,
      kind: 'INSPECTION',
      credit_code: code,
      date: dayToDate(insp.day),
      finding: insp.finding,
      status: 'ACTIVE',
      modified_at: isoChina(ms),
    };
    b.addEnforcement(rec, ms);
    if (r.chance(0.03)) {
      const t = b.later(r, ms);
      if (t !== null) {
        // Re-examined later: the finding is corrected.
        const finding = insp.finding === 'NONE' ? 'VIOLATION' : 'NONE';
        b.addEnforcement({ ...rec, finding, modified_at: isoChina(t) }, t);
      }
    }
  }
  for (const m of measures) {
    const id = b.enforcementId(m.day);
    const ms = b.stamp(r, m.day, 7);
    const rec: EnforcementRecord = {
      record_id: id,
      kind: 'MEASURE',
      credit_code: code,
      date: dayToDate(m.day),
      measure_type: m.type,
      status: 'ACTIVE',
      modified_at: isoChina(ms),
    };
    b.addEnforcement(rec, ms);
    const change = r.next();
    if (change < 0.06) {
      const t = b.later(r, ms);
      if (t !== null) b.addEnforcement({ ...rec, status: 'WITHDRAWN', modified_at: isoChina(t) }, t);
    } else if (change < 0.08) {
      const t = b.later(r, ms);
      const day = m.day - r.int(1, 5);
      if (t !== null) b.addEnforcement({ ...rec, date: dayToDate(day), modified_at: isoChina(t) }, t);
    }
  }

  const violationDays = inspections.filter((i) => i.finding !== 'NONE').map((i) => i.day);
  for (const plan of penaltyPlans) {
    const base = violationDays.length ? r.pick(violationDays) : b.pastDay(r);
    const day = Math.min(base + r.int(10, 60), b.today - 1);
    let amount: number;
    const edge = r.chance(0.01);
    if (plan.band === 'S') amount = edge ? 99_999.99 : r.int(10, 99) * 1000 + (r.chance(0.1) ? r.int(1, 99) / 100 : 0);
    else if (plan.band === 'M') amount = edge ? 100_000 : r.int(100, 999) * 1000;
    else amount = edge ? 1_000_000 : r.int(100, 500) * 10_000;
    const recent = b.today - day < 30;
    const status = r.weightedPairs<PenaltyRecord['status']>([
      ['FILED', recent ? 40 : 4],
      ['DECIDED', 35],
      ['EXECUTED', recent ? 15 : 55],
      ['REVOKED', 4],
    ]);
    let ms = b.stamp(r, day, 5);
    if (status === 'EXECUTED' || status === 'REVOKED') ms = b.later(r, ms) ?? ms;
    b.penalty.push({
      caseNo: b.caseNo(r, day),
      creditCode: code,
      decisionDate: dayToDate(day),
      amount,
      dailyConsecutive: plan.daily,
      status,
      modifiedAt: isoChina(ms),
    });
  }
}

/**
 * How an enterprise runs its online monitoring, on all its outlets: `tidy` (a few missing
 * or short days, a rare exceedance), `lax` (several times that), `sloppy` (frequent
 * missing days and exceedances), `chronic` (one outlet exceeds on a third to two thirds of
 * its days, the others are lax) or `gap` (tidy, but its outlets stopped reporting a few days ago).
 */
type MonitoringBehaviour = 'tidy' | 'lax' | 'sloppy' | 'chronic' | 'gap';

/**
 * The behaviour per hidden profile: the staff who keep a plant out of trouble with the
 * inspectors mostly keep its monitoring in order too, and a violator's monitoring mostly
 * shows it — with noise both ways (a clean plant with a bad year of data, a violator
 * whose instruments are fine). So the monitoring deductions over the 1,095-day window and
 * the findings of new inspections (`enforcement-work.ts`) tell the same story.
 */
const MONITORING_BY_PROFILE: Record<Profile, ReadonlyArray<readonly [MonitoringBehaviour, number]>> = {
  clean: [
    ['tidy', 88.5],
    ['lax', 8],
    ['sloppy', 1.5],
    ['chronic', 0.3],
    ['gap', 1.7],
  ],
  minor: [
    ['tidy', 58],
    ['lax', 29],
    ['sloppy', 8],
    ['chronic', 2],
    ['gap', 3],
  ],
  moderate: [
    ['tidy', 25],
    ['lax', 37],
    ['sloppy', 28],
    ['chronic', 6],
    ['gap', 4],
  ],
  bad: [
    ['tidy', 10],
    ['lax', 25],
    ['sloppy', 42],
    ['chronic', 18],
    ['gap', 5],
  ],
  // after the 70 % of worst enterprises that are chronic exceeders anyway
  worst: [
    ['tidy', 5],
    ['lax', 20],
    ['sloppy', 55],
    ['chronic', 15],
    ['gap', 5],
  ],
};

/** Per-outlet chances of a behaviour (see {@link MONITORING_RATES}). */
interface MonitoringRates {
  /** a day exceeds the limit, per pollutant */
  exceedP: number;
  /** a day without a row */
  missingP: number;
  /** a day under 20 valid hours */
  lowP: number;
  /** the outlet has outages, and their longest length in days */
  outageP: number;
  outageMaxDays: number;
  /** a recent day is first served preliminary */
  revisedP: number;
}

const TIDY: MonitoringRates = { exceedP: 0.0005, missingP: 0.002, lowP: 0.002, outageP: 0.1, outageMaxDays: 6, revisedP: 0.03 };
const LAX: MonitoringRates = { exceedP: 0.001, missingP: 0.004, lowP: 0.004, outageP: 0.25, outageMaxDays: 15, revisedP: 0.06 };

/**
 * The chances per behaviour: over the 1,095 days a tidy outlet loses about 7 points of
 * SD-2021 (MON_MISSING, MON_EXCEED), a lax one about 18, a sloppy one about 220; a chronic
 * exceeder's other outlets are lax, a gap's outlets tidy until they stop.
 */
const MONITORING_RATES: Record<MonitoringBehaviour, MonitoringRates> = {
  tidy: TIDY,
  gap: TIDY,
  lax: LAX,
  chronic: LAX,
  sloppy: { exceedP: 0.03, missingP: 0.05, lowP: 0.04, outageP: 0.5, outageMaxDays: 30, revisedP: 0.2 },
};

function monitoringFor(r: Rng, b: Builder, code: string, profile: Profile, industry: IndustryProfile, pollution: string[]): void {
  const outletCount = r.weightedPairs([
    [1, 65],
    [2, 27],
    [3, 8],
  ]);
  const numbers = { DA: 0, DW: 0 };
  const behaviour: MonitoringBehaviour = profile === 'worst' && r.chance(0.7) ? 'chronic' : r.weightedPairs(MONITORING_BY_PROFILE[profile]);
  const rates = MONITORING_RATES[behaviour];
  const days = b.monitoringDays;
  const outlets: Array<{ code: string; type: 'DA' | 'DW' }> = [];
  for (let k = 0; k < outletCount; k++) {
    const type = r.pick(industry.outlets);
    numbers[type]++;
    outlets.push({ code: `${type}${String(numbers[type]).padStart(3, '0')}`, type });
  }
  outlets.sort((x, y) => (x.code < y.code ? -1 : 1));
  // A chronic exceeder exceeds on one outlet, not everywhere.
  const chronicOutlet = r.int(0, outlets.length - 1);
  outlets.forEach((o, index) => {
    const chronic = behaviour === 'chronic' && index === chronicOutlet;
    if (!pollution.includes(o.type === 'DA' ? 'AIR' : 'WATER')) pollution.push(o.type === 'DA' ? 'AIR' : 'WATER');
    const outletKey = combine32(hashString(code + o.code), b.seed);
    let late = r.chance(0.02) ? r.int(1, Math.max(1, days - 3)) : 0;
    // Draws that depend on the behaviour come from the outlet's own stream, so the
    // enterprise's other records (drawn from `r`) are the same whatever its monitoring behaviour.
    const o3 = new Rng(combine32(outletKey, 0x16));
    let lastIdx = days - 1;
    if (days > 90) {
      if (o3.chance(0.04)) late = Math.max(late, o3.int(30, days - 30)); // an outlet that started reporting within the window
      const stopFrom = Math.max(late + 10, Math.floor(days / 3));
      if (behaviour !== 'gap' && o3.chance(0.03) && stopFrom <= days - 30) lastIdx = o3.int(stopFrom, days - 30); // decommissioned
    }
    const outages: Array<[number, number]> = [];
    const outageCount = o3.chance(rates.outageP) ? 1 + o3.int(0, Math.max(0, Math.floor(days / 365))) : 0;
    for (let k = 0; k < outageCount; k++) {
      const start = o3.int(0, days - 1);
      outages.push([start, Math.min(days - 1, start + o3.int(2, rates.outageMaxDays))]);
    }
    if (behaviour === 'gap') lastIdx = days - 1 - o3.int(2, 4);
    const list = o.type === 'DA' ? AIR_POLLUTANTS : WATER_POLLUTANTS;
    const chosen = r.chance(o.type === 'DA' ? 0.5 : 0.6) ? list : list.slice(0, list.length - 1);
    for (const [pollutant, limits] of chosen) {
      b.channels.push({
        creditCode: code,
        outletCode: o.code,
        pollutantCode: pollutant,
        limit: r.pick(limits),
        unit: o.type === 'DA' ? 'mg/m3' : 'mg/L',
        key: combine32(outletKey, hashString(pollutant)),
        outletKey,
        exceedP: chronic ? o3.float(0.3, 0.7) : rates.exceedP,
        missingP: rates.missingP,
        lowP: rates.lowP,
        firstIdx: late,
        lastIdx,
        outages: outages.length ? outages : undefined,
        revisedP: rates.revisedP,
      });
    }
  });
}

/** Days of monitoring history a generated province holds unless told otherwise: SD-2021's window. */
export const DEFAULT_MONITORING_DAYS = 1095;

/**
 * Generates a province deterministically from (enterprises, seed, today, monitoringDays).
 * Enterprises are spread over Shandong's real counties; every credit code is valid and unique.
 */
export function generateProvince(opts: ProvinceOptions): GeneratedProvince {
  const n = Math.max(0, Math.floor(opts.enterprises));
  const seed = opts.seed | 0;
  const today = opts.today ? dateToDay(opts.today) : todayInChina();
  if (today === null) throw new Error(`today '${opts.today}' is not a date YYYY-MM-DD`);
  const monitoringDays = opts.monitoringDays ?? DEFAULT_MONITORING_DAYS;
  if (!Number.isInteger(monitoringDays) || monitoringDays < 1) throw new Error('monitoringDays must be a positive integer');

  const { counties } = loadDivisions();
  const cr = new Rng(combine32(seed, 0xc0));
  const cumulative = new Float64Array(counties.length);
  let acc = 0;
  counties.forEach((c, i) => {
    acc += 0.3 + cr.next() * (/开发区|高新|新区/.test(c.name) ? 0.6 : 1.7);
    cumulative[i] = acc;
  });
  const industryWeights = INDUSTRIES.map((i) => i.weight);

  // A guaranteed long tail, even in small provinces.
  const forcedWorst = new Set<number>();
  const wr = new Rng(combine32(seed, 0x3015));
  const worstCount = n === 0 ? 0 : Math.min(n, Math.max(3, Math.round(n * 0.0004)));
  while (forcedWorst.size < worstCount) forcedWorst.add(wr.int(0, n - 1));

  const b = new Builder(today, seed, monitoringDays);
  const profiles = new Map<string, Profile>();
  for (let i = 0; i < n; i++) {
    const r = new Rng(combine32(seed, i + 1));
    const county = pickCounty(r, counties, cumulative);
    const industry = r.weighted(INDUSTRIES, industryWeights);
    const industryCode = r.pick(industry.codes);
    const registrar = r.weightedPairs<string>([
      [county.code, 85],
      [county.cityCode, 12],
      ['370000', 3],
    ]);
    const code = b.creditCode(r, registrar, industryCode === 'Q8411' && r.chance(0.8));
    const profile: Profile = forcedWorst.has(i) ? 'worst' : r.weightedPairs(PROFILE_WEIGHTS);
    profiles.set(code, profile);

    const pollution = industry.pollution.filter((_, k) => k === 0 || r.chance(k === 1 ? 0.7 : 0.4));
    const online = r.chance(industry.online);
    const supervisionLevel = r.weighted(['NATIONAL_KEY', 'PROVINCIAL_KEY', 'CITY_KEY', 'GENERAL'] as const, industry.supervision);
    const keyish = supervisionLevel !== 'GENERAL';
    const managementClass = r.weighted(['KEY', 'SIMPLIFIED', 'REGISTRATION'] as const, industry.management);
    if (online) monitoringFor(r, b, code, profile, industry, pollution);
    const airSources = pollution.includes('AIR') ? industry.air.filter(([, p]) => r.chance(p)).map(([s]) => s) : [];
    const facilities: string[] = [];
    if (online) facilities.push('ONLINE');
    if (r.chance(keyish ? 0.45 : 0.12)) facilities.push('VIDEO');
    if (r.chance(keyish ? 0.5 : 0.18)) facilities.push('POWER');
    const permits = permitsFor(r, b, code);

    let updatedMs = chinaInstant(today - r.int(1, 365), r.int(0, SECONDS_PER_DAY - 1));
    if (r.chance(0.005)) updatedMs = r.pick(b.batchStamps);
    const [lon, lat] = county.centre;
    const spread = hashString(county.code);
    b.permit.push({
      creditCode: code,
      name: companyName(r, county, industry),
      divisionCode: county.code,
      address: `山东省${county.cityName}${county.name}${r.pick(ROADS)}${r.int(1, 999)}号`,
      longitude: Math.round((lon + ((spread % 1000) / 1000 - 0.5) * 0.5 + r.float(-0.12, 0.12)) * 1e6) / 1e6,
      latitude: Math.round((lat + (((spread >>> 10) % 1000) / 1000 - 0.5) * 0.4 + r.float(-0.1, 0.1)) * 1e6) / 1e6,
      industryCode,
      supervisionLevel,
      managementClass,
      basin: r.chance(0.85) ? (county.basins[0] as PermitRecord['basin']) : (r.pick(county.basins) as PermitRecord['basin']),
      pollutionTypes: pollution,
      airSources,
      monitoringFacilities: facilities,
      permits,
      updatedAt: isoChina(updatedMs),
    });

    enforcementFor(r, b, code, profile, permits);

    const ratedDay = today - r.int(1, 400);
    b.credit.push({
      uscc: code,
      level: r.weightedPairs(CREDIT_BY_PROFILE[profile]),
      ratedOn: dayToDate(ratedDay),
      updatedAt: isoChina(b.stamp(r, ratedDay, 5)),
    });
  }

  b.enforcement.sort((x, y) => x.ms - y.ms || x.seq - y.seq);
  b.channels.sort(compareChannelKey);
  const enforcement = b.enforcement.map((e) => e.rec);
  const noise = opts.identityNoise ?? 0;
  if (!(noise >= 0 && noise <= 1)) throw new Error('identityNoise must be a share between 0 and 1');
  const truth = applyIdentityNoise(b.permit, enforcement, b.penalty, { rate: noise, seed: opts.identityNoiseSeed ?? seed });
  return {
    today: dayToDate(today),
    permit: b.permit,
    enforcement,
    penalty: b.penalty,
    credit: b.credit,
    monitoring: new MonitoringGenerator(b.channels, today - monitoringDays, monitoringDays),
    truth,
    profiles,
    seed,
  };
}
