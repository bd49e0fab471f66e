import { Migration } from '@mikro-orm/migrations';

/**
 * Supervision: the inspector roster, versioned random-inspection policies, and
 * drawn plans with the inputs they were drawn from.
 *
 * - `inspector`: one row per inspector of a county bureau (capacity per
 *   quarter, credit codes declared in conflict);
 * - `inspection_policy`: versions like `rule_set` (immutable definition, one
 *   active; the service seeds SD-INSPECT-2021 from its data file);
 * - `inspection_plan`: a drawn plan; `inspection_plan_pool` and
 *   `inspection_plan_roster` keep the exact pool and roster it was drawn from,
 *   so `hub plan verify` recomputes it; `inspection_plan_item` the drawn
 *   enterprises. A trigger keeps plans, pools, rosters and drawn items
 *   immutable (only an item's outcome — status and linked inspection — moves).
 */
export class Migration20261201110000SupervisionPlans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table inspector (
      id text primary key check (id ~ '^[A-Za-z0-9._-]{1,64}$'),
      name text not null,
      division_code text not null references division (code),
      capacity_per_quarter integer not null check (capacity_per_quarter >= 0),
      conflicts text[] not null default '{}',
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create index inspector_division_idx on inspector (division_code)`);

    this.addSql(`create table inspection_policy (
      version text primary key,
      title text,
      definition jsonb not null,
      active boolean not null default false,
      loaded_at timestamptz not null default now(),
      activated_at timestamptz
    )`);
    this.addSql(`create unique index inspection_policy_one_active_idx on inspection_policy (active) where active`);

    this.addSql(`create table inspection_plan (
      id bigint generated always as identity primary key,
      quarter text not null check (quarter ~ '^[0-9]{4}Q[1-4]$'),
      division_code text not null references division (code),
      seed text not null,
      policy_version text not null references inspection_policy (version),
      policy jsonb not null,
      plan_date date not null,
      replaces bigint references inspection_plan (id),
      digest text,
      counties jsonb,
      item_count integer,
      created_by text,
      created_at timestamptz not null default now()
    )`);
    this.addSql(`create index inspection_plan_quarter_idx on inspection_plan (quarter, division_code)`);

    this.addSql(`create table inspection_plan_pool (
      plan_id bigint not null references inspection_plan (id),
      credit_code text not null,
      division_code text not null,
      risk_level text not null,
      credit_level text,
      routine_draws integer not null,
      last_inspection date,
      previous_inspectors text[] not null,
      primary key (plan_id, credit_code)
    )`);
    this.addSql(`create table inspection_plan_roster (
      plan_id bigint not null references inspection_plan (id),
      inspector_id text not null,
      division_code text not null,
      capacity_per_quarter integer not null,
      conflicts text[] not null,
      primary key (plan_id, inspector_id)
    )`);
    this.addSql(`create table inspection_plan_item (
      plan_id bigint not null references inspection_plan (id),
      position integer not null,
      credit_code text not null,
      division_code text not null,
      class_code text not null,
      inspector_ids text[] not null,
      status text not null default 'PLANNED' check (status in ('PLANNED', 'DONE')),
      inspection_record_id text,
      primary key (plan_id, position)
    )`);
    this.addSql(`create index inspection_plan_item_enterprise_idx on inspection_plan_item (credit_code, plan_id)`);

    this.addSql(`create function inspection_plan_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'inspection plans are immutable (% on %)', tg_op, tg_table_name;
        end if;
        if tg_table_name = 'inspection_plan' then
          if old.digest is null and new.digest is not null
             and (new.quarter, new.division_code, new.seed, new.policy_version, new.plan_date) is not distinct from
                 (old.quarter, old.division_code, old.seed, old.policy_version, old.plan_date) then
            return new;
          end if;
        elsif tg_table_name = 'inspection_plan_item' then
          if (new.plan_id, new.position, new.credit_code, new.division_code, new.class_code, new.inspector_ids) is not distinct from
             (old.plan_id, old.position, old.credit_code, old.division_code, old.class_code, old.inspector_ids) then
            return new;
          end if;
        end if;
        raise exception 'inspection plans are immutable once drawn (update on %)', tg_table_name;
      end $$`);
    for (const t of ['inspection_plan', 'inspection_plan_pool', 'inspection_plan_roster', 'inspection_plan_item']) {
      this.addSql(`create trigger ${t}_immutable before update or delete on ${t} for each row execute function inspection_plan_immutable()`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table inspection_plan_item, inspection_plan_roster, inspection_plan_pool, inspection_plan, inspection_policy, inspector`);
    this.addSql(`drop function inspection_plan_immutable()`);
  }
}
