import { Migration } from '@mikro-orm/migrations';

/** Hour thresholds the aggregates answer for exactly (a day's valid or exceed hours are 0–24). */
const HOURS = Array.from({ length: 24 }, (_, i) => i + 1);
export const KEY = ['credit_code', 'outlet_code', 'pollutant_code', 'month'];

/**
 * One month row per key of a set of `monitoring_day` rows `src`: the day bits
 * of its rows (`reported`) and, per threshold h = 1…24, of its rows with at
 * least h valid hours (`valid_ge[h]`) and at least h exceed hours (`exceed_ge[h]`).
 */
export function monthRows(src: string): string {
  const ge = (col: string) => `array[${HOURS.map((h) => `coalesce(bit_or(b) filter (where ${col} >= ${h}), 0)`).join(', ')}]`;
  return `select credit_code, outlet_code, pollutant_code, month, bit_or(b) as reported, ${ge('v')} as valid_ge, ${ge('e')} as exceed_ge
      from (select credit_code, outlet_code, pollutant_code, date_trunc('month', day)::date as month,
                   1 << (extract(day from day)::int - 1) as b, valid_hours as v, exceed_hours as e from ${src}) x
     group by ${KEY.join(', ')}`;
}

/** Element-wise `a[h] <op> b[h]` of two 24-element masks arrays. */
function each(a: string, op: string, b: string): string {
  return `array[${HOURS.map((h) => `${a}[${h}] ${op} ${b}[${h}]`).join(', ')}]`;
}

const sameKey = KEY.map((k) => `t.${k} = c.${k}`).join(' and ');

/** Adds the day bits of the rows of `src` (inserted or new versions). */
function setBits(src: string): string {
  return `insert into monitoring_month as t (${KEY.join(', ')}, reported, valid_ge, exceed_ge)
      select * from (${monthRows(src)}) c order by ${KEY.join(', ')}
      on conflict (${KEY.join(', ')}) do update set reported = t.reported | excluded.reported,
        valid_ge = ${each('t.valid_ge', '|', 'excluded.valid_ge')}, exceed_ge = ${each('t.exceed_ge', '|', 'excluded.exceed_ge')}`;
}

/** Clears the day bits of the rows of `src` (deleted or old versions); a month left without a day goes. */
function clearBits(src: string): string[] {
  return [
    `update monitoring_month t set reported = t.reported & ~c.reported,
        valid_ge = ${each('t.valid_ge', '& ~', 'c.valid_ge')}, exceed_ge = ${each('t.exceed_ge', '& ~', 'c.exceed_ge')}
       from (${monthRows(src)}) c where ${sameKey}`,
    `delete from monitoring_month t using (select distinct credit_code, outlet_code, pollutant_code, date_trunc('month', day)::date as month from ${src}) c
      where ${sameKey} and t.reported = 0`,
  ];
}

/**
 * Issue 16: `MON_EXCEED` and `MON_MISSING` over a 1,095-day window derived
 * from maintained month aggregates instead of every daily row.
 *
 * - `monitoring_month`: per enterprise, outlet, pollutant and month, the days
 *   as bit masks (bit i = day i + 1 of the month): `reported` (a row exists),
 *   `valid_ge[h]` (valid hours ≥ h) and `exceed_ge[h]` (exceed hours ≥ h),
 *   h = 1…24 — so any rule set's thresholds are answered exactly, and the edges
 *   of the window are a mask, not a read of the days. About one row per 30
 *   daily rows.
 * - Kept exact by the flow that writes the days: statement triggers on
 *   `monitoring_day` with transition tables, one set-based statement per
 *   written statement, in its transaction (ingest's page upsert, the gateway's
 *   provisional summaries, deletes): inserted rows set their bits, an update
 *   clears the old version's bits and sets the new one's, a delete clears.
 *   A key's day has one row, so clearing then setting is exact.
 * - `deduction_month`: the materialised monitoring deductions, one row per
 *   enterprise, rule, outlet (and pollutant for `MON_EXCEED`) and month with
 *   the deduction days as a mask and their count; `points` is per day. The
 *   other families stay one row per deduction in `deduction_row` (the table
 *   formerly named `deduction`); the view `deduction` lists every deduction one
 *   row per day as before (monitoring days expanded from the masks).
 * - `mon_day_mask`, `mon_bit_count`, `mon_low_bit`, `mon_high_bit`: inlinable
 *   helpers of the mask arithmetic.
 */
export class Migration20261201170000MonitoringMonthAggregates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function mon_day_mask(month date, lo date, hi date) returns integer language sql immutable parallel safe as $fn$
      select case when least(hi, (month + interval '1 month')::date - 1) < greatest(lo, month) then 0
             else ((1::bigint << (least(hi, (month + interval '1 month')::date - 1) - month + 1)) - (1::bigint << (greatest(lo, month) - month)))::int end
    $fn$`);
    this.addSql(`create function mon_bit_count(x integer) returns integer language sql immutable parallel safe as $fn$ select bit_count(x::bit(32))::int $fn$`);
    this.addSql(
      `create function mon_low_bit(x integer) returns integer language sql immutable parallel safe as $fn$ select bit_count(((x & -x) - 1)::bit(32))::int $fn$`,
    );
    this.addSql(
      `create function mon_high_bit(x integer) returns integer language sql immutable parallel safe as $fn$ select 32 - position('1' in x::bit(32)::text) $fn$`,
    );

    this.addSql(`create table monitoring_month (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      month date not null,
      reported integer not null,
      valid_ge integer[] not null,
      exceed_ge integer[] not null,
      primary key (credit_code, outlet_code, pollutant_code, month)
    )`);
    this.addSql(`insert into monitoring_month select * from (${monthRows('monitoring_day')}) c order by ${KEY.join(', ')}`);

    this.addSql(`create function monitoring_month_on_insert() returns trigger language plpgsql as $fn$
      begin ${setBits('month_new')}; return null; end $fn$`);
    this.addSql(`create function monitoring_month_on_update() returns trigger language plpgsql as $fn$
      begin ${clearBits('month_old').join('; ')}; ${setBits('month_new')}; return null; end $fn$`);
    this.addSql(`create function monitoring_month_on_delete() returns trigger language plpgsql as $fn$
      begin ${clearBits('month_old').join('; ')}; return null; end $fn$`);
    const triggers = [
      ['ins', 'insert', 'new table as month_new', 'insert'],
      ['upd', 'update', 'old table as month_old new table as month_new', 'update'],
      ['del', 'delete', 'old table as month_old', 'delete'],
    ];
    for (const [name, event, transition, fn] of triggers)
      this.addSql(`create trigger monitoring_month_${name} after ${event} on monitoring_day referencing ${transition} for each statement execute function monitoring_month_on_${fn}()`);

    this.addSql(`alter table deduction rename to deduction_row`);
    this.addSql(`alter index deduction_enterprise_idx rename to deduction_row_enterprise_idx`);
    this.addSql(`alter index deduction_window_idx rename to deduction_row_window_idx`);
    // points: per day; days: the month's deduction days as a mask, day_count of them; first_day: the earliest (leaves the window first).
    this.addSql(`create table deduction_month (
      credit_code text not null, rule_code text not null, points integer not null, outlet_code text not null, pollutant_code text,
      month date not null, days integer not null, day_count integer not null, first_day date not null, in_window boolean not null,
      rule_set_version text not null
    )`);
    this.addSql(`create index deduction_month_enterprise_idx on deduction_month (credit_code)`);
    this.addSql(`create index deduction_month_window_idx on deduction_month (first_day) where in_window`);
    // The stored monitoring deductions, grouped: record ids are outlet/pollutant/date (MON_EXCEED) or outlet/date (MON_MISSING).
    this.addSql(`insert into deduction_month (credit_code, rule_code, points, outlet_code, pollutant_code, month, days, day_count, first_day, in_window, rule_set_version)
      select credit_code, rule_code, points, outlet_code, pollutant_code, date_trunc('month', event_date)::date, bit_or(1 << (extract(day from event_date)::int - 1)),
             count(*), min(event_date), in_window, rule_set_version
        from (select d.*, case when r.family = 'MONITORING_EXCEED' then regexp_replace(left(d.record_id, -11), '/[^/]*$', '') else left(d.record_id, -11) end as outlet_code,
                     case when r.family = 'MONITORING_EXCEED' then substring(left(d.record_id, -11) from '[^/]*$') end as pollutant_code
                from deduction_row d join rule r on r.rule_set_version = d.rule_set_version and r.code = d.rule_code
               where d.system = 'monitoring') x
       group by credit_code, rule_code, points, outlet_code, pollutant_code, date_trunc('month', event_date), in_window, rule_set_version`);
    this.addSql(`delete from deduction_row where system = 'monitoring'`);
    this.addSql(`create view deduction as
      select credit_code, rule_code, points, event_date, system, record_id, in_window, rule_set_version from deduction_row
      union all
      select g.credit_code, g.rule_code, g.points, g.month + i, 'monitoring'::text,
             g.outlet_code || coalesce('/' || g.pollutant_code, '') || '/' || to_char(g.month + i, 'YYYY-MM-DD'), g.in_window, g.rule_set_version
        from deduction_month g cross join lateral generate_series(0, 30) as i
       where g.days & (1 << i) <> 0`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop view deduction`);
    this.addSql(`insert into deduction_row (credit_code, rule_code, points, event_date, system, record_id, in_window, rule_set_version)
      select g.credit_code, g.rule_code, g.points, g.month + i, 'monitoring',
             g.outlet_code || coalesce('/' || g.pollutant_code, '') || '/' || to_char(g.month + i, 'YYYY-MM-DD'), g.in_window, g.rule_set_version
        from deduction_month g cross join lateral generate_series(0, 30) as i where g.days & (1 << i) <> 0`);
    this.addSql(`drop table deduction_month`);
    this.addSql(`alter table deduction_row rename to deduction`);
    this.addSql(`alter index deduction_row_enterprise_idx rename to deduction_enterprise_idx`);
    this.addSql(`alter index deduction_row_window_idx rename to deduction_window_idx`);
    for (const t of ['ins', 'upd', 'del']) this.addSql(`drop trigger monitoring_month_${t} on monitoring_day`);
    for (const f of ['insert', 'update', 'delete']) this.addSql(`drop function monitoring_month_on_${f}()`);
    this.addSql(`drop table monitoring_month`);
    for (const f of ['mon_day_mask(date, date, date)', 'mon_bit_count(integer)', 'mon_low_bit(integer)', 'mon_high_bit(integer)']) this.addSql(`drop function ${f}`);
  }
}
