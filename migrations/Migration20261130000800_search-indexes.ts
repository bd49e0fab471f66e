import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the hot search path: a page's tag lookups are answered from
 * the index alone, and the last N history points of each enterprise come off
 * the index in order, without a sort.
 */
export class Migration20261130000800SearchIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index enterprise_tags_lookup_idx on enterprise_tags (credit_code) include (tag_ids)`);
    this.addSql(`create index score_history_recent_idx on score_history (credit_code, at desc, id desc)`);
    this.addSql(`drop index if exists score_history_enterprise_idx`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index score_history_enterprise_idx on score_history (credit_code, at)`);
    this.addSql(`drop index if exists score_history_recent_idx`);
    this.addSql(`drop index if exists enterprise_tags_lookup_idx`);
  }
}
