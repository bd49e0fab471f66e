import { Migration } from '@mikro-orm/migrations';

/**
 * `source_record` is looked up by (connector, source id) only; its credit-code
 * index served no query and cost an index insert for each of the ~3 million
 * raw records of a full sync.
 */
export class Migration20261130001000SourceRecordLean extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists source_record_credit_code_idx`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index source_record_credit_code_idx on source_record (credit_code)`);
  }
}
