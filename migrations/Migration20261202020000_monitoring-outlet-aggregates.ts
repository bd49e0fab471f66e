import { Migration } from '@mikro-orm/migrations';

/** Hour thresholds the masks answer for exactly (a day's valid or exceed hours are 0–24). */
const HOURS = Array.from({ length: 24 }, (_, i) => i + 1);

/** `array[f(1), …, f(24)]`. */
const perHour = (f: (h: number) => string) => `array[${HOURS.map(f).join(', ')}]`;

/** The day rows of `src` with their month and day bit. */
const dayBits = (src: string, cols: string) =>
  `select ${cols}, date_trunc('month', day)::date as month, 1 << (extract(day from day)::int - 1) as b from ${src}`;

const OUTLET_KEY = 'credit_code, outlet_code, month';
const EXCEED_KEY = 'credit_code, outlet_code, pollutant_code, month';

/**
 * Sets the day bits of the rows of `src` (inserted rows or new versions) in
 * `monitoring_outlet_month`: a row can only raise its outlet-day's best valid
 * hours, so OR-ing its bits in is exact. Then widens the outlets' extents in
 * `monitoring_outlet` (a month row the upsert created adds one to `months`).
 */
function outletSetBits(src: string): string {
  return `with ins as (
      insert into monitoring_outlet_month as t (${OUTLET_KEY}, reported, valid_ge)
      select credit_code, outlet_code, month, bit_or(b), ${perHour((h) => `coalesce(bit_or(b) filter (where v >= ${h}), 0)`)}
        from (${dayBits(src, 'credit_code, outlet_code, valid_hours as v')}) x
       group by ${OUTLET_KEY} order by ${OUTLET_KEY}
      on conflict (${OUTLET_KEY}) do update set reported = t.reported | excluded.reported,
        valid_ge = ${perHour((h) => `t.valid_ge[${h}] | excluded.valid_ge[${h}]`)}
       where t.reported | excluded.reported <> t.reported or ${HOURS.map((h) => `t.valid_ge[${h}] | excluded.valid_ge[${h}] <> t.valid_ge[${h}]`).join(' or ')}
      returning credit_code, outlet_code, month, reported, xmax = 0 as created)
    insert into monitoring_outlet as o (credit_code, outlet_code, first_day, last_day, months)
    select credit_code, outlet_code, min(month + mon_low_bit(reported)), max(month + mon_high_bit(reported)), count(*) filter (where created)
      from ins group by credit_code, outlet_code order by credit_code, outlet_code
    on conflict (credit_code, outlet_code) do update set first_day = least(o.first_day, excluded.first_day),
      last_day = greatest(o.last_day, excluded.last_day), months = o.months + excluded.months
     where excluded.first_day < o.first_day or excluded.last_day > o.last_day or excluded.months <> 0`;
}

/**
 * Sets the extents in `monitoring_outlet` of the outlets `keys` (a subquery of
 * credit_code, outlet_code) from their month rows in `monitoring_outlet_month`,
 * as they stand: an outlet left without a month goes.
 */
export function outletExtentsOf(keys: string): string {
  return `with s as (select k.credit_code, k.outlet_code, min(m.month + mon_low_bit(m.reported)) as first_day,
                       max(m.month + mon_high_bit(m.reported)) as last_day, count(m.month)::int as months
                  from ${keys} k
                  left join monitoring_outlet_month m on m.credit_code = k.credit_code and m.outlet_code = k.outlet_code
                 group by k.credit_code, k.outlet_code),
          gone as (delete from monitoring_outlet o using s where o.credit_code = s.credit_code and o.outlet_code = s.outlet_code and s.months = 0)
     insert into monitoring_outlet as o (credit_code, outlet_code, first_day, last_day, months)
     select credit_code, outlet_code, first_day, last_day, months from s where months > 0 order by credit_code, outlet_code
     on conflict (credit_code, outlet_code) do update set first_day = excluded.first_day, last_day = excluded.last_day, months = excluded.months
      where (o.first_day, o.last_day, o.months) is distinct from (excluded.first_day, excluded.last_day, excluded.months)`;
}

/** The `monitoring_outlet_month` rows of the `monitoring_month` rows matching `where` (none: all), OR-ed over the outlet's pollutants. */
export function outletMonthsFromMonthRows(where = ''): string {
  return `insert into monitoring_outlet_month (${OUTLET_KEY}, reported, valid_ge)
      select credit_code, outlet_code, month, bit_or(reported), ${perHour((h) => `bit_or(valid_ge[${h}])`)}
        from monitoring_month${where ? ` where ${where}` : ''} group by ${OUTLET_KEY} order by ${OUTLET_KEY}`;
}

/** The `monitoring_exceed_month` rows of the `monitoring_month` rows matching `where` (none: all) that have an exceedance day. */
export function exceedMonthsFromMonthRows(where = ''): string {
  return `insert into monitoring_exceed_month (${EXCEED_KEY}, exceed_ge)
      select ${EXCEED_KEY}, exceed_ge from monitoring_month where ${where ? `${where} and ` : ''}exceed_ge[1] <> 0 order by ${EXCEED_KEY}`;
}

/**
 * Recomputes, from `monitoring_day` as the statement left it, the outlet-days
 * of the rows of `src` (deleted rows or old versions): whether the outlet has
 * a row that day and its best valid hours. A month left without a day goes;
 * the extents of the outlets are read again from their month rows.
 */
function outletRecompute(src: string): string[] {
  return [
    `with k as (select distinct credit_code, outlet_code, day from ${src}),
      d as (select k.credit_code, k.outlet_code, date_trunc('month', k.day)::date as month, 1 << (extract(day from k.day)::int - 1) as b, x.n, x.v
              from k cross join lateral (select count(*) as n, max(m.valid_hours) as v from monitoring_day m
                                          where m.credit_code = k.credit_code and m.outlet_code = k.outlet_code and m.day = k.day) x),
      g as (select ${OUTLET_KEY}, bit_or(b) as touched, coalesce(bit_or(b) filter (where n > 0), 0) as rep,
                   ${perHour((h) => `coalesce(bit_or(b) filter (where v >= ${h}), 0)`)} as ge
              from d group by ${OUTLET_KEY})
    update monitoring_outlet_month t set reported = (t.reported & ~g.touched) | g.rep,
           valid_ge = ${perHour((h) => `(t.valid_ge[${h}] & ~g.touched) | g.ge[${h}]`)}
      from g where t.credit_code = g.credit_code and t.outlet_code = g.outlet_code and t.month = g.month`,
    `delete from monitoring_outlet_month t using (select distinct ${OUTLET_KEY} from (${dayBits(src, 'credit_code, outlet_code')}) x) k
      where t.credit_code = k.credit_code and t.outlet_code = k.outlet_code and t.month = k.month and t.reported = 0`,
    outletExtentsOf(`(select distinct credit_code, outlet_code from ${src})`),
  ];
}

/** Sets the exceedance bits of the rows of `src` that exceeded for at least an hour (a key's day has one row: exact). */
function exceedSetBits(src: string): string {
  return `insert into monitoring_exceed_month as t (${EXCEED_KEY}, exceed_ge)
      select ${EXCEED_KEY}, ${perHour((h) => `coalesce(bit_or(b) filter (where e >= ${h}), 0)`)}
        from (${dayBits(src, 'credit_code, outlet_code, pollutant_code, exceed_hours as e')}) x
       where e >= 1
       group by ${EXCEED_KEY} order by ${EXCEED_KEY}
      on conflict (${EXCEED_KEY}) do update set exceed_ge = ${perHour((h) => `t.exceed_ge[${h}] | excluded.exceed_ge[${h}]`)}`;
}

/** Clears the exceedance bits of the rows of `src` (deleted rows or old versions); a month left without one goes. */
function exceedClearBits(src: string): string[] {
  const same = (a: string) => `t.credit_code = ${a}.credit_code and t.outlet_code = ${a}.outlet_code and t.pollutant_code = ${a}.pollutant_code and t.month = ${a}.month`;
  return [
    `update monitoring_exceed_month t set exceed_ge = ${perHour((h) => `t.exceed_ge[${h}] & ~c.ge[${h}]`)}
       from (select ${EXCEED_KEY}, ${perHour((h) => `coalesce(bit_or(b) filter (where e >= ${h}), 0)`)} as ge
               from (${dayBits(src, 'credit_code, outlet_code, pollutant_code, exceed_hours as e')}) x
              where e >= 1 group by ${EXCEED_KEY}) c
      where ${same('c')}`,
    `delete from monitoring_exceed_month t using (select distinct ${EXCEED_KEY} from (${dayBits(src, 'credit_code, outlet_code, pollutant_code, exceed_hours')}) x
                                                  where exceed_hours >= 1) c
      where ${same('c')} and t.exceed_ge[1] = 0`,
  ];
}

/**
 * Issue 16, rescoring over three years: aggregates that let `MON_MISSING`
 * and `MON_EXCEED` visit only the months that deduct, beside
 * `monitoring_month` (which stays the per-pollutant record of every day).
 *
 * - `monitoring_outlet_month`: per enterprise, outlet and month, the OR over
 *   the outlet's pollutants of the day bits — `reported` (the outlet has a
 *   row that day) and `valid_ge[h]` (some row has ≥ h valid hours) — and
 *   `full_valid`, generated: −1 when some day of the month has no row, else
 *   the highest h (0–24) whose mask is the whole month. A month whose
 *   `full_valid` reaches a rule's threshold has no missing day whatever the
 *   window's edges, so `MON_MISSING` derives only the others.
 * - `monitoring_outlet`: per outlet, its first and last reported dates and
 *   how many months it has rows in — an outlet without a gap month (the
 *   count equals the calendar months between them) needs no walk of its
 *   months to find the months without rows.
 * - `monitoring_exceed_month`: per outlet, pollutant and month with at least
 *   one day of an hour or more exceeded, `exceed_ge[h]` (days with ≥ h exceed
 *   hours) — a few per cent of the month rows, what `MON_EXCEED` reads.
 *
 * Kept exact by statement triggers on `monitoring_day` of their own (after
 * monitoring_month's, which they do not read): inserted rows and new versions
 * OR their bits in; for deleted rows and old versions the outlet-days are
 * read again from `monitoring_day` (index `monitoring_day_outlet_day_idx`),
 * and the exceedance bits cleared (one row per key and day).
 */
export class Migration20261202020000MonitoringOutletAggregates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function mon_full_valid(month date, reported integer, valid_ge integer[]) returns smallint
      language sql immutable parallel safe as $fn$
      select case when reported <> mon_day_mask(month, month, (month + interval '1 month')::date - 1) then -1
             else (select count(*) from unnest(valid_ge) v where v = reported) end::smallint
    $fn$`);
    this.addSql(`create table monitoring_outlet_month (
      credit_code text not null,
      outlet_code text not null,
      month date not null,
      reported integer not null,
      valid_ge integer[] not null,
      full_valid smallint generated always as (mon_full_valid(month, reported, valid_ge)) stored,
      primary key (credit_code, outlet_code, month)
    )`);
    this.addSql(`create table monitoring_outlet (
      credit_code text not null,
      outlet_code text not null,
      first_day date not null,
      last_day date not null,
      months integer not null,
      primary key (credit_code, outlet_code)
    )`);
    this.addSql(`create table monitoring_exceed_month (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      month date not null,
      exceed_ge integer[] not null,
      primary key (credit_code, outlet_code, pollutant_code, month)
    )`);
    this.addSql(outletMonthsFromMonthRows());
    this.addSql(`insert into monitoring_outlet (credit_code, outlet_code, first_day, last_day, months)
      select credit_code, outlet_code, min(month + mon_low_bit(reported)), max(month + mon_high_bit(reported)), count(*)
        from monitoring_outlet_month group by credit_code, outlet_code order by credit_code, outlet_code`);
    this.addSql(exceedMonthsFromMonthRows());

    this.addSql(`create function monitoring_outlet_on_insert() returns trigger language plpgsql as $fn$
      begin ${outletSetBits('outlet_new')}; ${exceedSetBits('outlet_new')}; return null; end $fn$`);
    // New versions first (OR), then the old versions' outlet-days read again: exact whichever way the hours moved.
    this.addSql(`create function monitoring_outlet_on_update() returns trigger language plpgsql as $fn$
      begin ${outletSetBits('outlet_new')}; ${outletRecompute('outlet_old').join('; ')};
            ${exceedClearBits('outlet_old').join('; ')}; ${exceedSetBits('outlet_new')}; return null; end $fn$`);
    this.addSql(`create function monitoring_outlet_on_delete() returns trigger language plpgsql as $fn$
      begin ${outletRecompute('outlet_old').join('; ')}; ${exceedClearBits('outlet_old').join('; ')}; return null; end $fn$`);
    const triggers = [
      ['ins', 'insert', 'new table as outlet_new', 'insert'],
      ['upd', 'update', 'old table as outlet_old new table as outlet_new', 'update'],
      ['del', 'delete', 'old table as outlet_old', 'delete'],
    ];
    for (const [name, event, transition, fn] of triggers)
      this.addSql(
        `create trigger monitoring_outlet_${name} after ${event} on monitoring_day referencing ${transition} for each statement execute function monitoring_outlet_on_${fn}()`,
      );
    this.addSql(`analyze monitoring_outlet_month`);
    this.addSql(`analyze monitoring_outlet`);
    this.addSql(`analyze monitoring_exceed_month`);
  }

  override async down(): Promise<void> {
    for (const t of ['ins', 'upd', 'del']) this.addSql(`drop trigger monitoring_outlet_${t} on monitoring_day`);
    for (const f of ['insert', 'update', 'delete']) this.addSql(`drop function monitoring_outlet_on_${f}()`);
    this.addSql(`drop table monitoring_exceed_month`);
    this.addSql(`drop table monitoring_outlet`);
    this.addSql(`drop table monitoring_outlet_month`);
    this.addSql(`drop function mon_full_valid(date, integer, integer[])`);
  }
}
