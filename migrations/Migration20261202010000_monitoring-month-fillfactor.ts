import { Migration } from '@mikro-orm/migrations';

/**
 * `monitoring_month` leaves room on its pages for the next versions of its rows
 * (issue 16, a three-year backfill bloated it): the statement triggers on
 * `monitoring_day` update a month row once for every page that writes a day of
 * its month, 15–30 times a month in a backfill of one or two dates a page. At
 * `fillfactor = 100` a full page sent nearly every new version to another page
 * (1 % HOT updates), an index entry with it, and without autovacuum (off on this
 * project's server, maybe at a customer's) nothing reclaimed the old ones: a
 * 10,000-enterprise three-year full sync left 98,755 live rows, 1.4 million dead,
 * 470 MB.
 *
 * With 30 % of each page free, most updates are HOT: no index covers the updated
 * columns (`reported`, `valid_ge`, `exceed_ge`; the only index is the primary key
 * on credit code, outlet, pollutant and month), so the new version stays on its
 * page without an index entry, and the next page's statement prunes the versions
 * before it on the spot. The hub vacuums the table during and after the runs
 * that write monitoring rows (`ChurnVacuum`, src/ingest/churn-vacuum.ts) for
 * what pruning leaves. Replaying that province's 548 backfill pages through the
 * trigger's statement, each in its own transaction (vacuum every 30 pages and at
 * the end): 51–64 MB at 70, 68–81 MB at 50, 58–59 MB at 100 (only 1 % HOT, so
 * each vacuum also cleans the index) against 455 MB at 100 without vacuum.
 *
 * Pages already written keep their layout; their dead space becomes reusable
 * with the hub's first vacuum of the table.
 */
export class Migration20261202010000MonitoringMonthFillfactor extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table monitoring_month set (fillfactor = 70)`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table monitoring_month reset (fillfactor)`);
  }
}
