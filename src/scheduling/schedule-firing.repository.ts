import { Pool, PoolClient } from 'pg';
import { JOB_SCHEMA, workerAliveSql } from '../jobs/job-queue';
import { FiringStatus } from './scheduled-task.types';

/** Task identifier of a scheduled firing's job (payload: {@link FiringJob}). */
export const SCHEDULED_TASK_JOB = 'scheduled-task';

/**
 * Attempts of a firing's job. The work itself runs at most once per slot (the
 * firing leaves QUEUED once); further attempts only retry the bookkeeping
 * around it when the database refused it (an outage). A failed run is not
 * retried: the task's next slot is its retry.
 */
export const SCHEDULED_TASK_MAX_ATTEMPTS = 3;

/** Advisory-lock namespace a firing of a `preventOverlap` task holds while it runs (second key: `hashtext(task id)`). */
const TASK_LOCK = 'scheduled-task';

/** How a RUNNING firing whose worker is gone is marked. */
const ABANDONED = `status = 'FAILED', finished_at = now(), detail = 'abandoned: the process running it (' || f.holder || ') stopped or lost its database session'`;

/** The payload of a firing's job. */
export interface FiringJob {
  taskId: string;
  /** The slot, ISO 8601. */
  slot: string;
}

/** The job key of a slot: `<task id>:<slot ISO>`, e.g. `connector:penalty:2026-12-01T02:30:00.000Z`. */
export function firingJobKey(taskId: string, slot: Date): string {
  return `${taskId}:${slot.toISOString()}`;
}

/** A task lock held on a connection of its own; release it when the firing ends. */
export interface TaskLock {
  release(): Promise<void>;
}

/**
 * `scheduled_task_firing`: one row per fired slot of a task (primary key
 * `(task_id, slot)`), written in the same statement as the slot's job, so
 * however many processes fire a slot it is queued once, and never again
 * after its job is done (graphile-worker deletes finished jobs, so a job key
 * alone would let a late process queue a finished slot anew). A firing goes
 * QUEUED → RUNNING (recording the worker pool running it) → its outcome.
 */
export class ScheduleFiringRepository {
  constructor(private readonly pool: Pool) {}

  /** Queues `slot` of a task unless some process queued it already; true when this call queued it. */
  async enqueue(taskId: string, slot: Date): Promise<boolean> {
    const key = firingJobKey(taskId, slot);
    const res = await this.pool.query(
      `with fired as (
         insert into scheduled_task_firing (task_id, slot, job_key) values ($1, $2, $3)
         on conflict (task_id, slot) do nothing
         returning task_id)
       select ${JOB_SCHEMA}.add_job($4, json_build_object('taskId', $1::text, 'slot', $5::text), max_attempts => $6::smallint,
                                    job_key => $3, job_key_mode => 'unsafe_dedupe')
         from fired`,
      [taskId, slot, key, SCHEDULED_TASK_JOB, slot.toISOString(), SCHEDULED_TASK_MAX_ATTEMPTS],
    );
    return res.rowCount === 1;
  }

  /**
   * Marks a queued firing RUNNING on `worker` (the job's worker pool) for
   * `holder`; false when it is not QUEUED any more (it ran, or was given up),
   * and then nothing may run.
   */
  async start(taskId: string, slot: Date, holder: string, worker: string): Promise<boolean> {
    const res = await this.pool.query(
      `update scheduled_task_firing set status = 'RUNNING', holder = $3, worker = $4, started_at = now()
        where task_id = $1 and slot = $2 and status = 'QUEUED'`,
      [taskId, slot, holder, worker],
    );
    return res.rowCount === 1;
  }

  /** Records how a firing ended (also over an `abandoned` mark a sweep wrote while its lock connection was lost). */
  async finish(taskId: string, slot: Date, worker: string, status: FiringStatus, detail: string | null): Promise<void> {
    await this.pool.query(
      `update scheduled_task_firing set finished_at = now(), status = $4, detail = $5
        where task_id = $1 and slot = $2 and worker = $3 and (status = 'RUNNING' or detail like 'abandoned:%')`,
      [taskId, slot, worker, status, detail],
    );
  }

  /**
   * Takes the task's lock for a firing of a `preventOverlap` task, on a
   * connection of its own: null when a firing of the task still runs
   * somewhere. The lock belongs to the database session, so a holder killed
   * with `kill -9` frees it at once.
   */
  async lockTask(taskId: string): Promise<TaskLock | null> {
    const client = await this.pool.connect();
    try {
      const res = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('${TASK_LOCK}'), hashtext($1)) as ok`, [taskId]);
      if (!res.rows[0].ok) {
        client.release();
        return null;
      }
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
    return { release: () => unlock(client, taskId) };
  }

  /** The running firing of a task other than slot `except` (for the message of a skipped one). */
  async running(taskId: string, except: Date): Promise<{ slot: Date; holder: string } | null> {
    const res = await this.pool.query<{ slot: Date; holder: string }>(
      `select slot, holder from scheduled_task_firing where task_id = $1 and slot <> $2 and status = 'RUNNING' order by slot desc limit 1`,
      [taskId, except],
    );
    return res.rows[0] ?? null;
  }

  /**
   * Gives up firings whose work cannot end any more: RUNNING on a worker pool
   * whose session lock is gone (its process died), and QUEUED without a job
   * that can still run (its worker died before starting it, attempts used
   * up). Returns the firings marked.
   */
  async sweepAbandoned(): Promise<{ taskId: string; slot: Date; holder: string | null }[]> {
    const running = await this.pool.query(
      `update scheduled_task_firing f
          set ${ABANDONED}
        where f.status = 'RUNNING' and f.started_at < now() - interval '5 seconds' and not ${workerAliveSql('f.worker')}
        returning f.task_id as "taskId", f.slot, f.holder`,
    );
    const queued = await this.pool.query(
      `with lost as (
         select f.task_id, f.slot from scheduled_task_firing f
          where f.status = 'QUEUED' and f.queued_at < now() - interval '5 seconds'
            and not exists (select 1 from ${JOB_SCHEMA}._private_jobs j where j.key = f.job_key and j.attempts < j.max_attempts))
       update scheduled_task_firing f
          set status = 'FAILED', finished_at = now(), detail = 'abandoned: its job was taken by a process that stopped before starting it'
         from lost where f.task_id = lost.task_id and f.slot = lost.slot
       returning f.task_id as "taskId", f.slot, f.holder, f.job_key as "jobKey"`,
    );
    // A given-up job waits in the queue for nobody: remove it.
    for (const r of queued.rows) await this.pool.query(`select ${JOB_SCHEMA}.remove_job($1)`, [r.jobKey]);
    return [...running.rows, ...queued.rows.map(({ taskId, slot, holder }) => ({ taskId, slot, holder }))];
  }
}

/** Releases a task lock and its connection (a broken connection is discarded: its session, and lock, are gone). */
async function unlock(client: PoolClient, taskId: string): Promise<void> {
  try {
    await client.query(`select pg_advisory_unlock(hashtext('${TASK_LOCK}'), hashtext($1))`, [taskId]);
    client.release();
  } catch (e) {
    client.release(e as Error);
  }
}
