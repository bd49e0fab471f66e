import { Pool } from 'pg';
import { HubConfig } from '../config/config';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { isValidCreditCode } from '../domain/credit-code';
import { addDays, chinaToday, endOfChinaDay } from '../domain/china-date';
import { Scope } from '../jurisdiction/scope';
import { DeductionItem, ScorePointData } from '../scoring/health-report.service';
import { RiskLevelValue } from '../domain/risk-band';
import { DeductionGroupData, groupDeductions } from '../scoring/deduction-groups';
import { ScoringServices } from '../scoring/scoring.module';
import { ObjectionService, deductionGroupKey, deductionKey } from '../supervision/objection.service';

/** What the report pages read: the public URL, the division tree, enterprises, scores and (when wired) tags. */
export interface ReportSources {
  config: Pick<HubConfig, 'publicUrl'>;
  db: { pool: Pool };
  divisions: DivisionDirectory;
  enterprises: Pick<EnterpriseSearchService, 'findOne'>;
  scoring: Pick<ScoringServices, 'reports' | 'ruleSets'>;
  tags?: unknown;
  /** Objections beside the deductions (absent: none shown). */
  objections?: ReportObjectionSource;
}

/** A tag as the public report shows it: its label in both languages, nothing about who attached it or why. */
export interface ReportTag {
  code: string;
  category: string;
  label: string;
  labelEn: string;
}

/**
 * Where the report page gets an enterprise's tags. The tags module's
 * `TagService` fits this shape (`tagsOf(codes, scope)`); until a hub wires
 * one, the page shows no tags.
 */
export interface ReportTagSource {
  tagsOf(creditCodes: readonly string[], scope: Pick<Scope, 'divisionCode'>): Promise<ReportTag[][]>;
}

/** A deduction as the public report shows it: rule, points, date and the source system — not the record itself. */
export interface PublicDeduction {
  rule: string;
  ruleDescription?: string;
  points: number;
  date: string;
  system: DeductionItem['system'];
  /** Opaque key naming the deduction in the objection form (the record id stays off the page). */
  key: string;
  /** The objection not yet settled on this deduction: unanswered, or upheld while the correction has not arrived. */
  objection?: { status: string; filedOn: string; currentDeadline: string };
}

/** Where the report page reads the objections to show beside deductions (the supervision module's `ObjectionService`). */
export type ReportObjectionSource = Pick<ObjectionService, 'pendingForReport'>;

/** Deductions grouped as the public report lists them (see `DeductionGroupData`), with the deductions as the page shows them. */
export interface PublicDeductionGroup extends Omit<DeductionGroupData, 'days'> {
  ruleDescription?: string;
  /** Opaque key naming the whole group in the objection form (each of its days not yet contested). */
  key: string;
  /** The group's deductions, oldest first. */
  days: PublicDeduction[];
}

/** Days the report's charts cover, ending today (China time). */
export const CHART_WINDOW_DAYS = 90;

/**
 * How an outlet's online monitoring went on one day, as the scoring rules see it:
 * `EXCEED` a pollutant had exceedance hours (MON_EXCEED's trigger), `MISSING` no
 * row or too few valid hours between the outlet's first and last report (MON_MISSING's),
 * `OK` reported and within limits, `NONE` nothing expected (before the outlet's first
 * report or after its last one, e.g. today's data not yet in).
 */
export type MonitoringDayStatus = 'OK' | 'EXCEED' | 'MISSING' | 'NONE';

/** One outlet's days over the chart window. */
export interface MonitoringOutlet {
  outletCode: string;
  /** One status per day of the window, oldest first. */
  days: MonitoringDayStatus[];
}

/** The daily monitoring of an enterprise's outlets over the chart window. */
export interface PublicMonitoring {
  outlets: MonitoringOutlet[];
  /** The valid hours a day needs and the exceedance hours that make it an exceedance day (the active rule set's). */
  minValidHours: number;
  minExceedHours: number;
}

/** Everything the public report page of one enterprise shows. */
export interface PublicReport {
  creditCode: string;
  name: string;
  /** Names of the division path, province first (e.g. 山东省 › 济南市 › 历下区). */
  divisionPath: string[];
  industryCode: string | null;
  score: number;
  riskLevel: RiskLevelValue;
  asOf: string;
  ruleSetVersion: string;
  fullMarks: number;
  riskThresholds: { low: number; medium: number };
  rank: number | null;
  enterprisesInProvince: number;
  deductions: PublicDeduction[];
  /**
   * The same deductions grouped for reading, newest first: a month of an
   * outlet's (and pollutant's) monitoring deductions is one group, any other
   * deduction a group of its own (see `groupDeductions`).
   */
  deductionGroups: PublicDeductionGroup[];
  /**
   * The score history over the chart window: the score held when the window
   * opened (dated at its first instant) and every change since, oldest first.
   */
  history: (Pick<ScorePointData, 'at' | 'score' | 'riskLevel'> & { held?: boolean })[];
  /** The charts' window: China dates, `to` is today. */
  window: { from: string; to: string; now: Date };
  monitoring: PublicMonitoring;
  tags: ReportTag[];
  /** The canonical public URL of this report (what the QR code encodes). */
  url: string;
}

/** The public URL of an enterprise's report under the hub's configured public base URL. */
export function publicReportUrl(publicUrl: string, creditCode: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/report/${encodeURIComponent(creditCode)}`;
}

/** The tag source of a hub, when its services carry one (see {@link ReportTagSource}). */
export function tagSourceOf(services: ReportSources): ReportTagSource | undefined {
  const candidate = (services as { tags?: Partial<ReportTagSource> }).tags;
  return candidate && typeof candidate.tagsOf === 'function' ? (candidate as ReportTagSource) : undefined;
}

/**
 * Reads what the public report of an enterprise shows, province-wide (the
 * page needs no API key): identity, score, risk, rank, deductions with rule
 * and date, score history and tags. Raw source payloads and record ids stay
 * out: the page shows what a public enforcement notice shows.
 */
export class ReportDataService {
  constructor(
    private readonly services: ReportSources,
    private readonly tags: ReportTagSource | undefined = tagSourceOf(services),
  ) {}

  /** The province the hub serves, as a scope. */
  private provinceScope(): Scope {
    return this.services.divisions.provinceScope();
  }

  /** The report of `creditCode` as of `now`, or null when the code is malformed or unknown. */
  async load(creditCode: string, now: Date = new Date()): Promise<PublicReport | null> {
    if (!isValidCreditCode(creditCode)) return null;
    const scope = this.provinceScope();
    const enterprise = await this.services.enterprises.findOne(scope, creditCode);
    if (!enterprise) return null;
    const { reports, ruleSets } = this.services.scoring;
    const to = chinaToday(now);
    const from = addDays(to, -(CHART_WINDOW_DAYS - 1));
    const opened = endOfChinaDay(addDays(from, -1));
    const [[report], [history], [rank], ruleSet, total, tags, monitoringRows, objections] = await Promise.all([
      reports.reports([{ creditCode }]),
      reports.histories([creditCode]),
      reports.ranks([creditCode], scope.divisionCode),
      ruleSets.active(),
      this.services.db.pool.query<{ n: number }>(`select count(*)::int as n from enterprise`),
      this.tags ? this.tags.tagsOf([creditCode], scope).then((t) => t[0] ?? []) : Promise.resolve([] as ReportTag[]),
      this.monitoringDays(creditCode, from, to),
      this.services.objections ? this.services.objections.pendingForReport(creditCode) : Promise.resolve(new Map<string, never>()),
    ]);
    const trigger = (family: string) => ruleSet.rules.find((r) => r.trigger.family === family)?.trigger;
    const minValidHours = trigger('MONITORING_MISSING')?.minValidHours ?? 20;
    const minExceedHours = trigger('MONITORING_EXCEED')?.minExceedHours ?? 1;
    const descriptions = new Map(ruleSet.rules.map((r) => [r.code, r.description]));
    const shown = new Map<DeductionItem, PublicDeduction>();
    for (const d of report.deductions) {
      const key = deductionKey({ rule: d.rule, connectorId: d.system, recordId: d.recordId });
      const o = objections.get(key);
      shown.set(d, {
        rule: d.rule,
        ruleDescription: descriptions.get(d.rule),
        points: d.points,
        date: d.date,
        system: d.system,
        key,
        ...(o ? { objection: { status: o.status, filedOn: o.filedOn, currentDeadline: o.currentDeadline } } : {}),
      });
    }
    const divisionPath: string[] = [];
    for (let d = this.services.divisions.get(enterprise.divisionCode); d; d = d.parentCode ? this.services.divisions.get(d.parentCode) : undefined) {
      divisionPath.unshift(d.name);
    }
    return {
      creditCode,
      name: enterprise.name,
      divisionPath,
      industryCode: enterprise.industryCode,
      score: report.score,
      riskLevel: report.riskLevel,
      asOf: report.asOf,
      ruleSetVersion: report.ruleSetVersion,
      fullMarks: ruleSet.fullMarks,
      riskThresholds: ruleSet.riskThresholds,
      rank,
      enterprisesInProvince: total.rows[0].n,
      deductions: [...shown.values()].sort((a, b) => b.date.localeCompare(a.date) || a.rule.localeCompare(b.rule)),
      deductionGroups: groupDeductions(report.deductions)
        .map((g) => ({
          ...g,
          ruleDescription: descriptions.get(g.rule),
          key: deductionGroupKey({ rule: g.rule, connectorId: g.system, recordId: g.days[0].recordId, date: g.days[0].date }),
          days: g.days.map((d) => shown.get(d)!),
        }))
        .sort((a, b) => b.to.localeCompare(a.to) || a.rule.localeCompare(b.rule)),
      history: windowHistory(history, opened, now),
      window: { from, to, now },
      monitoring: { outlets: monitoringOutlets(monitoringRows, from, to, minValidHours, minExceedHours), minValidHours, minExceedHours },
      tags: tags.map((t) => ({ code: t.code, category: t.category, label: t.label, labelEn: t.labelEn })),
      url: publicReportUrl(this.services.config.publicUrl, creditCode),
    };
  }

  /**
   * The monitoring days of an enterprise's outlets that bear on the window: per
   * outlet and day in the window, the most valid hours and the most exceedance
   * hours of any pollutant; and each outlet's first and last reported day.
   */
  private async monitoringDays(creditCode: string, from: string, to: string): Promise<MonitoringRow[]> {
    const res = await this.services.db.pool.query<MonitoringRow>(
      `with span as (
         select outlet_code, min(day) as first_day, max(day) as last_day from monitoring_day where credit_code = $1 group by outlet_code
       )
       select s.outlet_code as "outletCode", to_char(s.first_day, 'YYYY-MM-DD') as "firstDay", to_char(s.last_day, 'YYYY-MM-DD') as "lastDay",
              to_char(m.day, 'YYYY-MM-DD') as day, max(m.valid_hours)::int as "validHours", max(m.exceed_hours)::int as "exceedHours"
         from span s
         left join monitoring_day m on m.credit_code = $1 and m.outlet_code = s.outlet_code and m.day between $2::date and $3::date
        where s.first_day <= $3::date and s.last_day >= $2::date
        group by s.outlet_code, s.first_day, s.last_day, m.day
        order by s.outlet_code, m.day`,
      [creditCode, from, to],
    );
    return res.rows;
  }

  /** The risk level of an enterprise (for the QR colour), or null when unknown. */
  async riskOf(creditCode: string): Promise<RiskLevelValue | null> {
    if (!isValidCreditCode(creditCode)) return null;
    const e = await this.services.enterprises.findOne(this.provinceScope(), creditCode);
    if (!e) return null;
    const [report] = await this.services.scoring.reports.reports([{ creditCode }]);
    return report.riskLevel;
  }
}

/** A row of {@link ReportDataService}'s monitoring query (`day` null for an outlet with no row inside the window). */
interface MonitoringRow {
  outletCode: string;
  firstDay: string;
  lastDay: string;
  day: string | null;
  validHours: number | null;
  exceedHours: number | null;
}

/** The score history inside the window: the score held at `opened` (when there was one), then each change up to `now`. */
export function windowHistory(history: readonly ScorePointData[], opened: Date, now: Date): PublicReport['history'] {
  const sorted = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  const before = sorted.filter((h) => h.at < opened);
  const inside = sorted.filter((h) => h.at >= opened && h.at <= now);
  const last = before[before.length - 1];
  const held = last ? [{ at: opened, score: last.score, riskLevel: last.riskLevel, held: true }] : [];
  return [...held, ...inside.map((h) => ({ at: h.at, score: h.score, riskLevel: h.riskLevel }))];
}

/** Each outlet's status on every day from `from` to `to` (see {@link MonitoringDayStatus}). */
export function monitoringOutlets(rows: readonly MonitoringRow[], from: string, to: string, minValidHours: number, minExceedHours: number): MonitoringOutlet[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const byOutlet = new Map<string, { firstDay: string; lastDay: string; seen: Map<string, { valid: number; exceed: number }> }>();
  for (const r of rows) {
    const o = byOutlet.get(r.outletCode) ?? { firstDay: r.firstDay, lastDay: r.lastDay, seen: new Map() };
    if (r.day) o.seen.set(r.day, { valid: r.validHours ?? 0, exceed: r.exceedHours ?? 0 });
    byOutlet.set(r.outletCode, o);
  }
  return [...byOutlet.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([outletCode, o]) => ({
      outletCode,
      days: days.map((d): MonitoringDayStatus => {
        const seen = o.seen.get(d);
        if (seen) return seen.exceed >= minExceedHours ? 'EXCEED' : seen.valid < minValidHours ? 'MISSING' : 'OK';
        return d > o.firstDay && d < o.lastDay ? 'MISSING' : 'NONE';
      }),
    }));
}
