import { Pool, QueryResult, QueryResultRow } from 'pg';
import { withTransaction } from '../db/database';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { DerivationSpec, selectDeductionsSql } from './deduction.query';
import { RiskLevelValue, riskLevelSql, riskOf } from '../domain/risk-band';
import { SourceSystem } from '../domain/vocabulary';
import { RuleSetRepository, StoredRuleSet } from './rule-set.repository';
import { chinaToday, endOfChinaDay, requireDate } from '../domain/china-date';
import { ancestorCodesSql } from '../domain/jurisdiction';

/** One deduction of a health report: which rule, how many points, when, and the source record that caused it. */
export interface DeductionItem {
  rule: string;
  points: number;
  /** Event date `YYYY-MM-DD`. */
  date: string;
  system: SourceSystem;
  recordId: string;
}

/** An enterprise's health report at a date. */
export interface HealthReportData {
  creditCode: string;
  score: number;
  riskLevel: RiskLevelValue;
  asOf: string;
  ruleSetVersion: string;
  /** `stored`: read from the materialised deductions; `live`: derived now from current records; `as-known`: from the records as known at `knownAt`. */
  basis: 'stored' | 'live' | 'as-known';
  knownAt: Date | null;
  deductions: DeductionItem[];
}

/** A point of an enterprise's score history. */
export interface ScorePointData {
  at: Date;
  score: number;
  riskLevel: RiskLevelValue;
  previousScore: number | null;
  previousRiskLevel: RiskLevelValue | null;
  ruleSetVersion: string;
  cause: string;
  causeRef: string | null;
}

/** A report request: the enterprise, the date (default today in China) and optionally the instant whose knowledge to use. */
export interface ReportKey {
  creditCode: string;
  asOf?: string;
  knownAt?: Date;
}

/** An enterprise whose risk level a candidate rule set would change. */
export interface RiskChangeData {
  creditCode: string;
  name: string;
  currentScore: number;
  currentRiskLevel: RiskLevelValue;
  newScore: number;
  newRiskLevel: RiskLevelValue;
}

/** What activating a candidate rule set would do, inside a jurisdiction. */
export interface RuleSetPreviewData {
  version: string;
  comparedWith: string;
  asOf: string;
  enterprises: number;
  scoreChanges: number;
  riskChanges: number;
  /** Counts per transition, e.g. `{"LOW->MEDIUM": 12}`. */
  transitions: Record<string, number>;
  changes: RiskChangeData[];
}

interface DeductionRow {
  credit_code: string;
  rule_code: string;
  points: number;
  event_date: string;
  system: SourceSystem;
  record_id: string;
}

/** Runs one read statement with JIT off: compiling these plans costs more than running them. */
export async function readQuery<R extends QueryResultRow>(pool: Pool, sql: string, values: unknown[]): Promise<QueryResult<R>> {
  return withTransaction(pool, async (client) => {
    await client.query(`set local jit = off`);
    return client.query<R>(sql, values);
  });
}

/**
 * Reads of the health score: reports (today from the materialised
 * deductions; any other date recomputed), history, ranks and what-if
 * previews. Every method takes a batch (DataLoaders call them once per
 * request level) and runs one statement per distinct parameter set.
 *
 * **As-of reports.** A report for a past date is recomputed from the
 * records *as the hub knew them* at the end of that day (China time):
 * the typed source tables carry `recorded_at`, and a trigger copies every
 * replaced or deleted row into `record_history` with the interval it was
 * known (`known_from`, `known_to`). The derivation then reads "rows recorded
 * by then" ∪ "earlier versions valid then" — the same rule SQL as the live
 * path — under the rule-set version active at that instant. So a penalty
 * revoked today still shows in yesterday's report, and a record first
 * loaded today does not.
 */
export class HealthReportService {
  constructor(
    private readonly pool: Pool,
    private readonly ruleSets: RuleSetRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Reports for many keys; one statement per distinct (asOf, knownAt). */
  async reports(keys: readonly ReportKey[]): Promise<HealthReportData[]> {
    const now = this.now();
    const today = chinaToday(now);
    const groups = new Map<string, { asOf: string; knownAt?: Date; idx: number[] }>();
    keys.forEach((k, i) => {
      const asOf = requireDate(k.asOf ?? today, 'asOf');
      let knownAt = k.knownAt;
      if (!knownAt && asOf < today) knownAt = new Date(Math.min(endOfChinaDay(asOf).getTime(), now.getTime()));
      const g = `${asOf}|${knownAt?.toISOString() ?? ''}`;
      const entry = groups.get(g) ?? { asOf, knownAt, idx: [] };
      entry.idx.push(i);
      groups.set(g, entry);
    });
    const out: HealthReportData[] = new Array(keys.length);
    for (const g of groups.values()) {
      const codes = [...new Set(g.idx.map((i) => keys[i].creditCode))];
      let byCode: Map<string, HealthReportData>;
      if (g.knownAt) {
        const rs = await this.ruleSets.activeAt(g.knownAt);
        byCode = await this.derive(codes, g.asOf, rs, 'as-known', g.knownAt);
      } else {
        const rs = await this.ruleSets.active();
        byCode = g.asOf === today ? await this.stored(codes, today, rs) : new Map();
        const missing = codes.filter((c) => !byCode.has(c));
        if (missing.length) for (const [c, r] of await this.derive(missing, g.asOf, rs, 'live')) byCode.set(c, r);
      }
      for (const i of g.idx) out[i] = byCode.get(keys[i].creditCode)!;
    }
    return out;
  }

  /** Reports of enterprises whose stored score is for `asOf` under the active version and not dirty. */
  private async stored(codes: string[], asOf: string, rs: StoredRuleSet): Promise<Map<string, HealthReportData>> {
    const res = await this.pool.query<DeductionRow & { score: number; risk_level: RiskLevelValue; version: string }>(
      `select s.credit_code, s.score, s.risk_level, s.rule_set_version as version, d.rule_code, d.points,
              to_char(d.event_date, 'YYYY-MM-DD') as event_date, d.system, d.record_id
         from score_state s
         -- Filtered before the join, so the codes reach both parts of the view (monitoring days are expanded per enterprise).
         left join (select * from deduction where credit_code = any($1::text[])) d on d.credit_code = s.credit_code
        where s.credit_code = any($1::text[]) and s.as_of = $2::date and s.rule_set_version = $3
          and not exists (select 1 from score_dirty x where x.credit_code = s.credit_code)
        order by s.credit_code, d.event_date, d.rule_code, d.record_id`,
      [codes, asOf, rs.version],
    );
    const map = new Map<string, HealthReportData>();
    for (const r of res.rows) {
      let rep = map.get(r.credit_code);
      if (!rep) {
        rep = {
          creditCode: r.credit_code,
          score: r.score,
          riskLevel: r.risk_level,
          asOf,
          ruleSetVersion: r.version,
          basis: 'stored',
          knownAt: null,
          deductions: [],
        };
        map.set(r.credit_code, rep);
      }
      if (r.rule_code) rep.deductions.push({ rule: r.rule_code, points: r.points, date: r.event_date, system: r.system, recordId: r.record_id });
    }
    return map;
  }

  /** Derives reports from the records (current, or as known at `knownAt`) without storing anything. */
  private async derive(codes: string[], asOf: string, rs: StoredRuleSet, basis: 'live' | 'as-known', knownAt?: Date): Promise<Map<string, HealthReportData>> {
    const params = new SqlParams();
    const spec: DerivationSpec = { version: rs.version, asOf, windowDays: rs.windowDays, targets: { kind: 'codes', codes }, knownAt };
    const sql = `select d.credit_code, d.rule_code, d.points, to_char(d.event_date, 'YYYY-MM-DD') as event_date, d.system, d.record_id
                   from (${selectDeductionsSql(spec, params)}) d
                  order by d.credit_code, d.event_date, d.rule_code, d.record_id`;
    const res = await readQuery<DeductionRow>(this.pool, sql, params.values);
    const map = new Map<string, HealthReportData>();
    for (const c of codes) {
      map.set(c, { creditCode: c, score: rs.fullMarks, riskLevel: 'LOW', asOf, ruleSetVersion: rs.version, basis, knownAt: knownAt ?? null, deductions: [] });
    }
    for (const r of res.rows) {
      const rep = map.get(r.credit_code)!;
      rep.deductions.push({ rule: r.rule_code, points: r.points, date: r.event_date, system: r.system, recordId: r.record_id });
      rep.score -= r.points;
    }
    for (const rep of map.values()) rep.riskLevel = riskOf(rep.score, rs.riskThresholds);
    return map;
  }

  /** Score histories (points with `from ≤ at ≤ to`, oldest first) of many enterprises in one statement. */
  async histories(codes: readonly string[], from?: Date | null, to?: Date | null): Promise<ScorePointData[][]> {
    const res = await this.pool.query<ScorePointData & { creditCode: string }>(
      `select credit_code as "creditCode", at, score, risk_level as "riskLevel", previous_score as "previousScore",
              previous_risk_level as "previousRiskLevel", rule_set_version as "ruleSetVersion", cause, cause_ref as "causeRef"
         from score_history
        where credit_code = any($1::text[]) and at >= coalesce($2::timestamptz, '-infinity') and at <= coalesce($3::timestamptz, 'infinity')
        order by credit_code, at, id`,
      [[...new Set(codes)], from ?? null, to ?? null],
    );
    const by = new Map<string, ScorePointData[]>();
    for (const r of res.rows) {
      const list = by.get(r.creditCode) ?? [];
      list.push(r);
      by.set(r.creditCode, list);
    }
    return codes.map((c) => by.get(c) ?? []);
  }

  /**
   * Ranks (1 = lowest score, ties by credit code) of enterprises among those
   * of a division scope (province, city or county code), in one statement:
   * the rank histograms give the count of enterprises with a lower score and
   * of those with the same score in lower 8-character credit-code buckets;
   * only the same-score codes of the enterprise's own bucket are counted, off
   * the (score, credit_code) index that carries the division. Null for an
   * enterprise outside the scope.
   */
  async ranks(codes: readonly string[], scopeCode: string): Promise<(number | null)[]> {
    const res = await readQuery<{ credit_code: string; rank: number }>(
      this.pool,
      `with k as (
         select e.credit_code as c, e.score as s from enterprise e
          where e.credit_code = any($1::text[]) and $2 in (${ancestorCodesSql('e.division_code').join(', ')}))
       select k.c as credit_code, (1
         + coalesce((select sum(n) from rank_score r where r.scope = $2 and r.score < k.s), 0)
         + coalesce((select sum(n) from rank_bucket b where b.scope = $2 and b.score = k.s and b.plen = 8 and b.prefix < left(k.c, 8)), 0)
         + (select count(*) from enterprise x where x.score = k.s and x.credit_code >= left(k.c, 8) and x.credit_code < k.c
               and $2 in (${ancestorCodesSql('x.division_code').join(', ')})))::int as rank
         from k`,
      [[...new Set(codes)], scopeCode],
    );
    const by = new Map(res.rows.map((r) => [r.credit_code, r.rank]));
    return codes.map((c) => by.get(c) ?? null);
  }

  /**
   * What-if: the scores and risk levels a loaded (not necessarily active)
   * rule-set version would give the enterprises of `scope` today, compared
   * with their live scores. Read-only; nothing stored changes.
   */
  async preview(version: string, scope: Scope, first = 50): Promise<RuleSetPreviewData> {
    const candidate = await this.ruleSets.get(version);
    const active = await this.ruleSets.active();
    const asOf = chinaToday(this.now());
    const params = new SqlParams();
    const where = divisionPredicate(scope, params, 'e');
    const spec: DerivationSpec = { version, asOf, windowDays: candidate.windowDays, targets: { kind: 'enterprises', where } };
    const derived = selectDeductionsSql(spec, params);
    const limit = params.add(Math.max(0, Math.min(first, 1000)));
    const res = await readQuery<{
      enterprises: number;
      score_changes: number;
      risk_changes: number;
      transitions: Record<string, number>;
      changes: RiskChangeData[];
    }>(
      this.pool,
      `with x as materialized (
         select e.credit_code, e.name, e.score as current_score, e.risk_level as current_risk,
                ${candidate.fullMarks} - coalesce(t.total, 0) as new_score
           from enterprise e
           left join (select credit_code, sum(points)::int as total from (${derived}) d group by credit_code) t using (credit_code)
          where ${where}),
       y as (select x.*, ${riskLevelSql('new_score', candidate.riskThresholds)} as new_risk from x)
       select (select count(*)::int from y) as enterprises,
              (select count(*)::int from y where new_score <> current_score) as score_changes,
              (select count(*)::int from y where new_risk <> current_risk) as risk_changes,
              (select coalesce(json_object_agg(tr, n), '{}') from (select current_risk || '->' || new_risk as tr, count(*)::int as n
                 from y where new_risk <> current_risk group by 1) z) as transitions,
              (select coalesce(json_agg(c order by c."creditCode"), '[]') from (
                 select credit_code as "creditCode", name, current_score as "currentScore", current_risk as "currentRiskLevel",
                        new_score as "newScore", new_risk as "newRiskLevel"
                   from y where new_risk <> current_risk order by credit_code limit ${limit}) c) as changes`,
      params.values,
    );
    const r = res.rows[0];
    return {
      version,
      comparedWith: active.version,
      asOf,
      enterprises: r.enterprises,
      scoreChanges: r.score_changes,
      riskChanges: r.risk_changes,
      transitions: r.transitions,
      changes: r.changes,
    };
  }
}
