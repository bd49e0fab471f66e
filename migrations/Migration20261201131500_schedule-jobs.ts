import { Migration } from '@mikro-orm/migrations';

/**
 * Schedules run through the job queue (graphile-worker): a slot is one row of
 * `scheduled_task_firing` inserted in the same statement as its job, so the
 * lease table `scheduled_task` goes. A firing is QUEUED (its job waits) before
 * it is RUNNING; `worker` names the job queue's worker pool running it (whose
 * session lock tells whether it is alive) and `job_key` its job.
 */
export class Migration20261201131500ScheduleJobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop table if exists scheduled_task`);
    this.addSql(`alter table scheduled_task_firing drop constraint if exists scheduled_task_firing_status_check`);
    this.addSql(`alter table scheduled_task_firing
      add constraint scheduled_task_firing_status_check check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'SKIPPED')),
      alter column status set default 'QUEUED',
      alter column holder drop not null,
      alter column started_at drop not null,
      alter column started_at drop default,
      add column queued_at timestamptz not null default now(),
      add column worker text,
      add column job_key text`);
    this.addSql(`create index scheduled_task_firing_open_idx on scheduled_task_firing (status) where status in ('QUEUED', 'RUNNING')`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists scheduled_task_firing_open_idx`);
    this.addSql(`delete from scheduled_task_firing where status = 'QUEUED' or started_at is null`);
    this.addSql(`alter table scheduled_task_firing drop constraint if exists scheduled_task_firing_status_check`);
    this.addSql(`alter table scheduled_task_firing
      add constraint scheduled_task_firing_status_check check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'SKIPPED')),
      alter column status set default 'RUNNING',
      alter column started_at set default now(),
      alter column started_at set not null,
      drop column queued_at,
      drop column worker,
      drop column job_key`);
    this.addSql(`update scheduled_task_firing set holder = '' where holder is null`);
    this.addSql(`alter table scheduled_task_firing alter column holder set not null`);
    this.addSql(`create table scheduled_task (
      task_id text primary key,
      holder text,
      lease_until timestamptz,
      last_slot timestamptz,
      updated_at timestamptz not null default now()
    )`);
  }
}
