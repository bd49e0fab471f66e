import { SqlParams } from '../jurisdiction/scope';
import { DerivationSpec, DerivationTargets } from './deduction.query';

/** Columns of a `deduction_month` row, in the order {@link insertMonitoringGroupsSql} writes them. */
export const DEDUCTION_MONTH_COLUMNS = [
  'credit_code',
  'rule_code',
  'points',
  'outlet_code',
  'pollutant_code',
  'month',
  'days',
  'day_count',
  'first_day',
  'in_window',
  'rule_set_version',
] as const;

function target(t: DerivationTargets, params: SqlParams, column: string): string {
  if (t.kind === 'all') return 'true';
  if (t.kind === 'codes') return `${column} = any(${params.add(t.codes)}::text[])`;
  return `${column} in (select e.credit_code from enterprise e where ${t.where})`;
}

/** The mask of days with at least `hours` (a rule's threshold column) in `arr`; `reported` for 0 or less, nothing above 24 or unset. */
function atLeast(arr: string, hours: string, orNull: 'none' | 'reported'): string {
  return `case when ${hours} is null then ${orNull === 'none' ? '0' : 'm.reported'} when ${hours} <= 0 then m.reported when ${hours} > 24 then 0
               else m.${arr}[${hours}] end`;
}

/**
 * One `INSERT … SELECT` writing the monitoring deductions of `spec` for a
 * monitoring family into `table` (`deduction_month` or a temporary copy), from
 * the month aggregates (`monitoring_month`, see migration
 * `monitoring-month-aggregates`) — never the daily rows:
 *
 * - `MONITORING_EXCEED`: per outlet, pollutant and month, the days with at least
 *   the rule's exceed hours (`exceed_ge`) inside the window (a day mask of the
 *   month: `asOf − window < d ≤ asOf`).
 * - `MONITORING_MISSING`: per outlet, its first and last reported dates up to
 *   `asOf` (the lowest and highest bits of `reported` over its pollutants and
 *   months), then per month from the window's start (or the first date) to the
 *   last date, the days no pollutant row reached the rule's valid hours
 *   (`valid_ge`) — a day without any row included, months without rows too.
 *
 * Equal, day for day, to the daily derivation of `deduction.query`
 * (`selectDeductionsSql`), which tests compare it with. Current records only
 * (`spec.knownAt` is not supported: as-of reads derive from the days).
 */
export function insertMonitoringGroupsSql(
  family: 'MONITORING_EXCEED' | 'MONITORING_MISSING',
  spec: DerivationSpec,
  table: string,
): { sql: string; values: unknown[] } {
  if (spec.knownAt) throw new Error('monitoring month aggregates hold current records only');
  const params = new SqlParams();
  const asOf = `${params.add(spec.asOf)}::date`;
  const version = `${params.add(spec.version)}::text`;
  const start = `${asOf} - ${params.add(spec.windowDays)}::int + 1`;
  const where = target(spec.targets, params, 'm.credit_code');
  const from = (alias: string) => `case when ${alias}.ignores_window then '-infinity'::date else ${start} end`;
  const cols = DEDUCTION_MONTH_COLUMNS.join(', ');
  if (family === 'MONITORING_EXCEED') {
    const sql = `insert into ${table} (${cols})
      select m.credit_code, r.code, r.points, m.outlet_code, m.pollutant_code, m.month, k.x, mon_bit_count(k.x), m.month + mon_low_bit(k.x),
             not r.ignores_window, ${version}
        from monitoring_month m
        join rule r on r.rule_set_version = ${version} and r.family = 'MONITORING_EXCEED'
       cross join lateral (select mon_day_mask(m.month, ${from('r')}, ${asOf}) & ${atLeast('exceed_ge', 'r.min_exceed_hours', 'none')} as x) k
       where ${where} and m.month <= ${asOf} and (r.ignores_window or m.month > ${start} - 31) and k.x <> 0`;
    return { sql, values: params.values };
  }
  const sql = `with o as materialized (
      select m.credit_code, m.outlet_code, m.month, r.code, r.points, r.ignores_window,
             bit_or(m.reported) & mon_day_mask(m.month, '-infinity'::date, ${asOf}) as rep,
             bit_or(${atLeast('valid_ge', 'r.min_valid_hours', 'reported')}) as good
        from monitoring_month m
        join rule r on r.rule_set_version = ${version} and r.family = 'MONITORING_MISSING'
       where ${where} and m.month <= ${asOf}
       group by m.credit_code, m.outlet_code, m.month, r.code, r.points, r.ignores_window
    ), b as (
      select o.credit_code, o.outlet_code, o.code, o.points, o.ignores_window,
             greatest(min(o.month + mon_low_bit(o.rep)), ${from('o')}) as lo, max(o.month + mon_high_bit(o.rep)) as hi
        from o where o.rep <> 0
       group by o.credit_code, o.outlet_code, o.code, o.points, o.ignores_window
    )
    insert into ${table} (${cols})
    select b.credit_code, b.code, b.points, b.outlet_code, null, g.month, k.x, mon_bit_count(k.x), g.month + mon_low_bit(k.x), not b.ignores_window, ${version}
      from b
     cross join lateral (select s::date as month from generate_series(date_trunc('month', b.lo), b.hi, interval '1 month') as s) g
      left join o on o.credit_code = b.credit_code and o.outlet_code = b.outlet_code and o.code = b.code and o.month = g.month
     cross join lateral (select mon_day_mask(g.month, b.lo, b.hi) & ~coalesce(o.good, 0) as x) k
     where b.lo <= b.hi and k.x <> 0`;
  return { sql, values: params.values };
}
