import { Migration } from '@mikro-orm/migrations';

/**
 * Dispatch (issue 19, spec supervision §2): warnings that call for an
 * inspection become tasks of the enterprise's county bureau.
 *
 * - `supervision_task`: one task per warning (`warning_id` unique), its county
 *   (`division_code`, for the jurisdiction predicate), the China date it was
 *   created, its deadline, the escalation level (0 county, 1 city, 2 province)
 *   with the next deadline, the inspector it was handed to, and the linked
 *   inspection once the enforcement connector brings one dated on or after the
 *   task's creation.
 * - `supervision_task_event`: the task's history, append-only (created,
 *   started, note, handed over, escalated, done — with actor and note); its
 *   insert trigger NOTIFYs `hub_task` with the event ids at commit, feeding the
 *   `taskChanged` subscription on every replica.
 * - `derive_product` 'supervision': the post-sync step links arriving
 *   inspections to open tasks and plan items over the marked enterprises.
 * - `webhook_delivery` also carries task events (`task_event_id`; then
 *   `warning_id` is null).
 */
export class Migration20261201140000SupervisionTasks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table supervision_task (
      id bigint generated always as identity primary key,
      warning_id bigint unique references warning (id) on delete set null,
      warning_type text not null,
      credit_code text not null,
      division_code text not null references division (code),
      severity text not null check (severity in ('LOW', 'MEDIUM', 'HIGH')),
      status text not null default 'ASSIGNED' check (status in ('ASSIGNED', 'IN_PROGRESS', 'ESCALATED', 'DONE')),
      created_at timestamptz not null default now(),
      created_date date not null,
      deadline date not null,
      deadline_days integer not null check (deadline_days > 0),
      escalation_level integer not null default 0 check (escalation_level between 0 and 2),
      escalated_at timestamptz,
      next_deadline date,
      inspector_id text references inspector (id),
      inspection_record_id text,
      inspection_date date,
      done_at timestamptz,
      updated_at timestamptz not null default now(),
      check ((status = 'DONE') = (inspection_record_id is not null))
    )`);
    this.addSql(`create index supervision_task_division_idx on supervision_task (division_code, id desc)`);
    this.addSql(`create index supervision_task_open_idx on supervision_task (credit_code) where status <> 'DONE'`);
    this.addSql(`create index supervision_task_deadline_idx on supervision_task (next_deadline) where status <> 'DONE'`);

    this.addSql(`create table supervision_task_event (
      id bigint generated always as identity primary key,
      task_id bigint not null references supervision_task (id) on delete cascade,
      kind text not null check (kind in ('CREATED', 'STARTED', 'NOTE', 'HANDED_OVER', 'ESCALATED', 'DONE')),
      at timestamptz not null default now(),
      actor text,
      note text,
      inspector_id text,
      escalation_level integer,
      inspection_record_id text
    )`);
    this.addSql(`create index supervision_task_event_task_idx on supervision_task_event (task_id, id)`);
    this.addSql(`create function supervision_task_event_notify() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify('hub_task', json_build_object('ids', ids)::text)
          from (select array_agg(id order by id) as ids from (select id, (row_number() over (order by id) - 1) / 400 as g from task_event_new) x group by g) c;
        return null;
      end $fn$`);
    this.addSql(`create trigger supervision_task_event_notify after insert on supervision_task_event referencing new table as task_event_new
      for each statement execute function supervision_task_event_notify()`);

    this.addSql(`insert into derive_product (product, description) values ('supervision', 'inspections linked to supervision tasks and plan items (SupervisionTaskService)')`);
    this.addSql(`insert into derive_dirty (product, credit_code) select 'supervision', credit_code from enterprise on conflict do nothing`);

    this.addSql(`alter table webhook_delivery alter column warning_id drop not null`);
    this.addSql(`alter table webhook_delivery add column task_event_id bigint references supervision_task_event (id) on delete cascade`);
    this.addSql(`alter table webhook_delivery add constraint webhook_delivery_subject_check check ((warning_id is null) <> (task_event_id is null))`);
    this.addSql(`create unique index webhook_delivery_task_event_idx on webhook_delivery (webhook_id, task_event_id, event) where task_event_id is not null`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from webhook_delivery where task_event_id is not null`);
    this.addSql(`alter table webhook_delivery drop constraint webhook_delivery_subject_check`);
    this.addSql(`alter table webhook_delivery drop column task_event_id`);
    this.addSql(`alter table webhook_delivery alter column warning_id set not null`);
    this.addSql(`delete from derive_product where product = 'supervision'`);
    this.addSql(`drop table supervision_task_event, supervision_task`);
    this.addSql(`drop function supervision_task_event_notify()`);
  }
}
