import { Migration } from '@mikro-orm/migrations';

/**
 * Early warning (issue 7):
 *
 * - `warning`: one row per warning episode, with its workflow (OPEN → ACKNOWLEDGED → RESOLVED, who/when/note).
 *   A partial unique index keeps one unresolved warning per condition `(type, credit_code, subject)`;
 *   `condition_holds` says whether the detectors last saw the condition true, and a second partial unique index
 *   keeps one row per live condition, so a warning resolved by hand is not re-opened until the condition has
 *   cleared and come back.
 * - `warning_detection_state`: the score-history watermark of the post-sync detector step.
 * - `webhook`, `webhook_delivery`, `webhook_attempt`: registered receivers per division, one delivery per
 *   (webhook, warning) with its retry state, and the log of every attempt.
 * - Change events: statement triggers NOTIFY `hub_warning` (ids of new warnings, in chunks) and
 *   `hub_score_changed` (the id range of new score-history rows). NOTIFY is delivered at commit, so every
 *   replica hears exactly what was committed, whichever process committed it.
 */
export class Migration20261130000600Warnings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table warning (
      id bigint generated always as identity primary key,
      type text not null check (type in ('RISK_UP', 'SCORE_DROP', 'EXCEED_TREND', 'DATA_GAP', 'PERMIT_EXPIRING', 'FORECAST_HIGH')),
      credit_code text not null references enterprise (credit_code) on delete cascade,
      subject text not null default '',
      severity text not null check (severity in ('LOW', 'MEDIUM', 'HIGH')),
      status text not null default 'OPEN' check (status in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
      message text not null,
      details jsonb not null default '{}',
      condition_holds boolean not null default true,
      raised_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      acknowledged_at timestamptz,
      acknowledged_by text,
      acknowledged_key_id bigint,
      acknowledge_note text,
      resolved_at timestamptz,
      resolved_by text,
      resolved_key_id bigint,
      resolve_note text,
      resolution text check (resolution in ('MANUAL', 'CONDITION_CLEARED')),
      check ((status = 'RESOLVED') = (resolved_at is not null))
    )`);
    this.addSql(`create unique index warning_one_unresolved_idx on warning (type, credit_code, subject) where status <> 'RESOLVED'`);
    this.addSql(`create unique index warning_one_live_condition_idx on warning (type, credit_code, subject) where condition_holds`);
    this.addSql(`create index warning_enterprise_idx on warning (credit_code, id desc)`);
    this.addSql(`create index warning_status_idx on warning (status, id desc)`);
    this.addSql(`create index warning_type_idx on warning (type, id desc)`);

    this.addSql(`create table warning_detection_state (
      id boolean primary key default true check (id),
      history_watermark bigint not null default 0,
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`insert into warning_detection_state (history_watermark) select coalesce(max(id), 0) from score_history`);

    this.addSql(`create table webhook (
      id bigint generated always as identity primary key,
      division_code text not null references division (code),
      url text not null check (url ~ '^https?://'),
      secret text not null check (length(secret) >= 16),
      types text[],
      description text,
      enabled boolean not null default true,
      disabled_at timestamptz,
      disabled_reason text,
      consecutive_failures integer not null default 0,
      created_at timestamptz not null default now(),
      created_by text not null,
      created_key_id bigint
    )`);
    this.addSql(`create index webhook_division_idx on webhook (division_code) where enabled`);
    this.addSql(`create table webhook_delivery (
      id bigint generated always as identity primary key,
      webhook_id bigint not null references webhook (id) on delete cascade,
      warning_id bigint not null references warning (id) on delete cascade,
      event text not null,
      payload jsonb not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_status_code integer,
      last_error text,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      unique (webhook_id, warning_id, event)
    )`);
    this.addSql(`create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'PENDING'`);
    this.addSql(`create table webhook_attempt (
      id bigint generated always as identity primary key,
      delivery_id bigint not null references webhook_delivery (id) on delete cascade,
      attempt integer not null,
      at timestamptz not null default now(),
      status_code integer,
      error text,
      duration_ms integer not null
    )`);
    this.addSql(`create index webhook_attempt_delivery_idx on webhook_attempt (delivery_id, attempt)`);

    // Change events, sent at commit to every listening hub process.
    this.addSql(`create function warning_notify_raised() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify('hub_warning', json_build_object('ids', ids)::text)
          from (select array_agg(id order by id) as ids from (select id, (row_number() over (order by id) - 1) / 400 as g from warning_new) x group by g) c;
        return null;
      end $fn$`);
    this.addSql(`create trigger warning_raised_notify after insert on warning referencing new table as warning_new
      for each statement execute function warning_notify_raised()`);
    this.addSql(`create function score_history_notify() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify('hub_score_changed', json_build_object('from', min(id), 'to', max(id), 'n', count(*))::text)
          from score_history_new having count(*) > 0;
        return null;
      end $fn$`);
    this.addSql(`create trigger score_history_changed_notify after insert on score_history referencing new table as score_history_new
      for each statement execute function score_history_notify()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists score_history_changed_notify on score_history`);
    this.addSql(`drop function if exists score_history_notify()`);
    this.addSql(`drop trigger if exists warning_raised_notify on warning`);
    this.addSql(`drop function if exists warning_notify_raised()`);
    for (const t of ['webhook_attempt', 'webhook_delivery', 'webhook', 'warning_detection_state', 'warning']) this.addSql(`drop table if exists ${t}`);
  }
}
