import { EventEmitter } from 'node:events';
import { Logger, Runner, TaskList, WorkerEvents, WorkerUtils, makeWorkerUtils, run, runMigrations } from 'graphile-worker';
import { Pool, PoolClient } from 'pg';

/**
 * The hub's job queue: graphile-worker 0.17 on the hub's own PostgreSQL, in
 * its schema `graphile_worker` (installed and upgraded by its own migrations,
 * {@link migrateJobQueue}, when the database opens). A job is a row; any hub
 * process running a {@link JobQueue} takes it with `SKIP LOCKED`, so each job
 * runs on one process at a time, and a failed job is retried after
 * `e^attempts` seconds (capped at `e^10` ≈ 6 h) until its `max_attempts`.
 */

/** The job queue's schema. */
export const JOB_SCHEMA = 'graphile_worker';

/** Task identifier of a webhook delivery job (payload: `{ deliveryId }`). */
export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';

/** Attempts of one webhook delivery before it is given up (retries after e¹ … e⁷ s, ≈ 30 min in all). */
export const WEBHOOK_DELIVERY_MAX_ATTEMPTS = 8;

/** Advisory-lock namespace a job worker holds on its session (second key: `hashtext(worker id)`). */
const WORKER_LOCK = 'job-worker';

/** graphile-worker's log through the hub's (warnings and errors only). */
function queueLogger(log: (line: string) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === 'error' || level === 'warning') log(`job queue: ${message}`);
  });
}

/** Installs or upgrades the job queue's schema (idempotent; concurrent callers wait for each other). */
export async function migrateJobQueue(pool: Pool, log: (line: string) => void = () => undefined): Promise<void> {
  await runMigrations({ pgPool: pool, logger: queueLogger(log) });
}

export interface JobQueueOptions {
  /** Jobs run at once by this process (default 4). */
  concurrency?: number;
  /** Polling for retries and jobs due later, in ms (new jobs arrive by NOTIFY at once; default 1 000). */
  pollInterval?: number;
  /** How often jobs of dead workers are looked for, in ms (default 5 000). */
  sweepMs?: number;
  log?: (line: string) => void;
}

/**
 * Runs jobs of `tasks` on this process until {@link stop}. Its worker pool (in
 * whose name graphile-worker locks jobs) holds a session-level advisory lock for its life, on a connection of this process:
 * when the process dies (`kill -9`, a crash, a lost network) its session ends
 * and the lock with it. Every process sweeps every few seconds and hands the
 * jobs of workers whose lock is gone back to the queue (`forceUnlockWorkers`),
 * instead of graphile-worker's own four hours.
 */
export class JobQueue {
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly pool: Pool,
    private readonly runner: Runner,
    private readonly utils: WorkerUtils,
    private readonly lockClient: PoolClient,
    private readonly log: (line: string) => void,
  ) {}

  static async start(pool: Pool, tasks: TaskList, opts: JobQueueOptions = {}): Promise<JobQueue> {
    const log = opts.log ?? (() => undefined);
    const lockClient = await pool.connect();
    const events: WorkerEvents = new EventEmitter();
    // One query at a time on the lock connection.
    let chain: Promise<unknown> = Promise.resolve();
    // graphile-worker locks jobs and queues in the name of the worker pool (one per process).
    events.on('pool:create', ({ workerPool }) => {
      chain = chain
        .then(() => lockClient.query(`select pg_advisory_lock(hashtext('${WORKER_LOCK}'), hashtext($1))`, [workerPool.id]))
        .then(() => log(`job queue: worker pool ${workerPool.id} started (pid ${process.pid})`))
        .catch((e) => log(`job queue: worker lock of ${workerPool.id} failed: ${(e as Error).message}`));
    });
    let runner: Runner;
    try {
      runner = await run({
        pgPool: pool,
        taskList: tasks,
        concurrency: opts.concurrency ?? 4,
        pollInterval: opts.pollInterval ?? 1_000,
        noHandleSignals: true,
        events,
        logger: queueLogger(log),
      });
    } catch (e) {
      lockClient.release();
      throw e;
    }
    const utils = await makeWorkerUtils({ pgPool: pool, logger: queueLogger(log) });
    const queue = new JobQueue(pool, runner, utils, lockClient, log);
    queue.sweepTimer = setInterval(
      () => void queue.sweepDeadWorkers().catch((e) => log(`job queue: sweep failed: ${(e as Error).message}`)),
      opts.sweepMs ?? 5_000,
    );
    queue.sweepTimer.unref();
    return queue;
  }

  /**
   * Hands the jobs (and queues) locked by workers whose session lock is gone
   * back to the queue; a lock younger than 5 s is left alone (its worker may be
   * taking its session lock still). Returns the workers unlocked.
   */
  async sweepDeadWorkers(): Promise<string[]> {
    const res = await this.pool.query<{ worker: string }>(
      `select distinct x.locked_by as worker
         from (select locked_by, locked_at from ${JOB_SCHEMA}._private_jobs where locked_by is not null
               union all
               select locked_by, locked_at from ${JOB_SCHEMA}._private_job_queues where locked_by is not null) x
        where x.locked_at < now() - interval '5 seconds'
          and not exists (select 1 from pg_locks l
                           where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                             and l.database = (select oid from pg_database where datname = current_database())
                             and l.classid = hashtext('${WORKER_LOCK}')::oid and l.objid = hashtext(x.locked_by)::oid)`,
    );
    const dead = res.rows.map((r) => r.worker);
    if (dead.length) {
      await this.utils.forceUnlockWorkers(dead);
      this.log(`job queue: jobs of ${dead.length} dead worker(s) returned to the queue (${dead.join(', ')})`);
    }
    return dead;
  }

  /** Stops taking jobs, waits for the running ones, then releases the worker locks. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    try {
      await this.runner.stop();
    } finally {
      await this.utils.release();
      try {
        await this.lockClient.query('select pg_advisory_unlock_all()');
        this.lockClient.release();
      } catch (e) {
        this.lockClient.release(e as Error);
      }
    }
  }
}
