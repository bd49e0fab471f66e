import { Migration } from '@mikro-orm/migrations';

/**
 * `connector_state.backfill`: a date-read connector's history backfill as it
 * reported it with its last committed page — `{from, to, done, total,
 * coveredFrom}` (the dates of the active rule set's window plus overlap, how
 * many of them are stored, the earliest date covered). Written in the page's
 * transaction with the cursor; shown to stewards in `connectors { backfill }`.
 */
export class Migration20261201130100ConnectorBackfill extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table connector_state add column backfill jsonb`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table connector_state drop column if exists backfill`);
  }
}
