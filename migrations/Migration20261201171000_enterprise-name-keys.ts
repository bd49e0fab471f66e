import { Migration } from '@mikro-orm/migrations';

/**
 * The keys entity resolution finds enterprises by name with (issue 20): each
 * enterprise's standardised name core (and former names' cores), and each core with
 * one character left out (`NameStandardiser.nameKeys`), written by ingest with the
 * enterprise. A record's name finds every enterprise within one typing slip with one
 * indexed lookup: at 260,000 enterprises a trigram comparison against every name of a
 * county took tens of milliseconds per record, which slowed a noisy sync a hundredfold.
 * Filled for stores that already hold enterprises when the resolver first loads.
 */
export class Migration20261201171000EnterpriseNameKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists enterprise_name_key (
      key text not null,
      credit_code text not null,
      primary key (key, credit_code)
    )`);
    this.addSql(`create index if not exists enterprise_name_key_credit_code_idx on enterprise_name_key (credit_code)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists enterprise_name_key`);
  }
}
