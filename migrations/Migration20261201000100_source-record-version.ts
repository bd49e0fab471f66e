import { Migration } from '@mikro-orm/migrations';

/**
 * `source_record.source_version`: the version the source stamped on a record
 * (its modified / updated time), so that an older version of a record never
 * overwrites a newer one, whatever order pages arrive or commit in (a feed
 * replayed from its start, pages written two deep). Null for sources without
 * versions. Filled for stored records from the typed rows they produced
 * (same key as the source id, as every connector maps it).
 */
export class Migration20261201000100SourceRecordVersion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table source_record add column source_version timestamptz`);
    this.addSql(`update source_record s set source_version = t.modified_at from enforcement_record t
      where s.kind = 'enforcement' and s.source_id = t.record_id`);
    this.addSql(`update source_record s set source_version = t.modified_at from penalty t
      where s.kind = 'penalty' and s.source_id = t.case_no`);
    this.addSql(`update source_record s set source_version = t.source_updated_at from enterprise t
      where s.kind = 'enterprise' and s.source_id = t.credit_code and t.source_updated_at is not null`);
    this.addSql(`update source_record s set source_version = t.source_updated_at from credit_rating t
      where s.kind = 'rating' and s.source_id = t.credit_code and t.connector_id = s.connector_id and t.source_updated_at is not null`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table source_record drop column if exists source_version`);
  }
}
