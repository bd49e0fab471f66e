import { Pool } from 'pg';
import { addDays, endOfChinaDay, requireDate } from '../domain/china-date';
import { ClientError } from '../domain/client-error';
import { RISK_LEVELS, RiskLevelValue, riskLevelSql } from '../domain/risk-band';
import { subtreeSql } from '../domain/jurisdiction';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { selectDeductionsSql } from '../scoring/deduction.query';
import { readQuery } from '../scoring/health-report.service';
import { RuleSetRepository } from '../scoring/rule-set.repository';
import { quarterStartSql } from './deadline-escalation';

/** Days after a warning within which a violation confirms it (spec supervision §3). */
export const CONFIRMATION_DAYS = 30;
/** The z of a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/** A proportion with its 95 % Wilson score interval (null rate and bounds when nothing was observed). */
export interface Proportion {
  rate: number | null;
  low: number | null;
  high: number | null;
}

/**
 * The Wilson score interval of `k` successes in `n` trials at 95 %: unlike
 * the normal approximation it stays inside [0, 1] and behaves at small `n`
 * and at rates near 0 or 1 (what a county's few random inspections give).
 */
export function wilsonInterval(k: number, n: number, z = Z95): Proportion {
  if (n <= 0) return { rate: null, low: null, high: null };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // at k = 0 and k = n the bound is exactly 0 or 1 (centre ∓ half cancel); floating point would miss it by an ulp
  return { rate: p, low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

/** Per warning type: raised, confirmed by a violation within 30 days, and the days from warning to inspection. */
export interface WarningTypeStats {
  type: string;
  raised: number;
  confirmed: number;
  confirmedShare: number | null;
  /** Warnings followed by an inspection (any date on or after the warning's). */
  inspected: number;
  medianDaysToInspection: number | null;
}

/** Violation rate found by random inspections of enterprises of one risk level. */
export interface RiskLevelRate extends Proportion {
  riskLevel: RiskLevelValue;
  inspections: number;
  violations: number;
}

/** One quarter of a county's random-inspection plans. */
export interface QuarterCompletion {
  quarter: string;
  items: number;
  done: number;
  completion: number | null;
}

/** One county's dispatch and plans. */
export interface CountyStats {
  divisionCode: string;
  name: string;
  tasksCreated: number;
  /** Done with the inspection on or before the first deadline. */
  tasksOnTime: number;
  /** Escalated at least once. */
  tasksEscalated: number;
  tasksOpen: number;
  plans: QuarterCompletion[];
}

/** What `supervisionStats` answers. */
export interface SupervisionStats {
  divisionCode: string;
  from: string;
  to: string;
  warningTypes: WarningTypeStats[];
  /** By the risk level the plan's pool recorded when the plan was drawn. */
  riskLevels: RiskLevelRate[];
  counties: CountyStats[];
  /** The same random inspections by the risk level a candidate rule set would have assigned at each plan date. */
  candidate: { ruleSetVersion: string; riskLevels: RiskLevelRate[] } | null;
}

/** A stats request that cannot be answered as given. */
export class SupervisionStatsError extends ClientError {
  override readonly code = 'BAD_USER_INPUT';
}

/** The random inspections counted (alias `ri`): done plan items of plans not corrected, inspected between `from` and `to`, inside `where`. */
function randomInspectionsSql(where: string, from: string, to: string): string {
  return `select i.credit_code, pp.risk_level, p.plan_date, r.finding in ('VIOLATION', 'NO_PERMIT') as violation
      from inspection_plan_item i
      join inspection_plan p on p.id = i.plan_id
      join inspection_plan_pool pp on pp.plan_id = i.plan_id and pp.credit_code = i.credit_code
      join enforcement_record r on r.record_id = i.inspection_record_id
     where i.status = 'DONE' and ${where} and r.event_date between ${from}::date and ${to}::date
       and not exists (select 1 from inspection_plan c where c.replaces = p.id)`;
}

function rates(rows: readonly { level: string; n: number; k: number }[]): RiskLevelRate[] {
  return [...RISK_LEVELS].reverse().map((riskLevel) => {
    const r = rows.find((x) => x.level === riskLevel);
    const n = r?.n ?? 0;
    const k = r?.k ?? 0;
    return { riskLevel, inspections: n, violations: k, ...wilsonInterval(k, n) };
  });
}

/**
 * The analysis that closes the loop (spec supervision §3): per warning type,
 * per risk level (random inspections only, with 95 % Wilson intervals), per
 * county, and for a candidate rule set the same rates by the level it would
 * have assigned. Each part is one set-based statement over the division's
 * subtree; the jurisdiction is a SQL predicate.
 */
export class SupervisionStatsService {
  constructor(
    private readonly pool: Pool,
    private readonly ruleSets: Pick<RuleSetRepository, 'get'>,
  ) {}

  /** Statistics of `division` (inside the caller's jurisdiction, checked by the caller) from `from` to `to` (China dates, inclusive). */
  async stats(division: Scope, fromDate: string, toDate: string, candidateVersion?: string | null): Promise<SupervisionStats> {
    const from = requireDate(fromDate, 'from');
    const to = requireDate(toDate, 'to');
    if (from > to) throw new SupervisionStatsError('from must not be after to', { argument: 'from' });
    if (addDays(from, 3660) < to) throw new SupervisionStatsError('the period is at most ten years', { argument: 'to' });
    const candidate = candidateVersion ? await this.ruleSets.get(candidateVersion) : null;
    const [warningTypes, riskLevels, counties, candidateRates] = await Promise.all([
      this.warningTypes(division, from, to),
      this.riskLevels(division, from, to),
      this.counties(division, from, to),
      candidate ? this.candidateRates(division, from, to, candidate) : Promise.resolve(null),
    ]);
    return {
      divisionCode: division.divisionCode,
      from,
      to,
      warningTypes,
      riskLevels,
      counties,
      candidate: candidate ? { ruleSetVersion: candidate.version, riskLevels: candidateRates! } : null,
    };
  }

  private async warningTypes(division: Scope, from: string, to: string): Promise<WarningTypeStats[]> {
    const params = new SqlParams();
    const where = divisionPredicate(division, params, 'e');
    const start = params.add(endOfChinaDay(addDays(from, -1)));
    const end = params.add(endOfChinaDay(to));
    const days = params.add(CONFIRMATION_DAYS);
    const r = await readQuery<{ type: string; raised: number; confirmed: number; inspected: number; median: number | null }>(
      this.pool,
      `with w as (
         select w.type, w.credit_code, (w.raised_at at time zone 'Asia/Shanghai')::date as d
           from warning w join enterprise e using (credit_code)
          where ${where} and w.raised_at > ${start}::timestamptz and w.raised_at <= ${end}::timestamptz)
       select w.type, count(*)::int as raised,
              count(*) filter (where exists (
                select 1 from enforcement_record v where v.credit_code = w.credit_code and v.status = 'ACTIVE' and v.event_date between w.d and w.d + ${days}::int
                   and (v.kind = 'MEASURE' or v.finding in ('VIOLATION', 'NO_PERMIT'))))::int as confirmed,
              count(i.days)::int as inspected,
              percentile_cont(0.5) within group (order by i.days) as median
         from w
         cross join lateral (select min(x.event_date) - w.d as days from enforcement_record x
                              where x.credit_code = w.credit_code and x.kind = 'INSPECTION' and x.status = 'ACTIVE' and x.event_date >= w.d) i
        group by w.type order by w.type`,
      params.values,
    );
    return r.rows.map((x) => ({
      type: x.type,
      raised: x.raised,
      confirmed: x.confirmed,
      confirmedShare: x.raised ? x.confirmed / x.raised : null,
      inspected: x.inspected,
      medianDaysToInspection: x.median == null ? null : Number(x.median),
    }));
  }

  private async riskLevels(division: Scope, from: string, to: string): Promise<RiskLevelRate[]> {
    const params = new SqlParams();
    const where = subtreeSql(division, params, { code: 'i.division_code' });
    const sql = randomInspectionsSql(where, params.add(from), params.add(to));
    const r = await readQuery<{ level: string; n: number; k: number }>(
      this.pool,
      `select ri.risk_level as level, count(*)::int as n, count(*) filter (where ri.violation)::int as k from (${sql}) ri group by ri.risk_level`,
      params.values,
    );
    return rates(r.rows);
  }

  private async counties(division: Scope, from: string, to: string): Promise<CountyStats[]> {
    const params = new SqlParams();
    const counties = subtreeSql(division, params, { code: 'c.code' });
    const f = params.add(from);
    const t = params.add(to);
    const r = await readQuery<CountyStats>(
      this.pool,
      `with county as (select c.code, c.name from division c where c.level = 'COUNTY' and ${counties}),
       task as (
         select t.division_code, count(*)::int as created,
                count(*) filter (where t.status = 'DONE' and t.inspection_date <= t.deadline)::int as on_time,
                count(*) filter (where t.escalation_level > 0)::int as escalated,
                count(*) filter (where t.status <> 'DONE')::int as open
           from supervision_task t join county c on c.code = t.division_code
          where t.created_date between ${f}::date and ${t}::date
          group by t.division_code),
       plan as (
         select i.division_code, p.quarter, count(*)::int as items, count(*) filter (where i.status = 'DONE')::int as done
           from inspection_plan p join inspection_plan_item i on i.plan_id = p.id join county c on c.code = i.division_code
          where not exists (select 1 from inspection_plan x where x.replaces = p.id)
            and ${quarterStartSql('p.quarter')} <= ${t}::date and ${quarterStartSql('p.quarter')} + interval '3 months' > ${f}::date
          group by i.division_code, p.quarter),
       plans as (
         select p.division_code, json_agg(json_build_object('quarter', p.quarter, 'items', p.items, 'done', p.done) order by p.quarter) as plans
           from plan p group by p.division_code)
       select c.code as "divisionCode", c.name, coalesce(k.created, 0) as "tasksCreated", coalesce(k.on_time, 0) as "tasksOnTime",
              coalesce(k.escalated, 0) as "tasksEscalated", coalesce(k.open, 0) as "tasksOpen", coalesce(pl.plans, '[]') as plans
         from county c left join task k on k.division_code = c.code left join plans pl on pl.division_code = c.code
        order by c.code`,
      params.values,
    );
    return r.rows.map((c) => ({
      ...c,
      plans: (c.plans as Omit<QuarterCompletion, 'completion'>[]).map((p) => ({ ...p, completion: p.items ? p.done / p.items : null })),
    }));
  }

  /**
   * The random inspections by the level `candidate` would have assigned the
   * day before each plan date (so the inspection itself never counts): one
   * derivation per plan date over the inspected enterprises, as
   * `ruleSetPreview` derives a candidate.
   */
  private async candidateRates(division: Scope, from: string, to: string, candidate: Awaited<ReturnType<RuleSetRepository['get']>>): Promise<RiskLevelRate[]> {
    const dates = await this.planDates(division, from, to);
    const totals = new Map<string, { level: string; n: number; k: number }>();
    for (const planDate of dates) {
      const params = new SqlParams();
      const where = subtreeSql(division, params, { code: 'i.division_code' });
      const inspected = `${randomInspectionsSql(where, params.add(from), params.add(to))} and p.plan_date = ${params.add(planDate)}::date`;
      const derived = selectDeductionsSql(
        {
          version: candidate.version,
          asOf: addDays(planDate, -1),
          windowDays: candidate.windowDays,
          targets: { kind: 'enterprises', where: `e.credit_code in (select ri.credit_code from ri)` },
        },
        params,
      );
      const r = await readQuery<{ level: string; n: number; k: number }>(
        this.pool,
        `with ri as materialized (${inspected}),
         total as (select credit_code, sum(points)::int as points from (${derived}) d group by credit_code)
         select ${riskLevelSql(`${candidate.fullMarks} - coalesce(total.points, 0)`, candidate.riskThresholds)} as level,
                count(*)::int as n, count(*) filter (where ri.violation)::int as k
           from ri left join total using (credit_code) group by 1`,
        params.values,
      );
      for (const row of r.rows) {
        const acc = totals.get(row.level) ?? { level: row.level, n: 0, k: 0 };
        acc.n += row.n;
        acc.k += row.k;
        totals.set(row.level, acc);
      }
    }
    return rates([...totals.values()]);
  }

  private async planDates(division: Scope, from: string, to: string): Promise<string[]> {
    const params = new SqlParams();
    const where = subtreeSql(division, params, { code: 'i.division_code' });
    const r = await readQuery<{ d: string }>(
      this.pool,
      `select distinct to_char(ri.plan_date, 'YYYY-MM-DD') as d from (${randomInspectionsSql(where, params.add(from), params.add(to))}) ri order by 1`,
      params.values,
    );
    return r.rows.map((x) => x.d);
  }
}
