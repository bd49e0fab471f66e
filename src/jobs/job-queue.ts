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

/**
 * SQL that is true when the worker pool named by the SQL expression `worker`
 * (a job's `locked_by`) is alive: some database session holds its
 * `job-worker` lock. The session ends with its process, so this turns false
 * within moments of a `kill -9`.
 */
export function workerAliveSql(worker: string): string {
  return `exists (select 1 from pg_locks l
                   where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                     and l.database = (select oid from pg_database where datname = current_database())
                     and l.classid = hashtext('${WORKER_LOCK}')::oid and l.objid = hashtext(${worker})::oid)`;
}

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
 * whose name graphile-worker locks jobs) holds a session-level advisory lock
 * for its life, on a connection of this process: when the process dies
 * (`kill -9`, a crash, a lost network) its session ends and the lock with it.
 * Every process sweeps every few seconds and hands the jobs of workers whose
 * lock is gone back to the queue (`forceUnlockWorkers`), instead of
 * graphile-worker's own four hours. A lock connection lost while the process
 * lives (a database restart) is replaced and the locks taken again at the next
 * sweep.
 */
export class JobQueue {
  private sweepTimer?: NodeJS.Timeout;
  private runner?: Runner;
  private utils?: WorkerUtils;
  private stopped = false;
  private lockBroken = false;
  /** One query at a time on the lock connection. */
  private chain: Promise<unknown> = Promise.resolve();
  /** The worker pools of this queue (graphile-worker locks jobs in their names). */
  readonly workerIds: string[] = [];

  private constructor(
    private readonly pool: Pool,
    private lockClient: PoolClient,
    private readonly log: (line: string) => void,
  ) {
    this.watch(lockClient);
  }

  static async start(pool: Pool, tasks: TaskList, opts: JobQueueOptions = {}): Promise<JobQueue> {
    const log = opts.log ?? (() => undefined);
    const queue = new JobQueue(pool, await pool.connect(), log);
    const events: WorkerEvents = new EventEmitter();
    // graphile-worker locks jobs and queues in the name of the worker pool (one per runner).
    events.on('pool:create', ({ workerPool }) => {
      queue.workerIds.push(workerPool.id);
      queue.chain = queue.chain
        .then(() => queue.lockWorker(workerPool.id))
        .then(() => log(`job queue: worker pool ${workerPool.id} started (pid ${process.pid})`))
        .catch((e) => log(`job queue: worker lock of ${workerPool.id} failed: ${(e as Error).message}`));
    });
    try {
      queue.runner = await run({
        pgPool: pool,
        taskList: tasks,
        concurrency: opts.concurrency ?? 4,
        pollInterval: opts.pollInterval ?? 1_000,
        noHandleSignals: true,
        events,
        logger: queueLogger(log),
      });
      // The worker's lock is held before anyone is told the queue runs.
      await queue.chain;
      queue.utils = await makeWorkerUtils({ pgPool: pool, logger: queueLogger(log) });
    } catch (e) {
      await queue.runner?.stop().catch(() => undefined);
      queue.lockClient.release();
      throw e;
    }
    queue.sweepTimer = setInterval(
      () => void queue.sweepDeadWorkers().catch((e) => log(`job queue: sweep failed: ${(e as Error).message}`)),
      opts.sweepMs ?? 5_000,
    );
    queue.sweepTimer.unref();
    return queue;
  }

  private watch(client: PoolClient): void {
    client.on('error', () => {
      if (client === this.lockClient) this.lockBroken = true;
    });
  }

  private async lockWorker(workerId: string): Promise<void> {
    await this.lockClient.query(`select pg_advisory_lock(hashtext('${WORKER_LOCK}'), hashtext($1))`, [workerId]);
  }

  /** A lock connection that broke (its locks are gone with its session) is replaced and the worker locks taken again. */
  private async keepWorkerLocks(): Promise<void> {
    if (!this.lockBroken || this.stopped) return;
    this.chain = this.chain.then(async () => {
      const fresh = await this.pool.connect();
      this.lockClient.release(new Error('lock connection lost'));
      this.lockClient = fresh;
      this.lockBroken = false;
      this.watch(fresh);
      for (const id of this.workerIds) await this.lockWorker(id);
      this.log(`job queue: worker locks taken again on a new connection (${this.workerIds.join(', ')})`);
    });
    await this.chain;
  }

  /**
   * Hands the jobs (and queues) locked by workers whose session lock is gone
   * back to the queue; a lock younger than 5 s is left alone (its worker may be
   * taking its session lock still). Returns the workers unlocked.
   */
  async sweepDeadWorkers(): Promise<string[]> {
    await this.keepWorkerLocks();
    const res = await this.pool.query<{ worker: string }>(
      `select distinct x.locked_by as worker
         from (select locked_by, locked_at from ${JOB_SCHEMA}._private_jobs where locked_by is not null
               union all
               select locked_by, locked_at from ${JOB_SCHEMA}._private_job_queues where locked_by is not null) x
        where x.locked_at < now() - interval '5 seconds' and not ${workerAliveSql('x.locked_by')}`,
    );
    const dead = res.rows.map((r) => r.worker);
    if (dead.length) {
      await this.utils!.forceUnlockWorkers(dead);
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
      await this.runner!.stop();
    } finally {
      await this.utils!.release();
      await this.chain.catch(() => undefined);
      try {
        await this.lockClient.query('select pg_advisory_unlock_all()');
        this.lockClient.release();
      } catch (e) {
        this.lockClient.release(e as Error);
      }
    }
  }
}
