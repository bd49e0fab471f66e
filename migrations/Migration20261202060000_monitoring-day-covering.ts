import { Migration } from '@mikro-orm/migrations';

/**
 * `Enterprise.monitoringDays` reads an enterprise's daily rows from the index
 * alone (issue 16): `monitoring_day_outlet_day_idx` — key `(credit_code,
 * outlet_code, day)`, as before — now also carries every column the read
 * returns (`pollutant_code`, `valid_hours`, `exceed_hours`, `daily_mean`,
 * `limit_value`, `provisional`).
 *
 * Why: rows arrive a date at a time, so an enterprise's three years lie on
 * about 1,100 heap pages (one or two per date, each shared with the other
 * enterprises of that date); a whole-window read visited all of them through
 * the primary key, and a read of pages no one had touched lately went to disk
 * for each — on the 20,000-enterprise three-year bench store, 200 enterprises
 * not read before: p50 192 ms, p95 981 ms, about 3,500 buffers each (the same
 * enterprises again: p50 53 ms). The earlier, faster figure (p95 50.5 ms) came
 * from post-sync steps that then read every monitored enterprise's three years
 * of daily rows (DATA_GAP's last day, retag's "reported monitoring"), which
 * left those pages cached; both read aggregates now. From the covering index,
 * the same enterprise's rows are a few leaf pages per month partition: 185
 * buffers, p50 25 ms, p95 64 ms for 200 enterprises not read before.
 *
 * An index-only scan needs the visibility map, and autovacuum may be off (it
 * is on this project's server): the migration vacuums `monitoring_day` once
 * it has run (`vacuumAfter`), and the hub vacuums it at the end of every run
 * that wrote monitoring rows (`ChurnVacuum`; pages already all-visible are
 * skipped, so a daily run's vacuum reads about the pages of its dates).
 *
 * Same key, so the readers of the old index (MON_MISSING's walk of an
 * outlet's days, the outlet aggregates' recompute of outlet-days) use this
 * one as they did; each entry is about a quarter larger (a month partition of
 * the bench store: 12 → 15 MB).
 */
export class Migration20261202060000MonitoringDayCovering extends Migration {
  /** The index-only reads need the visibility map of every partition (see above). */
  static readonly vacuumAfter = ['monitoring_day'];

  override async up(): Promise<void> {
    this.addSql(`create index monitoring_day_outlet_day_cover_idx on monitoring_day (credit_code, outlet_code, day)
      include (valid_hours, pollutant_code, exceed_hours, daily_mean, limit_value, provisional)`);
    this.addSql(`drop index monitoring_day_outlet_day_idx`);
    this.addSql(`alter index monitoring_day_outlet_day_cover_idx rename to monitoring_day_outlet_day_idx`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index monitoring_day_outlet_day_narrow_idx on monitoring_day (credit_code, outlet_code, day) include (valid_hours)`);
    this.addSql(`drop index monitoring_day_outlet_day_idx`);
    this.addSql(`alter index monitoring_day_outlet_day_narrow_idx rename to monitoring_day_outlet_day_idx`);
  }
}
