import { Migration } from '@mikro-orm/migrations';

/** Tables whose changes make an enterprise's derived products (tags, warnings) stale. */
const MARKED_TABLES = ['enterprise', 'permit', 'enforcement_record', 'penalty', 'monitoring_day', 'credit_rating'];

/**
 * Durable marks of what every derived product still has to derive (issue 14).
 *
 * - `derive_product`: the products derived from the store after its scores
 *   (`tags`, `warnings`; a later product adds a row here and a consumer, not a
 *   mechanism). Scores keep their own `score_dirty`.
 * - `derive_dirty (product, credit_code)`: one mark per product and enterprise
 *   whose records changed since the product last derived it. Statement
 *   triggers on the data tables write them in the transaction of the page that
 *   changed the data; a product deletes the marks it consumes in the
 *   transaction that writes its results. A crash anywhere between leaves the
 *   marks, and the next `hub sync` or daily task derives them.
 * - `score_dirty.first_load`: the enterprise's pending change includes records
 *   written by a connector that has not yet finished a successful run (its
 *   first load). The rescore that consumes the mark writes its history point
 *   with `score_history.baseline = true`: a starting point for RISK_UP and
 *   SCORE_DROP, not a worsening.
 *
 * Every enterprise already in the store is marked once for each product, so a
 * store whose tags were lost by an earlier crash is repaired by its next sync.
 */
export class Migration20261201000600DeriveMarks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table derive_product (product text primary key, description text not null)`);
    this.addSql(`insert into derive_product (product, description) values
      ('tags', 'derived tags of enterprise_tags (TagService)'),
      ('warnings', 'early-warning detectors (WarningDetectionService)')`);
    this.addSql(`create table derive_dirty (
      product text not null references derive_product (product) on delete cascade,
      credit_code text not null,
      marked_at timestamptz not null default now(),
      primary key (product, credit_code)
    )`);
    const mark = (rows: string) => `insert into derive_dirty (product, credit_code)
        select p.product, c.credit_code from derive_product p cross join (${rows}) c order by 1, 2 on conflict do nothing`;
    this.addSql(`create function derive_mark_new() returns trigger language plpgsql as $fn$
      begin ${mark('select distinct credit_code from derive_new where credit_code is not null')}; return null; end $fn$`);
    this.addSql(`create function derive_mark_old() returns trigger language plpgsql as $fn$
      begin ${mark('select distinct credit_code from derive_old where credit_code is not null')}; return null; end $fn$`);
    this.addSql(`create function derive_mark_both() returns trigger language plpgsql as $fn$
      begin ${mark('select credit_code from derive_new where credit_code is not null union select credit_code from derive_old where credit_code is not null')};
      return null; end $fn$`);
    for (const t of MARKED_TABLES) {
      this.addSql(`create trigger ${t}_derive_ins after insert on ${t} referencing new table as derive_new for each statement execute function derive_mark_new()`);
      this.addSql(`create trigger ${t}_derive_upd after update on ${t} referencing old table as derive_old new table as derive_new for each statement execute function derive_mark_both()`);
      this.addSql(`create trigger ${t}_derive_del after delete on ${t} referencing old table as derive_old for each statement execute function derive_mark_old()`);
    }
    this.addSql(mark('select credit_code from enterprise'));

    this.addSql(`alter table score_dirty add column first_load boolean not null default false`);
    this.addSql(`alter table score_history add column baseline boolean not null default false`);
    this.addSql(`create index score_history_baseline_idx on score_history (credit_code, id) where baseline`);
    this.addSql(`create function score_mark_first_load() returns trigger language plpgsql as $fn$
      begin
        insert into score_dirty (credit_code, first_load)
        select distinct n.credit_code, true from derive_new n
         where n.credit_code is not null
           and n.connector_id in (select c.id from connector c
                                   where not exists (select 1 from connector_run r where r.connector_id = c.id and r.status = 'SUCCEEDED'))
         order by 1
        on conflict (credit_code) do update set first_load = true where not score_dirty.first_load;
        return null;
      end $fn$`);
    this.addSql(`create trigger source_record_first_load_ins after insert on source_record referencing new table as derive_new for each statement execute function score_mark_first_load()`);
    this.addSql(`create trigger source_record_first_load_upd after update on source_record referencing new table as derive_new for each statement execute function score_mark_first_load()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists source_record_first_load_ins on source_record`);
    this.addSql(`drop trigger if exists source_record_first_load_upd on source_record`);
    this.addSql(`drop function if exists score_mark_first_load()`);
    this.addSql(`drop index if exists score_history_baseline_idx`);
    this.addSql(`alter table score_history drop column if exists baseline`);
    this.addSql(`alter table score_dirty drop column if exists first_load`);
    for (const t of MARKED_TABLES) for (const s of ['ins', 'upd', 'del']) this.addSql(`drop trigger if exists ${t}_derive_${s} on ${t}`);
    for (const f of ['derive_mark_new', 'derive_mark_old', 'derive_mark_both']) this.addSql(`drop function if exists ${f}()`);
    this.addSql(`drop table if exists derive_dirty`);
    this.addSql(`drop table if exists derive_product`);
  }
}
