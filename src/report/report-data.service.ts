import { Pool } from 'pg';
import { HubConfig } from '../config/config';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { isValidCreditCode } from '../domain/credit-code';
import { Scope } from '../jurisdiction/scope';
import { DeductionItem, ScorePointData } from '../scoring/health-report.service';
import { RiskLevelValue } from '../domain/risk-band';
import { ScoringServices } from '../scoring/scoring.module';

/** What the report pages read: the public URL, the division tree, enterprises, scores and (when wired) tags. */
export interface ReportSources {
  config: Pick<HubConfig, 'publicUrl'>;
  db: { pool: Pool };
  divisions: DivisionDirectory;
  enterprises: Pick<EnterpriseSearchService, 'findOne'>;
  scoring: Pick<ScoringServices, 'reports' | 'ruleSets'>;
  tags?: unknown;
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
  history: Pick<ScorePointData, 'at' | 'score' | 'riskLevel'>[];
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
    const root = this.services.divisions.children(null)[0];
    if (!root) throw new Error('the division table is empty: run the migrations');
    return { divisionCode: root.code, level: 'PROVINCE' };
  }

  /** The report of `creditCode`, or null when the code is malformed or unknown. */
  async load(creditCode: string): Promise<PublicReport | null> {
    if (!isValidCreditCode(creditCode)) return null;
    const scope = this.provinceScope();
    const enterprise = await this.services.enterprises.findOne(scope, creditCode);
    if (!enterprise) return null;
    const { reports, ruleSets } = this.services.scoring;
    const [[report], [history], [rank], ruleSet, total, tags] = await Promise.all([
      reports.reports([{ creditCode }]),
      reports.histories([creditCode]),
      reports.ranks([creditCode], scope.divisionCode),
      ruleSets.active(),
      this.services.db.pool.query<{ n: number }>(`select count(*)::int as n from enterprise`),
      this.tags ? this.tags.tagsOf([creditCode], scope).then((t) => t[0] ?? []) : Promise.resolve([] as ReportTag[]),
    ]);
    const descriptions = new Map(ruleSet.rules.map((r) => [r.code, r.description]));
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
      deductions: report.deductions
        .map((d) => ({ rule: d.rule, ruleDescription: descriptions.get(d.rule), points: d.points, date: d.date, system: d.system }))
        .sort((a, b) => b.date.localeCompare(a.date) || a.rule.localeCompare(b.rule)),
      history: history.map((h) => ({ at: h.at, score: h.score, riskLevel: h.riskLevel })),
      tags: tags.map((t) => ({ code: t.code, category: t.category, label: t.label, labelEn: t.labelEn })),
      url: publicReportUrl(this.services.config.publicUrl, creditCode),
    };
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
