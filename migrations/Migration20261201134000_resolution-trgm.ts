import { Migration } from '@mikro-orm/migrations';

/**
 * What entity resolution at ingest looks enterprises up by (issue 20):
 *
 * - `pg_trgm` and a trigram index on `enterprise.name`: similarity candidates of a
 *   record's name (`%`, `<%`), blocked by county when the record names one.
 * - An index on the organisation code each credit code embeds (positions 9–17), so
 *   the organisation-code key of a page is one indexed join.
 * - `derive_product` 'resolution' is not added: resolution derives nothing from the
 *   store; it decides links before records are written.
 */
export class Migration20261201134000ResolutionTrgm extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`create index if not exists enterprise_name_trgm_idx on enterprise using gin (name gin_trgm_ops)`);
    this.addSql(`create index if not exists enterprise_org_code_idx on enterprise (substr(credit_code, 9, 9))`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists enterprise_org_code_idx`);
    this.addSql(`drop index if exists enterprise_name_trgm_idx`);
  }
}
