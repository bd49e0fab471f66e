import { Migration } from '@mikro-orm/migrations';
import { KEY, monthRows } from './Migration20261201170000_monitoring-month-aggregates';
import { exceedMonthsFromMonthRows, outletExtentsOf, outletMonthsFromMonthRows } from './Migration20261202020000_monitoring-outlet-aggregates';

/** The advisory lock class of the month folds; the key is the month (`year * 12 + month`). */
const LOCK = `hashtext('monitoring_fold')`;
const monthKey = (d: string) => `(extract(year from ${d})::int * 12 + extract(month from ${d})::int)`;

/** The aggregate triggers of `monitoring_day` (migrations monitoring-month-aggregates and monitoring-outlet-aggregates). */
const AGGREGATE_TRIGGERS = [
  ['monitoring_month_ins', 'insert', 'new table as month_new', 'monitoring_month_on_insert'],
  ['monitoring_month_upd', 'update', 'old table as month_old new table as month_new', 'monitoring_month_on_update'],
  ['monitoring_month_del', 'delete', 'old table as month_old', 'monitoring_month_on_delete'],
  ['monitoring_outlet_ins', 'insert', 'new table as outlet_new', 'monitoring_outlet_on_insert'],
  ['monitoring_outlet_upd', 'update', 'old table as outlet_old new table as outlet_new', 'monitoring_outlet_on_update'],
  ['monitoring_outlet_del', 'delete', 'old table as outlet_old', 'monitoring_outlet_on_delete'],
];

/** The body of a mark trigger over the day rows `src` (a transition table, or a union of two). */
function markBody(src: string): string {
  // `src` is a table name or an aliased subquery: every use below reads it in a FROM of its own.
  return `begin
      perform pg_advisory_xact_lock_shared(${LOCK}, k) from (select distinct ${monthKey('day')} as k from ${src}) s order by k;
      if mon_aggregates_deferred() then
        insert into monitoring_fold_pending (month)
        select distinct date_trunc('month', day)::date from ${src} order by 1 on conflict do nothing;
        update monitoring_fold_pending p set folded = false
          from (select distinct date_trunc('month', day)::date as m from ${src}) s where p.month = s.m and p.folded;
      end if;
      return null;
    end`;
}

/**
 * Issue 16, a three-year backfill at the speed of a COPY: the month
 * aggregates of `monitoring_day` (`monitoring_month`, `monitoring_outlet_month`,
 * `monitoring_exceed_month`, `monitoring_outlet`) are folded once per month
 * at the end of a bulk run instead of being updated by every page.
 *
 * At 52,000 enterprises a 5,000-row page holds a third of one date, so each
 * month row was updated once for every page that wrote a day of its month —
 * some thirty times — and the triggers doing it were the largest part of a
 * three-year sync. A bare COPY pays the same aggregation once, in one
 * statement over all its rows.
 *
 * - A transaction that sets `hub.monitoring_aggregates = 'deferred'` (`SET
 *   LOCAL`; ingest does it for the pages of a run that reads back a long
 *   history) writes days without touching the aggregates: the aggregate
 *   triggers have `WHEN (not mon_aggregates_deferred())`, and the mark
 *   triggers `monitoring_fold_*` record the months written in
 *   `monitoring_fold_pending`.
 * - `monitoring_fold_month(m)` rebuilds the month's rows of the three month
 *   tables from its days, set-based, and marks the month `folded`;
 *   `monitoring_fold_outlets()` then recomputes the extents of the outlets
 *   the folded months can have moved and removes the folded months from the
 *   queue. A month stays queued until both have committed, so a crash
 *   between them is folded again by the next call.
 * - Every write of days takes, per month it writes, a shared advisory lock
 *   (the mark triggers fire before the aggregate triggers, by name); a fold
 *   takes its month's lock exclusively. So a fold waits for the writes of its
 *   month in flight and the next ones wait for it: the gateway's provisional
 *   summaries, written in immediate mode meanwhile, are never lost.
 * - A month index on each month table, so a fold finds its month's rows.
 *
 * Nothing changes for a transaction that does not set the mode: the
 * triggers keep the aggregates exact statement by statement, as before.
 */
export class Migration20261202040000MonitoringDeferredFold extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table monitoring_fold_pending (
      month date primary key,
      folded boolean not null default false,
      marked_at timestamptz not null default now()
    )`);
    this.addSql(`create function mon_aggregates_deferred() returns boolean language sql stable as $fn$
      select coalesce(current_setting('hub.monitoring_aggregates', true), '') = 'deferred'
    $fn$`);
    this.addSql(`create function monitoring_fold_mark_new() returns trigger language plpgsql as $fn$ ${markBody('fold_new')} $fn$`);
    this.addSql(`create function monitoring_fold_mark_old() returns trigger language plpgsql as $fn$ ${markBody('fold_old')} $fn$`);
    this.addSql(
      `create function monitoring_fold_mark_both() returns trigger language plpgsql as $fn$ ${markBody('(select day from fold_old union all select day from fold_new) u')} $fn$`,
    );
    for (const [name, event, transition, fn] of [
      ['ins', 'insert', 'new table as fold_new', 'new'],
      ['upd', 'update', 'old table as fold_old new table as fold_new', 'both'],
      ['del', 'delete', 'old table as fold_old', 'old'],
    ])
      this.addSql(
        `create trigger monitoring_fold_${name} after ${event} on monitoring_day referencing ${transition} for each statement execute function monitoring_fold_mark_${fn}()`,
      );
    for (const [name, event, transition, fn] of AGGREGATE_TRIGGERS) {
      this.addSql(`drop trigger ${name} on monitoring_day`);
      this.addSql(
        `create trigger ${name} after ${event} on monitoring_day referencing ${transition} for each statement when (not mon_aggregates_deferred()) execute function ${fn}()`,
      );
    }
    for (const t of ['monitoring_month', 'monitoring_outlet_month', 'monitoring_exceed_month']) this.addSql(`create index ${t}_month_idx on ${t} (month)`);

    // The month's days (its partition): `monthRows` reads them after its FROM.
    const days = `monitoring_day where day >= m and day < (m + interval '1 month')::date`;
    this.addSql(`create function monitoring_fold_month(m date) returns integer language plpgsql as $fn$
      declare n integer;
      begin
        perform pg_advisory_xact_lock(${LOCK}, ${monthKey('m')});
        -- One month of a province's days is sorted and grouped at once.
        perform set_config('work_mem', '256MB', true);
        delete from monitoring_month where month = m;
        insert into monitoring_month select * from (${monthRows(days)}) c order by ${KEY.join(', ')};
        get diagnostics n = row_count;
        delete from monitoring_outlet_month where month = m;
        ${outletMonthsFromMonthRows('month = m')};
        delete from monitoring_exceed_month where month = m;
        ${exceedMonthsFromMonthRows('month = m')};
        update monitoring_fold_pending set folded = true where month = m;
        return n;
      end $fn$`);
    this.addSql(`create function monitoring_fold_outlets() returns integer language plpgsql as $fn$
      declare lo date; hi date; n integer;
      begin
        -- Immediate writers widen extents meanwhile: they wait (row exclusive) until this commits.
        lock table monitoring_outlet in share row exclusive mode;
        with done as (delete from monitoring_fold_pending where folded returning month) select min(month), max(month) into lo, hi from done;
        if lo is null then return 0; end if;
        -- The outlets with a month in the folded range, and those whose extent overlaps it (a month of theirs may have gone).
        ${outletExtentsOf(`(select credit_code, outlet_code from monitoring_outlet_month where month between lo and hi
                            union
                            select credit_code, outlet_code from monitoring_outlet where first_day < (hi + interval '1 month')::date and last_day >= lo)`)};
        get diagnostics n = row_count;
        return n;
      end $fn$`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function monitoring_fold_outlets()`);
    this.addSql(`drop function monitoring_fold_month(date)`);
    for (const t of ['monitoring_month', 'monitoring_outlet_month', 'monitoring_exceed_month']) this.addSql(`drop index ${t}_month_idx`);
    for (const [name, event, transition, fn] of AGGREGATE_TRIGGERS) {
      this.addSql(`drop trigger ${name} on monitoring_day`);
      this.addSql(`create trigger ${name} after ${event} on monitoring_day referencing ${transition} for each statement execute function ${fn}()`);
    }
    for (const t of ['ins', 'upd', 'del']) this.addSql(`drop trigger monitoring_fold_${t} on monitoring_day`);
    for (const f of ['new', 'old', 'both']) this.addSql(`drop function monitoring_fold_mark_${f}()`);
    this.addSql(`drop function mon_aggregates_deferred()`);
    this.addSql(`drop table monitoring_fold_pending`);
  }
}
