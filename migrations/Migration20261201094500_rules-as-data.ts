import { Migration } from '@mikro-orm/migrations';
import { TAG_CATALOGUE_2021_JSON, TAG_CATALOGUE_2021_VERSION } from './frozen/tag-catalogue-2021.sql';

/** The warning types of 2026-12-01, with their descriptions then (the start-up loader keeps the table current). */
const WARNING_TYPES_2026_12 = [
  ['RISK_UP', '风险等级上升 the risk level worsened (LOW→MEDIUM, MEDIUM→HIGH, LOW→HIGH)'],
  ['SCORE_DROP', '得分骤降 the score fell by a set number of points within a set number of days'],
  ['EXCEED_TREND', '超标趋势 exceedance days of an outlet and pollutant are rising'],
  ['DATA_GAP', '数据中断 an online-monitored outlet has reported nothing for whole days'],
  ['PERMIT_EXPIRING', '许可证即将到期 a permit expires soon and no later valid permit exists'],
  ['FORECAST_HIGH', '高风险预测 the score trend reaches the HIGH band soon'],
];

/**
 * Rules that are data, all of them (issue 15 §4):
 *
 * - `warning_type`: the warning types, one row per code of the domain vocabulary (written by the start-up
 *   loader); `warning.type` references it instead of a CHECK list, so a new type is a row, not a migration.
 * - `warning_parameter_set`: versioned detector parameters and severities (immutable versions, one active),
 *   loaded from `src/warnings/warning-parameters/*.json` by the start-up loader; `warning.parameter_version`
 *   names the version that raised a warning.
 * - `tag_catalogue`: versioned tag catalogues with their derivation rules (one active), loaded by
 *   `hub tags load FILE`; the catalogue the tags migration wrote is recorded as the first, active version.
 *
 * Inline copies only: a migration does what it did on the day it was written.
 */
export class Migration20261201094500RulesAsData extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table warning_type (
      code text primary key check (code ~ '^[A-Z][A-Z0-9_]{1,63}$'),
      description text not null,
      position integer not null
    )`);
    const types = WARNING_TYPES_2026_12.map(([c, d], i) => `('${c}', '${d.replace(/'/g, "''")}', ${i + 1})`).join(', ');
    this.addSql(`insert into warning_type (code, description, position) values ${types}`);
    this.addSql(`alter table warning drop constraint if exists warning_type_check`);
    this.addSql(`alter table warning add constraint warning_type_fkey foreign key (type) references warning_type (code)`);
    this.addSql(`alter table warning add column parameter_version text`);

    this.addSql(`create table warning_parameter_set (
      version text primary key check (version ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
      title text,
      definition jsonb not null check (jsonb_typeof(definition -> 'detectors') = 'object'),
      active boolean not null default false,
      loaded_at timestamptz not null default now(),
      activated_at timestamptz
    )`);
    this.addSql(`create unique index warning_parameter_set_one_active_idx on warning_parameter_set (active) where active`);

    this.addSql(`create table tag_catalogue (
      version text primary key check (version ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
      definition jsonb not null check (jsonb_typeof(definition -> 'categories') = 'array'),
      active boolean not null default false,
      loaded_at timestamptz not null default now(),
      activated_at timestamptz
    )`);
    this.addSql(`create unique index tag_catalogue_one_active_idx on tag_catalogue (active) where active`);
    this.addSql(`insert into tag_catalogue (version, definition, active, activated_at)
      select '${TAG_CATALOGUE_2021_VERSION}', $tc$${TAG_CATALOGUE_2021_JSON}$tc$::jsonb, true, now()
       where exists (select 1 from tag_rule where catalogue_version = '${TAG_CATALOGUE_2021_VERSION}')`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists tag_catalogue`);
    this.addSql(`drop table if exists warning_parameter_set`);
    this.addSql(`alter table warning drop column if exists parameter_version`);
    this.addSql(`alter table warning drop constraint if exists warning_type_fkey`);
    this.addSql(`alter table warning add constraint warning_type_check
      check (type in ('RISK_UP', 'SCORE_DROP', 'EXCEED_TREND', 'DATA_GAP', 'PERMIT_EXPIRING', 'FORECAST_HIGH'))`);
    this.addSql(`drop table if exists warning_type`);
  }
}
