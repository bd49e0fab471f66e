import { Migration } from '@mikro-orm/migrations';

/**
 * `result_snapshot`: the ordered credit codes of an `enterprises` result as
 * they were when its first page was read, so that later pages (cursors name
 * the snapshot and a position) show every enterprise of that result exactly
 * once while scores change. Unlogged (cursors need not survive a crash) and
 * kept for a while (see ENTERPRISE_SNAPSHOT_TTL_MS).
 */
export class Migration20261201120000ResultSnapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table result_snapshot (
      id uuid primary key,
      scope_code text not null,
      order_key text not null,
      codes text[] not null,
      created_at timestamptz not null default now()
    )`);
    this.addSql(`create index result_snapshot_created_at on result_snapshot (created_at)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table result_snapshot`);
  }
}
