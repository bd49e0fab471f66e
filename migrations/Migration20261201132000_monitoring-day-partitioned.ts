import { Migration } from '@mikro-orm/migrations';

/** Columns of `monitoring_day`, in table order (kept: the gateway and ingest write them by name). */
const COLUMNS = [
  'credit_code',
  'outlet_code',
  'pollutant_code',
  'day',
  'valid_hours',
  'exceed_hours',
  'daily_mean',
  'limit_value',
  'unit',
  'recorded_at',
  'provisional',
].join(', ');

/**
 * `monitoring_day` becomes a table partitioned by month of `day` (native
 * declarative range partitioning): three years of daily summaries of a
 * province are about 70 million rows, and a month partition keeps each
 * index small enough to stay cached, lets date-bounded reads (detectors, the
 * steady daily sync, per-enterprise charts) touch only their months, and lets
 * old months be detached whole.
 *
 * - Same columns, names and primary key `(credit_code, outlet_code,
 *   pollutant_code, day)` (the key contains the partition column), so ingest's
 *   `insert … on conflict` and the gateway's provisional writes are unchanged;
 *   the existing rows are copied over.
 * - Indexes (created on the parent, so every partition gets them): the key
 *   (per-enterprise reads and MON_EXCEED by enterprise), `(credit_code,
 *   outlet_code, day) include (valid_hours)` (MON_MISSING's walk of each
 *   outlet's days, index-only), `(day)` (the detectors' last days, the
 *   rescore-due check).
 * - `monitoring_day_ensure_partitions(from, to)`: creates the month
 *   partitions covering `from` … `to` that are missing and returns how many it
 *   created; safe when two processes run it at once. The hub calls it when it
 *   opens (the window of the active rule set through the coming months),
 *   before it writes rows of a month it has not seen, and from a daily task.
 *   No default partition: a row of a month without a partition fails loudly
 *   instead of landing in a catch-all that would block creating that month.
 * - Triggers as before (score and derive marks with transition tables on the
 *   parent; the gateway's authority check). The version-keeping row trigger
 *   fires on a partition, whose name is not the table's, so
 *   `monitoring_day_keep_version()` writes `record_history.system =
 *   'monitoring_day'` itself (as-of reports look versions up by that name).
 */
export class Migration20261201132000MonitoringDayPartitioned extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table monitoring_day_by_month (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      day date not null,
      valid_hours smallint not null check (valid_hours between 0 and 24),
      exceed_hours smallint not null check (exceed_hours between 0 and 24),
      daily_mean double precision,
      limit_value double precision,
      unit text,
      recorded_at timestamptz not null default now(),
      provisional boolean not null default false,
      constraint monitoring_day_by_month_pkey primary key (credit_code, outlet_code, pollutant_code, day)
    ) partition by range (day)`);
    this.addSql(`alter table monitoring_day rename to monitoring_day_unpartitioned`);
    this.addSql(`alter table monitoring_day_by_month rename to monitoring_day`);

    this.addSql(`create function monitoring_day_ensure_partitions(from_day date, to_day date) returns integer language plpgsql as $fn$
      declare
        m date := date_trunc('month', from_day)::date;
        created integer := 0;
        name text;
      begin
        while m <= to_day loop
          name := 'monitoring_day_p' || to_char(m, 'YYYYMM');
          if to_regclass(name) is null then
            begin
              execute format('create table %I partition of monitoring_day for values from (%L) to (%L)', name, m, (m + interval '1 month')::date);
              created := created + 1;
            exception when duplicate_table or unique_violation then
              -- Another process created it at the same moment.
              null;
            end;
          end if;
          m := (m + interval '1 month')::date;
        end loop;
        return created;
      end $fn$`);

    // Months of the rows already stored, and the window of the default rule set through two months ahead.
    this.addSql(`select monitoring_day_ensure_partitions(
        least(coalesce((select min(day) from monitoring_day_unpartitioned), current_date), current_date - 1130),
        greatest(coalesce((select max(day) from monitoring_day_unpartitioned), current_date), current_date + 62))`);
    this.addSql(`insert into monitoring_day (${COLUMNS}) select ${COLUMNS} from monitoring_day_unpartitioned`);
    this.addSql(`drop table monitoring_day_unpartitioned`);
    this.addSql(`alter table monitoring_day rename constraint monitoring_day_by_month_pkey to monitoring_day_pkey`);

    this.addSql(`create index monitoring_day_day_idx on monitoring_day (day)`);
    this.addSql(`create index monitoring_day_outlet_day_idx on monitoring_day (credit_code, outlet_code, day) include (valid_hours)`);

    // Score marks and derive marks: statement triggers with transition tables, on the parent.
    this.addSql(
      `create trigger monitoring_day_dirty_ins after insert on monitoring_day referencing new table as dirty_new for each statement execute function score_mark_new()`,
    );
    this.addSql(
      `create trigger monitoring_day_dirty_upd after update on monitoring_day referencing old table as dirty_old new table as dirty_new for each statement execute function score_mark_both()`,
    );
    this.addSql(
      `create trigger monitoring_day_dirty_del after delete on monitoring_day referencing old table as dirty_old for each statement execute function score_mark_old()`,
    );
    this.addSql(
      `create trigger monitoring_day_derive_ins after insert on monitoring_day referencing new table as derive_new for each statement execute function derive_mark_new()`,
    );
    this.addSql(
      `create trigger monitoring_day_derive_upd after update on monitoring_day referencing old table as derive_old new table as derive_new for each statement execute function derive_mark_both()`,
    );
    this.addSql(
      `create trigger monitoring_day_derive_del after delete on monitoring_day referencing old table as derive_old for each statement execute function derive_mark_old()`,
    );

    // Versions: as record_keep_version(), under the table's name rather than the partition's.
    this.addSql(`create function monitoring_day_keep_version() returns trigger language plpgsql as $fn$
      begin
        if tg_op = 'UPDATE' then
          if (to_jsonb(new) - 'recorded_at') = (to_jsonb(old) - 'recorded_at') then
            return new;
          end if;
          insert into record_history (system, credit_code, row, known_from, known_to)
          values ('monitoring_day', old.credit_code, to_jsonb(old), old.recorded_at, now());
          new.recorded_at := now();
          return new;
        end if;
        insert into record_history (system, credit_code, row, known_from, known_to)
        values ('monitoring_day', old.credit_code, to_jsonb(old), old.recorded_at, now());
        return old;
      end $fn$`);
    // Row triggers fire by name: the gateway's authority check before the version is kept, as before.
    this.addSql(
      `create trigger monitoring_day_authority before insert or update on monitoring_day for each row execute function monitoring_day_authority()`,
    );
    this.addSql(
      `create trigger monitoring_day_keep_version before update or delete on monitoring_day for each row execute function monitoring_day_keep_version()`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`create table monitoring_day_flat (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      day date not null,
      valid_hours smallint not null check (valid_hours between 0 and 24),
      exceed_hours smallint not null check (exceed_hours between 0 and 24),
      daily_mean double precision,
      limit_value double precision,
      unit text,
      recorded_at timestamptz not null default now(),
      provisional boolean not null default false,
      constraint monitoring_day_flat_pkey primary key (credit_code, outlet_code, pollutant_code, day)
    )`);
    this.addSql(`insert into monitoring_day_flat (${COLUMNS}) select ${COLUMNS} from monitoring_day`);
    this.addSql(`drop table monitoring_day`);
    this.addSql(`drop function if exists monitoring_day_keep_version()`);
    this.addSql(`drop function if exists monitoring_day_ensure_partitions(date, date)`);
    this.addSql(`alter table monitoring_day_flat rename to monitoring_day`);
    this.addSql(`alter table monitoring_day rename constraint monitoring_day_flat_pkey to monitoring_day_pkey`);
    this.addSql(`create index monitoring_day_day_idx on monitoring_day (day)`);
    this.addSql(`create index monitoring_day_outlet_day_idx on monitoring_day (credit_code, outlet_code, day) include (valid_hours)`);
    for (const [s, ev, ref, fn] of [
      ['ins', 'insert', 'new table as dirty_new', 'score_mark_new'],
      ['upd', 'update', 'old table as dirty_old new table as dirty_new', 'score_mark_both'],
      ['del', 'delete', 'old table as dirty_old', 'score_mark_old'],
    ]) {
      this.addSql(`create trigger monitoring_day_dirty_${s} after ${ev} on monitoring_day referencing ${ref} for each statement execute function ${fn}()`);
    }
    for (const [s, ev, ref, fn] of [
      ['ins', 'insert', 'new table as derive_new', 'derive_mark_new'],
      ['upd', 'update', 'old table as derive_old new table as derive_new', 'derive_mark_both'],
      ['del', 'delete', 'old table as derive_old', 'derive_mark_old'],
    ]) {
      this.addSql(`create trigger monitoring_day_derive_${s} after ${ev} on monitoring_day referencing ${ref} for each statement execute function ${fn}()`);
    }
    this.addSql(`create trigger monitoring_day_authority before insert or update on monitoring_day for each row execute function monitoring_day_authority()`);
    this.addSql(`create trigger monitoring_day_keep_version before update or delete on monitoring_day for each row execute function record_keep_version()`);
  }
}
