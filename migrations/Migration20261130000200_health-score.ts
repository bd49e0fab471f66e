import { Migration } from '@mikro-orm/migrations';
import { SD_2021_JSON, SD_2021_VERSION } from './frozen/sd-2021.rule-set';

/** The typed source tables whose rows feed deductions; each gets a `recorded_at` and kept versions. */
const SCORED_TABLES = ['enforcement_record', 'penalty', 'monitoring_day', 'permit'];

/**
 * Statement computing the signed changes of the rank histograms from rows
 * `(credit_code, division_code, score, n)` given by `deltaSql`; each
 * enterprise counts in three scopes (province, city, county — deduplicated)
 * and in two credit-code prefix buckets (8 and 11 characters).
 */
export function rankApplySql(deltaSql: string): string[] {
  const scoped = `with d as (${deltaSql}),
    s as (select distinct x.scope, d.score, d.credit_code, d.n from d
          cross join lateral (values (left(d.division_code, 2) || '0000'), (left(d.division_code, 4) || '00'), (d.division_code)) as x(scope))`;
  return [
    `${scoped}
     insert into rank_score (scope, score, n)
     select scope, score, sum(n) from s group by scope, score having sum(n) <> 0 order by scope, score
     on conflict (scope, score) do update set n = rank_score.n + excluded.n`,
    `${scoped}
     insert into rank_bucket (scope, score, plen, prefix, n)
     select scope, score, y.plen, left(s.credit_code, y.plen), sum(n) from s cross join (values (8), (11)) as y(plen)
      group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
     on conflict (scope, score, plen, prefix) do update set n = rank_bucket.n + excluded.n`,
  ];
}

/**
 * The health score's store (issue 4):
 *
 * - `rule_set` / `rule` / `rule_set_activation`: versioned rule sets (rules are
 *   data), loaded by `load_rule_set(jsonb)`; SD-2021 is seeded from the frozen
 *   copy in `frozen/sd-2021.rule-set.ts` and activated.
 * - `deduction`: the materialised current deductions (derived, replaced on every rescore).
 * - `score_state`: per enterprise the stored score, risk, the rule-set version that made it and the date it
 *   was computed for; `enterprise.score/risk_level` carry the same for search and `enterprise.scored_at`
 *   is when they last changed (unchanged rows are not rewritten: 260,000 enterprises, six indexes).
 * - `score_history`: every change of score or risk with time and cause.
 * - `score_dirty`: enterprises whose records changed since they were scored (statement triggers).
 * - `rank_score` / `rank_bucket`: exact histograms of scores per division scope (and per credit-code
 *   prefix inside a score), maintained by statement triggers on `enterprise`, so a rank is a few
 *   hundred summed rows instead of a count over 260,000.
 * - `recorded_at` on the typed source tables and `record_history`: earlier versions of every source row
 *   with the interval the hub knew them, so a report as of a past date is recomputed from the records
 *   as they were known then.
 * - `scoring_run`: one row per rescoring.
 */
export class Migration20261130000200HealthScore extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table rule_set (
      version text primary key,
      title text,
      full_marks integer not null,
      window_days integer not null check (window_days > 0),
      risk_low_min integer not null,
      risk_medium_min integer not null,
      definition jsonb not null,
      active boolean not null default false,
      loaded_at timestamptz not null default now(),
      activated_at timestamptz,
      check (risk_medium_min <= risk_low_min)
    )`);
    this.addSql(`create unique index rule_set_one_active_idx on rule_set (active) where active`);
    this.addSql(`create table rule (
      rule_set_version text not null references rule_set (version) on delete cascade,
      code text not null,
      position integer not null,
      points integer not null,
      description text not null,
      family text not null check (family in ('ENFORCEMENT', 'PENALTY', 'MONITORING_EXCEED', 'MONITORING_MISSING', 'PERMIT_EXPIRED')),
      statuses text[],
      measure_types text[],
      findings text[],
      amount_from numeric(16, 2),
      amount_below numeric(16, 2),
      daily_consecutive boolean,
      min_exceed_hours integer,
      min_valid_hours integer,
      valid_statuses text[],
      ignores_window boolean not null default false,
      primary key (rule_set_version, code)
    )`);
    this.addSql(`create table rule_set_activation (
      version text not null references rule_set (version),
      activated_at timestamptz not null default now(),
      primary key (activated_at, version)
    )`);
    this.addSql(`create function load_rule_set(def jsonb) returns text language plpgsql as $fn$
      declare v text := def->>'version';
      begin
        insert into rule_set (version, title, full_marks, window_days, risk_low_min, risk_medium_min, definition)
        values (v, def->>'title', (def->>'fullMarks')::int, (def->>'windowDays')::int,
                (def->'riskThresholds'->>'low')::int, (def->'riskThresholds'->>'medium')::int, def);
        insert into rule (rule_set_version, code, position, points, description, family, statuses, measure_types, findings,
                          amount_from, amount_below, daily_consecutive, min_exceed_hours, min_valid_hours, valid_statuses, ignores_window)
        select v, r->>'code', x.pos, (r->>'points')::int, r->>'description', t->>'family',
               case when t->'statuses' is not null then array(select jsonb_array_elements_text(t->'statuses')) end,
               case when t->'measureTypes' is not null then array(select jsonb_array_elements_text(t->'measureTypes')) end,
               case when t->'findings' is not null then array(select jsonb_array_elements_text(t->'findings')) end,
               (t->>'amountFrom')::numeric, (t->>'amountBelow')::numeric, (t->>'dailyConsecutive')::boolean,
               (t->>'minExceedHours')::int, (t->>'minValidHours')::int,
               case when t->'validStatuses' is not null then array(select jsonb_array_elements_text(t->'validStatuses')) end,
               coalesce((t->>'ignoresWindow')::boolean, false)
          from jsonb_array_elements(def->'rules') with ordinality as x(r, pos)
          cross join lateral (select x.r->'trigger' as t) tt;
        return v;
      end $fn$`);
    this.addSql(`select load_rule_set($rs$${SD_2021_JSON}$rs$::jsonb)`);
    this.addSql(`update rule_set set active = true, activated_at = now() where version = '${SD_2021_VERSION}'`);
    this.addSql(`insert into rule_set_activation (version) values ('${SD_2021_VERSION}')`);

    this.addSql(`create table deduction (
      credit_code text not null,
      rule_code text not null,
      points integer not null,
      event_date date not null,
      system text not null,
      record_id text not null,
      in_window boolean not null,
      rule_set_version text not null
    )`);
    this.addSql(`create index deduction_enterprise_idx on deduction (credit_code)`);
    this.addSql(`create index deduction_window_idx on deduction (event_date) where in_window`);

    this.addSql(`create table score_state (
      credit_code text primary key,
      score integer not null,
      risk_level text not null,
      rule_set_version text not null,
      as_of date not null,
      computed_at timestamptz not null default now()
    ) with (fillfactor = 80)`);

    this.addSql(`create table score_history (
      id bigint generated always as identity primary key,
      credit_code text not null,
      at timestamptz not null default now(),
      score integer not null,
      risk_level text not null,
      previous_score integer,
      previous_risk_level text,
      rule_set_version text not null,
      cause text not null check (cause in ('SYNC', 'RESCORE', 'RULE_SET_ACTIVATION')),
      cause_ref text
    )`);
    this.addSql(`create index score_history_enterprise_idx on score_history (credit_code, at)`);

    this.addSql(`create table score_dirty (credit_code text primary key, marked_at timestamptz not null default now())`);

    this.addSql(`create table scoring_run (
      id bigint generated always as identity primary key,
      cause text not null,
      cause_ref text,
      full_recompute boolean not null,
      as_of date not null,
      rule_set_version text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      enterprises integer,
      changed integer,
      duration_ms integer
    )`);

    // Rank histograms, exact at every commit.
    this.addSql(`create table rank_score (scope text not null, score integer not null, n integer not null, primary key (scope, score))`);
    this.addSql(`create table rank_bucket (scope text not null, score integer not null, plen smallint not null, prefix text not null, n integer not null,
      primary key (scope, score, plen, prefix))`);
    const fn = (name: string, deltaSql: string) =>
      this.addSql(`create function ${name}() returns trigger language plpgsql as $fn$
        begin
          ${rankApplySql(deltaSql).join(';\n')};
          return null;
        end $fn$`);
    fn('rank_on_insert', `select credit_code, division_code, score, 1 as n from rank_new`);
    fn('rank_on_delete', `select credit_code, division_code, score, -1 as n from rank_old`);
    fn('rank_on_update', `select credit_code, division_code, score, 1 as n from rank_new union all select credit_code, division_code, score, -1 from rank_old`);
    this.addSql(`create trigger enterprise_rank_ins after insert on enterprise referencing new table as rank_new for each statement execute function rank_on_insert()`);
    this.addSql(`create trigger enterprise_rank_del after delete on enterprise referencing old table as rank_old for each statement execute function rank_on_delete()`);
    this.addSql(`create trigger enterprise_rank_upd after update on enterprise referencing old table as rank_old new table as rank_new for each statement execute function rank_on_update()`);
    for (const sql of rankApplySql(`select credit_code, division_code, score, 1 as n from enterprise`)) this.addSql(sql);

    // Dirty marks: any change of a scored record (or a new enterprise) marks its enterprise.
    this.addSql(`create function score_mark_new() returns trigger language plpgsql as $fn$
      begin insert into score_dirty (credit_code) select distinct credit_code from dirty_new order by 1 on conflict do nothing; return null; end $fn$`);
    this.addSql(`create function score_mark_old() returns trigger language plpgsql as $fn$
      begin insert into score_dirty (credit_code) select distinct credit_code from dirty_old order by 1 on conflict do nothing; return null; end $fn$`);
    this.addSql(`create function score_mark_both() returns trigger language plpgsql as $fn$
      begin insert into score_dirty (credit_code)
        select credit_code from dirty_new union select credit_code from dirty_old order by 1 on conflict do nothing; return null; end $fn$`);
    for (const t of [...SCORED_TABLES, 'enterprise']) {
      this.addSql(`create trigger ${t}_dirty_ins after insert on ${t} referencing new table as dirty_new for each statement execute function score_mark_new()`);
      if (t === 'enterprise') continue;
      this.addSql(`create trigger ${t}_dirty_upd after update on ${t} referencing old table as dirty_old new table as dirty_new for each statement execute function score_mark_both()`);
      this.addSql(`create trigger ${t}_dirty_del after delete on ${t} referencing old table as dirty_old for each statement execute function score_mark_old()`);
    }
    this.addSql(`insert into score_dirty (credit_code) select credit_code from enterprise on conflict do nothing`);

    // MON_MISSING walks each outlet's reported days in order: an index-only scan instead of hashing and sorting millions of rows.
    this.addSql(`create index monitoring_day_outlet_day_idx on monitoring_day (credit_code, outlet_code, day) include (valid_hours)`);

    // Versions of source rows, for reports as of a past date.
    this.addSql(`create table record_history (
      system text not null,
      credit_code text not null,
      row jsonb not null,
      known_from timestamptz not null,
      known_to timestamptz not null
    )`);
    this.addSql(`create index record_history_enterprise_idx on record_history (credit_code, system, known_to)`);
    this.addSql(`create function record_keep_version() returns trigger language plpgsql as $fn$
      begin
        if tg_op = 'UPDATE' then
          if (to_jsonb(new) - 'recorded_at') = (to_jsonb(old) - 'recorded_at') then
            return new;
          end if;
          insert into record_history (system, credit_code, row, known_from, known_to)
          values (tg_table_name, old.credit_code, to_jsonb(old), old.recorded_at, now());
          new.recorded_at := now();
          return new;
        end if;
        insert into record_history (system, credit_code, row, known_from, known_to)
        values (tg_table_name, old.credit_code, to_jsonb(old), old.recorded_at, now());
        return old;
      end $fn$`);
    for (const t of SCORED_TABLES) {
      this.addSql(`alter table ${t} add column recorded_at timestamptz not null default now()`);
      this.addSql(`create trigger ${t}_keep_version before update or delete on ${t} for each row execute function record_keep_version()`);
    }
  }

  override async down(): Promise<void> {
    for (const t of SCORED_TABLES) {
      this.addSql(`drop trigger if exists ${t}_keep_version on ${t}`);
      for (const s of ['ins', 'upd', 'del']) this.addSql(`drop trigger if exists ${t}_dirty_${s} on ${t}`);
      this.addSql(`alter table ${t} drop column if exists recorded_at`);
    }
    for (const s of ['ins', 'upd', 'del']) this.addSql(`drop trigger if exists enterprise_rank_${s} on enterprise`);
    this.addSql(`drop trigger if exists enterprise_dirty_ins on enterprise`);
    for (const f of ['record_keep_version', 'score_mark_new', 'score_mark_old', 'score_mark_both', 'rank_on_insert', 'rank_on_delete', 'rank_on_update']) {
      this.addSql(`drop function if exists ${f}()`);
    }
    this.addSql(`drop function if exists load_rule_set(jsonb)`);
    this.addSql(`drop index if exists monitoring_day_outlet_day_idx`);
    for (const t of ['record_history', 'rank_bucket', 'rank_score', 'scoring_run', 'score_dirty', 'score_history', 'score_state', 'deduction',
      'rule_set_activation', 'rule', 'rule_set']) {
      this.addSql(`drop table if exists ${t}`);
    }
  }
}
