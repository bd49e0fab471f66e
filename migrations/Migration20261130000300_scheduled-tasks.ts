import { Migration } from '@mikro-orm/migrations';

/**
 * Scheduled tasks shared by every hub process on one database: a lease row per
 * task (who holds it, until when, the last slot fired) and one row per fired
 * slot, whose primary key makes each scheduled firing run exactly once.
 */
export class Migration20261130000300ScheduledTasks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table scheduled_task (
      task_id text primary key,
      holder text,
      lease_until timestamptz,
      last_slot timestamptz,
      updated_at timestamptz not null default now()
    )`);
    this.addSql(`create table scheduled_task_firing (
      task_id text not null,
      slot timestamptz not null,
      holder text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'RUNNING' check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'SKIPPED')),
      detail text,
      primary key (task_id, slot)
    )`);
    this.addSql(`create index scheduled_task_firing_started_idx on scheduled_task_firing (started_at desc)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists scheduled_task_firing`);
    this.addSql(`drop table if exists scheduled_task`);
  }
}
