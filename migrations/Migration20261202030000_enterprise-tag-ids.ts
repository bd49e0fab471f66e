import { Migration } from '@mikro-orm/migrations';

/** Marks an updated enterprise for re-derivation (as `derive_mark_both` does), except for the search copy's own updates. */
const MARK_ENTERPRISE_UPDATE = `insert into derive_dirty (product, credit_code)
  select p.product, c.credit_code from derive_product p
   cross join (select credit_code from derive_new where credit_code is not null
               union select credit_code from derive_old where credit_code is not null) c
   order by 1, 2 on conflict do nothing`;

/** Sets `enterprise.tag_ids` of the enterprises named in `codes` to their `enterprise_tags.tag_ids` (none: empty), where they differ. */
const COPY_TAGS = (codes: string) => `update enterprise e set tag_ids = coalesce(t.tag_ids, '{}')
    from (${codes}) c left join enterprise_tags t on t.credit_code = c.credit_code
   where e.credit_code = c.credit_code and e.tag_ids is distinct from coalesce(t.tag_ids, '{}')`;

/**
 * The search's copy of every enterprise's effective tags on its own row:
 * `enterprise.tag_ids` (GIN-indexed), equal at every moment to
 * `enterprise_tags.tag_ids`, which stays the tags' record (derived and manual
 * tags, rules, audit).
 *
 * Why: a first page of a tag search stores its whole ordered result as a
 * snapshot (consistent paging). With the tags in another table that meant
 * joining the GIN index's matches to every enterprise's score — for the seed
 * search (黄标 + 固废危废, 8,678 of 260,000 enterprises) an index-only scan of
 * all 260,000 score entries and a hash join, 43 ms at best on this machine
 * under load (`EXPLAIN ANALYZE`, best of 30). With the tags beside the score,
 * the result is one bitmap heap scan of the matching rows and a sort of 8,678:
 * 11 ms at best in the same conditions.
 *
 * Kept exact by statement triggers on `enterprise_tags` (insert, update,
 * delete) in the writing transaction; an update that leaves `tag_ids` as it
 * was writes nothing. The copy's own updates do not mark the enterprise for
 * re-derivation (`enterprise_derive_upd` skips updates made from inside a
 * trigger): the tags it copies are the derivation's output, not an input.
 * The backfill rewrites every enterprise row, so the migration asks for a
 * VACUUM of `enterprise` once it has run (measured on a 260,000-enterprise
 * store, before that VACUUM: storing a province-wide result 479 ms instead of
 * 29 ms, its ordering index-only scan visiting the heap for every row).
 */
export class Migration20261202030000EnterpriseTagIds extends Migration {
  /** Every enterprise row is rewritten: vacuumed after the migration (`migrate`), so index-only scans of its ordering indexes keep working. */
  static readonly vacuumAfter = ['enterprise'];

  override async up(): Promise<void> {
    this.addSql(`alter table enterprise add column tag_ids integer[] not null default '{}'`);
    this.addSql(`update enterprise e set tag_ids = t.tag_ids from enterprise_tags t where t.credit_code = e.credit_code and t.tag_ids <> '{}'`);
    this.addSql(`create index enterprise_tag_ids_idx on enterprise using gin (tag_ids)`);

    this.addSql(`create function enterprise_tag_ids_on_write() returns trigger language plpgsql as $fn$
      begin ${COPY_TAGS('select credit_code from tag_ids_new')}; return null; end $fn$`);
    this.addSql(`create function enterprise_tag_ids_on_update() returns trigger language plpgsql as $fn$
      begin ${COPY_TAGS('select credit_code from tag_ids_new union select credit_code from tag_ids_old')}; return null; end $fn$`);
    this.addSql(`create function enterprise_tag_ids_on_delete() returns trigger language plpgsql as $fn$
      begin ${COPY_TAGS('select credit_code from tag_ids_old')}; return null; end $fn$`);
    this.addSql(`create trigger enterprise_tags_copy_ins after insert on enterprise_tags referencing new table as tag_ids_new
      for each statement execute function enterprise_tag_ids_on_write()`);
    this.addSql(`create trigger enterprise_tags_copy_upd after update on enterprise_tags referencing old table as tag_ids_old new table as tag_ids_new
      for each statement execute function enterprise_tag_ids_on_update()`);
    this.addSql(`create trigger enterprise_tags_copy_del after delete on enterprise_tags referencing old table as tag_ids_old
      for each statement execute function enterprise_tag_ids_on_delete()`);

    this.addSql(`create function derive_mark_enterprise_update() returns trigger language plpgsql as $fn$
      begin
        if pg_trigger_depth() > 1 then return null; end if; -- the tag copy above (no trigger writes any other enterprise column)
        ${MARK_ENTERPRISE_UPDATE};
        return null;
      end $fn$`);
    this.addSql(`drop trigger enterprise_derive_upd on enterprise`);
    this.addSql(`create trigger enterprise_derive_upd after update on enterprise referencing old table as derive_old new table as derive_new
      for each statement execute function derive_mark_enterprise_update()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger enterprise_derive_upd on enterprise`);
    this.addSql(`create trigger enterprise_derive_upd after update on enterprise referencing old table as derive_old new table as derive_new
      for each statement execute function derive_mark_both()`);
    this.addSql(`drop function derive_mark_enterprise_update()`);
    for (const t of ['ins', 'upd', 'del']) this.addSql(`drop trigger enterprise_tags_copy_${t} on enterprise_tags`);
    for (const f of ['write', 'update', 'delete']) this.addSql(`drop function enterprise_tag_ids_on_${f}()`);
    this.addSql(`alter table enterprise drop column tag_ids`);
  }
}
