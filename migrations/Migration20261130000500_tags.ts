import { Migration } from '@mikro-orm/migrations';
import { RETAG_ALL_2021_SQL, TAG_CATALOGUE_2021_SEED_SQL } from './frozen/tag-catalogue-2021.sql';

/**
 * Tags (issue 5, domain.md §4):
 *
 * - `tag_category`, `tag`: the catalogue (code `CATEGORY/slug`, Chinese and English labels); local tags
 *   (`LOCAL/<division>-<slug>`) carry the city or county that owns them. Seeded from the frozen copy in `frozen/tag-catalogue-2021.sql.ts`.
 * - `tag_rule`: the derivation rules as data (match / prefix / fallback over an enterprise's facts).
 * - `tag_manual`: the standing manual decision per enterprise and tag: ATTACH, or DETACH (a suppression of a
 *   derived tag that sticks until re-attached), with who, when and why.
 * - `tag_audit`: every manual change and local-tag creation, append-only.
 * - `enterprise_tags`: per enterprise the effective tag ids (GIN-indexed for search) and the derived ones with the
 *   rule that produced each (the source of a derived tag).
 */
export class Migration20261130000500Tags extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table tag_category (
      code text primary key,
      label text not null,
      label_en text not null,
      derived_from text,
      position integer not null
    )`);
    this.addSql(`create table tag (
      id integer generated always as identity primary key,
      code text not null unique,
      category text not null references tag_category (code),
      slug text not null,
      label text not null,
      label_en text not null,
      division_code text references division (code),
      position integer not null default 0,
      created_by text,
      created_at timestamptz not null default now(),
      check ((category = 'LOCAL') = (division_code is not null))
    )`);
    this.addSql(`create unique index tag_label_global_idx on tag (label) where division_code is null`);
    this.addSql(`create unique index tag_label_local_idx on tag (division_code, label) where division_code is not null`);
    this.addSql(`create table tag_rule (
      id integer generated always as identity primary key,
      catalogue_version text not null,
      tag_id integer not null references tag (id),
      category text not null references tag_category (code),
      position integer not null,
      kind text not null check (kind in ('match', 'prefix', 'fallback')),
      field text check (field in ('supervision_level', 'management_class', 'basin', 'pollution_types', 'air_sources',
        'monitoring_facilities', 'industry_code', 'credit_level', 'monitoring_reported')),
      value text,
      check ((kind = 'fallback') = (field is null and value is null))
    )`);
    this.addSql(`create index tag_rule_match_idx on tag_rule (field, value)`);
    this.addSql(`create table tag_manual (
      credit_code text not null,
      tag_id integer not null references tag (id),
      action text not null check (action in ('ATTACH', 'DETACH')),
      api_key_id bigint,
      actor text not null,
      actor_division text,
      at timestamptz not null default now(),
      reason text not null,
      primary key (credit_code, tag_id)
    )`);
    this.addSql(`create table tag_audit (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      credit_code text,
      tag_id integer not null references tag (id),
      tag_code text not null,
      action text not null check (action in ('ATTACH', 'DETACH', 'CREATE_LOCAL')),
      api_key_id bigint,
      actor text not null,
      actor_role text,
      actor_division text,
      reason text,
      was_present boolean,
      request_id text
    )`);
    this.addSql(`create index tag_audit_enterprise_idx on tag_audit (credit_code, at)`);
    this.addSql(`create table enterprise_tags (
      credit_code text primary key,
      tag_ids integer[] not null default '{}',
      derived_tag_ids integer[] not null default '{}',
      derived_rule_ids integer[] not null default '{}',
      updated_at timestamptz not null default now()
    ) with (fillfactor = 90)`);
    this.addSql(`create index enterprise_tags_gin_idx on enterprise_tags using gin (tag_ids)`);
    for (const sql of TAG_CATALOGUE_2021_SEED_SQL) this.addSql(sql);
    this.addSql(RETAG_ALL_2021_SQL);
  }

  override async down(): Promise<void> {
    for (const t of ['enterprise_tags', 'tag_audit', 'tag_manual', 'tag_rule', 'tag', 'tag_category']) this.addSql(`drop table if exists ${t}`);
  }
}
