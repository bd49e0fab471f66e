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
 * the month aggregates (migrations `monitoring-month-aggregates` and
 * `monitoring-outlet-aggregates`) — never the daily rows:
 *
 * - `MONITORING_EXCEED`: per outlet, pollutant and month, the days with at
 *   least the rule's exceed hours (`exceed_ge`) inside the window (a day mask
 *   of the month: `asOf − window < d ≤ asOf`). A rule of one hour or more reads
 *   `monitoring_exceed_month` (the months with an exceedance); a rule of
 *   0 hours or less counts every reported day (`monitoring_month`).
 * - `MONITORING_MISSING`: per outlet, from its first reported date (or the
 *   window's start) to its last reported date up to `asOf`, the days no
 *   pollutant row reached the rule's valid hours (`monitoring_outlet_month`:
 *   the OR over the outlet's pollutants) — a day without any row included,
 *   months without rows too. An outlet with a row in every month between its
 *   first and last dates, all of them up to `asOf` (`monitoring_outlet`),
 *   reads only its months whose `full_valid` is under the threshold: every
 *   other month has no missing day. Any other outlet (a gap month, days after
 *   `asOf`, a threshold above 24 hours) walks its months and fills the months
 *   without rows with `generate_series`.
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
  const codes = spec.targets.kind === 'codes' ? params.add(spec.targets.codes) : '';
  const where = (column: string) => (spec.targets.kind === 'codes' ? `${column} = any(${codes}::text[])` : target(spec.targets, params, column));
  const from = (alias: string) => `case when ${alias}.ignores_window then '-infinity'::date else ${start} end`;
  const cols = DEDUCTION_MONTH_COLUMNS.join(', ');
  if (family === 'MONITORING_EXCEED') {
    const exceed = (source: string, rules: string, mask: string) => `
      select m.credit_code, r.code, r.points, m.outlet_code, m.pollutant_code, m.month, k.x, mon_bit_count(k.x), m.month + mon_low_bit(k.x),
             not r.ignores_window, ${version}
        from rule r
        join ${source} m on ${where('m.credit_code')} and m.month <= ${asOf} and (r.ignores_window or m.month > ${start} - 31)
       cross join lateral (select mon_day_mask(m.month, ${from('r')}, ${asOf}) & ${mask} as x) k
       where r.rule_set_version = ${version} and r.family = 'MONITORING_EXCEED' and ${rules} and k.x <> 0`;
    const sql = `insert into ${table} (${cols})
      ${exceed('monitoring_exceed_month', 'r.min_exceed_hours between 1 and 24', 'm.exceed_ge[r.min_exceed_hours]')}
      union all
      ${exceed('monitoring_month', 'r.min_exceed_hours <= 0', 'm.reported')}`;
    return { sql, values: params.values };
  }
  // The short path reads a month when its full_valid (−1…24) is under the rule's threshold h (1…24; 0 for none or ≤ 0).
  const sql = `with c as materialized (
      select o.credit_code, o.outlet_code, o.first_day, o.last_day, r.code, r.points, r.ignores_window, r.min_valid_hours,
             o.last_day <= ${asOf} and coalesce(r.min_valid_hours, 0) <= 24
               and o.months = (extract(year from o.last_day) - extract(year from o.first_day)) * 12 + extract(month from o.last_day) - extract(month from o.first_day) + 1
               as short
        from monitoring_outlet o
        join rule r on r.rule_set_version = ${version} and r.family = 'MONITORING_MISSING'
       where ${where('o.credit_code')} and o.first_day <= ${asOf}
    ), b as (
      select c.credit_code, c.outlet_code, c.code, c.points, c.ignores_window, greatest(coalesce(c.min_valid_hours, 0), 0) as h,
             greatest(c.first_day, ${from('c')}) as lo, c.last_day as hi
        from c where c.short
    ), s as (
      select b.credit_code, b.code, b.points, b.outlet_code, m.month, mon_day_mask(m.month, b.lo, b.hi) & ~${atLeast('valid_ge', 'b.h', 'reported')} as x, b.ignores_window
        from b join monitoring_outlet_month m on m.credit_code = b.credit_code and m.outlet_code = b.outlet_code
         and m.month >= date_trunc('month', b.lo) and m.month <= b.hi and m.full_valid < b.h
         -- the highest threshold of the version's rules, evaluated once: most months reach it and drop out before any join
         and m.full_valid < (select max(greatest(coalesce(r.min_valid_hours, 0), 0)) from rule r
                              where r.rule_set_version = ${version} and r.family = 'MONITORING_MISSING' and coalesce(r.min_valid_hours, 0) <= 24)
       where b.lo <= b.hi
    ), o as materialized (
      select m.credit_code, m.outlet_code, m.month, c.code, c.points, c.ignores_window,
             m.reported & mon_day_mask(m.month, '-infinity'::date, ${asOf}) as rep, ${atLeast('valid_ge', 'c.min_valid_hours', 'reported')} as good
        from c join monitoring_outlet_month m on m.credit_code = c.credit_code and m.outlet_code = c.outlet_code and m.month <= ${asOf}
       where not c.short
    ), w as (
      select o.credit_code, o.outlet_code, o.code, o.points, o.ignores_window,
             greatest(min(o.month + mon_low_bit(o.rep)), ${from('o')}) as lo, max(o.month + mon_high_bit(o.rep)) as hi
        from o where o.rep <> 0
       group by o.credit_code, o.outlet_code, o.code, o.points, o.ignores_window
    ), l as (
      select w.credit_code, w.code, w.points, w.outlet_code, g.month, mon_day_mask(g.month, w.lo, w.hi) & ~coalesce(o.good, 0) as x, w.ignores_window
        from w
       cross join lateral (select s::date as month from generate_series(date_trunc('month', w.lo), w.hi, interval '1 month') as s) g
        left join o on o.credit_code = w.credit_code and o.outlet_code = w.outlet_code and o.code = w.code and o.month = g.month
       where w.lo <= w.hi
    )
    insert into ${table} (${cols})
    select d.credit_code, d.code, d.points, d.outlet_code, null, d.month, d.x, mon_bit_count(d.x), d.month + mon_low_bit(d.x), not d.ignores_window, ${version}
      from (select * from s union all select * from l) d
     where d.x <> 0`;
  return { sql, values: params.values };
}
