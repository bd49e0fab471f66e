import { Migration } from '@mikro-orm/migrations';

/**
 * Objections (异议, issue 19 scope 5, spec supervision §4): an enterprise
 * contests a deduction, through its county bureau or from its public report
 * page with a one-time code the bureau issued.
 *
 * - `objection_code`: one-time codes per enterprise, kept as SHA-256 hashes
 *   only (the code itself is shown once to the bureau that issues it), with an
 *   expiry and the objection that used it.
 * - `objection`: the contested deduction (rule, source system = connector,
 *   record id, its date and points when filed), the reason, how and by whom it
 *   was filed, the enterprise's county (`division_code`, for the jurisdiction
 *   predicate), the 15-day deadline with escalation like a task (0 county,
 *   1 city, 2 province, `next_deadline`), and the steward's answer. At most one
 *   unanswered objection per deduction.
 * - `objection_event`: the objection's history, append-only (filed,
 *   escalated, upheld, rejected — with actor and note).
 */
export class Migration20261201160000SupervisionObjections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table objection (
      id bigint generated always as identity primary key,
      credit_code text not null,
      division_code text not null references division (code),
      rule_code text not null,
      connector_id text not null,
      record_id text not null,
      event_date date not null,
      points integer not null,
      reason text not null check (length(reason) between 1 and 2000),
      filed_via text not null check (filed_via in ('BUREAU', 'REPORT_PAGE')),
      filed_by text not null,
      status text not null default 'OPEN' check (status in ('OPEN', 'ESCALATED', 'UPHELD', 'REJECTED')),
      created_at timestamptz not null default now(),
      created_date date not null,
      -- the 15-day deadline and its escalation, as supervision_task's
      deadline date not null, deadline_days integer not null check (deadline_days > 0), next_deadline date not null,
      escalation_level integer not null default 0 check (escalation_level between 0 and 2), escalated_at timestamptz,
      answer text,
      answered_by text,
      answered_at timestamptz,
      answered_date date,
      updated_at timestamptz not null default now(),
      check ((status in ('UPHELD', 'REJECTED')) = (answered_at is not null)),
      check (status <> 'REJECTED' or length(coalesce(answer, '')) > 0)
    )`);
    this.addSql(`create index objection_division_idx on objection (division_code, id desc)`);
    this.addSql(`create index objection_enterprise_idx on objection (credit_code, id desc)`);
    this.addSql(`create index objection_deadline_idx on objection (next_deadline) where status in ('OPEN', 'ESCALATED')`);
    this.addSql(`create unique index objection_one_open_idx on objection (credit_code, rule_code, connector_id, record_id) where status in ('OPEN', 'ESCALATED')`);

    this.addSql(`create table objection_code (
      id bigint generated always as identity primary key,
      credit_code text not null,
      code_hash text not null unique,
      issued_by text not null,
      issued_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      objection_id bigint references objection (id)
    )`);
    this.addSql(`create index objection_code_enterprise_idx on objection_code (credit_code) where used_at is null`);

    this.addSql(`create table objection_event (
      id bigint generated always as identity primary key,
      objection_id bigint not null references objection (id) on delete cascade,
      kind text not null check (kind in ('FILED', 'ESCALATED', 'UPHELD', 'REJECTED')),
      at timestamptz not null default now(),
      actor text,
      note text,
      escalation_level integer
    )`);
    this.addSql(`create index objection_event_objection_idx on objection_event (objection_id, id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table objection_event, objection_code, objection`);
  }
}
