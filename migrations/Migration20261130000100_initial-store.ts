import { Migration } from '@mikro-orm/migrations';
import { DIVISIONS_SHANDONG_SQL } from './frozen/divisions-shandong.sql';

/**
 * The unified store: divisions, enterprises and permits, the typed records of the
 * four source systems and ratings, raw source records with content hashes,
 * connectors with their state and runs, and quarantine.
 *
 * Every enterprise-owned table carries `credit_code` and leads its keys with it,
 * so the store can later be distributed by enterprise.
 */
export class Migration20261130000100InitialStore extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm`);

    this.addSql(`create table division (
      code text primary key check (code ~ '^[0-9]{6}$'),
      name text not null,
      level text not null check (level in ('PROVINCE', 'CITY', 'COUNTY')),
      parent_code text references division (code)
    )`);
    this.addSql(`create index division_parent_idx on division (parent_code)`);

    this.addSql(`create table enterprise (
      credit_code text primary key check (length(credit_code) = 18),
      name text not null,
      division_code text not null references division (code),
      city_code text generated always as (substr(division_code, 1, 4) || '00') stored,
      address text,
      longitude double precision,
      latitude double precision,
      industry_code text,
      supervision_level text,
      management_class text,
      basin text,
      pollution_types text[] not null default '{}',
      air_sources text[] not null default '{}',
      monitoring_facilities text[] not null default '{}',
      source_updated_at timestamptz,
      score integer not null default 100,
      risk_level text not null default 'LOW' check (risk_level in ('LOW', 'MEDIUM', 'HIGH')),
      scored_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create index enterprise_score_idx on enterprise (score, credit_code)`);
    this.addSql(`create index enterprise_name_order_idx on enterprise (name, credit_code)`);
    this.addSql(`create index enterprise_division_idx on enterprise (division_code, credit_code)`);
    this.addSql(`create index enterprise_city_idx on enterprise (city_code, credit_code)`);
    this.addSql(`create index enterprise_name_trgm_idx on enterprise using gin (name gin_trgm_ops)`);

    this.addSql(`create table permit (
      credit_code text not null,
      permit_no text not null,
      valid_from date not null,
      valid_to date not null,
      status text not null check (status in ('VALID', 'EXPIRED', 'REVOKED')),
      primary key (credit_code, permit_no)
    )`);
    this.addSql(`create index permit_no_idx on permit (permit_no)`);

    this.addSql(`create table enforcement_record (
      credit_code text not null,
      record_id text not null,
      kind text not null check (kind in ('INSPECTION', 'MEASURE')),
      event_date date not null,
      finding text check (finding in ('NONE', 'VIOLATION', 'NO_PERMIT')),
      measure_type text check (measure_type in ('SUSPEND_PRODUCTION', 'SEAL_SEIZE', 'RESTRICT_PRODUCTION',
        'ORDER_CORRECTION', 'TRANSFER_DETENTION', 'TRANSFER_CRIMINAL', 'NO_PERMIT')),
      status text not null check (status in ('ACTIVE', 'WITHDRAWN')),
      modified_at timestamptz not null,
      primary key (record_id)
    )`);
    this.addSql(`create index enforcement_record_enterprise_idx on enforcement_record (credit_code, event_date)`);

    this.addSql(`create table penalty (
      credit_code text not null,
      case_no text not null,
      decision_date date not null,
      amount numeric(16, 2) not null check (amount >= 0),
      daily_consecutive boolean not null,
      status text not null check (status in ('FILED', 'DECIDED', 'EXECUTED', 'REVOKED')),
      modified_at timestamptz not null,
      primary key (case_no)
    )`);
    this.addSql(`create index penalty_enterprise_idx on penalty (credit_code, decision_date)`);

    this.addSql(`create table monitoring_day (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      day date not null,
      valid_hours smallint not null check (valid_hours between 0 and 24),
      exceed_hours smallint not null check (exceed_hours between 0 and 24),
      daily_mean double precision,
      limit_value double precision,
      unit text,
      primary key (credit_code, outlet_code, pollutant_code, day)
    )`);
    this.addSql(`create index monitoring_day_day_idx on monitoring_day (day)`);

    this.addSql(`create table credit_rating (
      credit_code text not null,
      connector_id text not null,
      level text not null check (level in ('green', 'blue', 'yellow', 'red', 'black')),
      rated_on date not null,
      source_updated_at timestamptz,
      primary key (credit_code, connector_id)
    )`);

    this.addSql(`create table connector (
      id text primary key check (id ~ '^[a-z][a-z0-9-]{1,62}$'),
      kind text not null check (kind in ('code', 'declarative')),
      title text not null,
      owner text,
      schedule text,
      enabled boolean not null default true,
      definition jsonb,
      config jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);

    this.addSql(`create table connector_state (
      connector_id text primary key references connector (id) on delete cascade,
      cursor jsonb,
      updated_at timestamptz not null default now()
    )`);

    this.addSql(`create table connector_run (
      id bigint generated always as identity primary key,
      connector_id text not null references connector (id) on delete cascade,
      trigger text not null default 'manual',
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'RUNNING' check (status in ('RUNNING', 'SUCCEEDED', 'FAILED')),
      fetched integer not null default 0,
      loaded integer not null default 0,
      unchanged integer not null default 0,
      quarantined integer not null default 0,
      error text
    )`);
    this.addSql(`create index connector_run_connector_idx on connector_run (connector_id, started_at desc)`);

    this.addSql(`create table source_record (
      connector_id text not null,
      source_id text not null,
      kind text not null,
      credit_code text,
      payload jsonb not null,
      content_hash text not null,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      changed_at timestamptz not null default now(),
      primary key (connector_id, source_id)
    )`);
    this.addSql(`create index source_record_credit_code_idx on source_record (credit_code)`);

    this.addSql(`create table quarantine (
      id bigint generated always as identity primary key,
      connector_id text not null,
      run_id bigint,
      source_id text,
      payload jsonb not null,
      payload_hash text not null,
      reason text not null,
      status text not null default 'OPEN' check (status in ('OPEN', 'REPROCESSED', 'DISCARDED')),
      received_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      resolved_at timestamptz
    )`);
    this.addSql(`create unique index quarantine_open_payload_idx on quarantine (connector_id, payload_hash) where status = 'OPEN'`);
    this.addSql(`create index quarantine_connector_idx on quarantine (connector_id, received_at desc)`);
    this.addSql(`create index quarantine_open_source_idx on quarantine (connector_id, source_id) where status = 'OPEN'`);

    this.loadDivisions();
  }

  /** Shandong's divisions as the project shipped them when this migration was written (parents first). */
  private loadDivisions(): void {
    this.addSql(DIVISIONS_SHANDONG_SQL);
  }

  override async down(): Promise<void> {
    for (const t of ['quarantine', 'source_record', 'connector_run', 'connector_state', 'connector', 'credit_rating',
      'monitoring_day', 'penalty', 'enforcement_record', 'permit', 'enterprise', 'division']) {
      this.addSql(`drop table if exists ${t}`);
    }
  }
}
