import os from 'node:os';
import { JobHelpers } from 'graphile-worker';
import cron, { ScheduledTask, TaskContext } from 'node-cron';
import { Pool } from 'pg';
import { CHINA_TIME_ZONE } from '../domain/china-date';
import { markAbandonedRuns } from '../ingest/abandoned-runs';
import { ConnectorBusyError, SyncRunner } from '../ingest/sync.runner';
import { JobQueue } from '../jobs/job-queue';
import { FiringJob, SCHEDULED_TASK_JOB, ScheduleFiringRepository, TaskLock } from './schedule-firing.repository';
import { FiringStatus, ScheduledTaskDefinition } from './scheduled-task.types';

/** Options of {@link HubScheduler}. */
export interface HubSchedulerOptions {
  /** Replaces every connector's schedule (e.g. `*\/2 * * * * *` in tests); env HUB_SCHEDULE_OVERRIDE. */
  scheduleOverride?: string;
  /** Timeout of a connector run (default 30 min). */
  connectorTimeoutMs?: number;
  /** How often the connector list is re-read for new or changed schedules (default 60 s). */
  refreshMs?: number;
  /** How often work left by dead processes (runs, firings, jobs) is looked for (default 5 s). */
  sweepMs?: number;
  /** Firings this process runs at once (default 8; a busy task's firing ends SKIPPED at once, so this bounds long runs only). */
  concurrency?: number;
  /** Job queue polling for retried bookkeeping, in ms (new firings arrive by NOTIFY at once; default 1 000). */
  pollInterval?: number;
  /** Cron time zone (default Asia/Shanghai). */
  timezone?: string;
  log?: (line: string) => void;
}

/** What the scheduler uses: the database (firings, connector schedules, the job queue), the runner (connector tasks) and the log. */
export interface SchedulerDeps {
  db: { pool: Pool };
  runner: Pick<SyncRunner, 'run' | 'recordPendingOutcomes'>;
  log: (line: string) => void;
}

/** A firing's outcome the database could not take yet (written at the next sweep). */
interface PendingFinish {
  taskId: string;
  slot: Date;
  worker: string;
  status: FiringStatus;
  detail: string | null;
}

const TIMEOUT_REASON = 'timed out after';
const SHUTDOWN_REASON = 'hub shutting down';

/**
 * Runs scheduled work through the job queue (graphile-worker) in every
 * `hub serve` process: one task per enabled connector with a schedule
 * (re-read periodically, so stewards' changes and new declarative connectors
 * are picked up), plus the tasks the composition root lists
 * (`src/app/scheduled-tasks.ts`).
 *
 * At each slot every process queues the slot's job (job key
 * `<task id>:<slot ISO>`) together with its `scheduled_task_firing` row, in
 * one statement; the row's primary key lets exactly one of them queue it.
 * Whichever process's worker takes the job runs the task with its timeout
 * and, with `preventOverlap`, only while it holds the task's session lock
 * (for a connector, the runner's `connector-run` lock, which manual runs take
 * too); a busy task's firing ends SKIPPED, naming what runs. Each slot is its own job outside any
 * serial queue, so a job stuck on a dead worker blocks no later slot. Every
 * few seconds the scheduler gives up firings and connector runs whose
 * process is gone, and writes outcomes a database outage held back.
 */
export class HubScheduler {
  private readonly firings: ScheduleFiringRepository;
  private readonly tickers = new Map<string, { def: ScheduledTaskDefinition; task: ScheduledTask }>();
  private readonly extra = new Map<string, ScheduledTaskDefinition>();
  private readonly controllers = new Set<AbortController>();
  private readonly pending = new Map<string, PendingFinish>();
  private jobs?: JobQueue;
  private refreshTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly services: SchedulerDeps,
    private readonly opts: HubSchedulerOptions = {},
  ) {
    this.firings = new ScheduleFiringRepository(services.db.pool);
    this.log = opts.log ?? services.log;
  }

  /** Adds a task (before or after start). */
  addTask(def: ScheduledTaskDefinition): void {
    if (!cron.validate(def.schedule)) throw new Error(`task '${def.id}': schedule '${def.schedule}' is not a cron expression`);
    this.extra.set(def.id, def);
    if (this.started) this.install(def);
  }

  /** Starts this process's job workers for firings, the slot tickers, and the periodic refresh and sweep. */
  async start(): Promise<void> {
    this.stopped = false;
    this.jobs = await JobQueue.start(
      this.services.db.pool,
      { [SCHEDULED_TASK_JOB]: (payload, helpers) => this.runFiring(payload, helpers) },
      { concurrency: this.opts.concurrency ?? 8, pollInterval: this.opts.pollInterval, sweepMs: this.opts.sweepMs, log: this.log },
    );
    this.started = true;
    await this.sweep();
    await this.refresh();
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs ?? 5_000);
    this.sweepTimer.unref();
    this.refreshTimer = setInterval(
      () => void this.refresh().catch((e) => this.log(`scheduler refresh failed: ${(e as Error).message}`)),
      this.opts.refreshMs ?? 60_000,
    );
    this.refreshTimer.unref();
    this.log(`scheduler started on ${os.hostname()}:${process.pid} (job worker ${this.jobs.workerIds.join(', ')}) with ${this.tickers.size} task(s)`);
  }

  /** Gives up work left by dead processes (logged) and writes held-back outcomes; failures wait for the next sweep (e.g. during an outage). */
  async sweep(): Promise<void> {
    try {
      const written = await this.services.runner.recordPendingOutcomes();
      if (written) this.log(`scheduler: recorded the outcome of ${written} run(s) cut off by a database outage`);
      for (const [key, p] of [...this.pending]) {
        await this.firings.finish(p.taskId, p.slot, p.worker, p.status, p.detail);
        this.pending.delete(key);
      }
      for (const r of await markAbandonedRuns(this.services.db.pool)) this.log(`scheduler: run ${r.id} of '${r.connectorId}' abandoned (its process is gone)`);
      for (const f of await this.firings.sweepAbandoned())
        this.log(`scheduler: task ${f.taskId} slot ${f.slot.toISOString()} abandoned${f.holder ? ` by ${f.holder}` : ''}`);
    } catch (e) {
      this.log(`scheduler: sweep failed: ${(e as Error).message}`);
    }
  }

  /** The tasks whose slots this process queues, with their schedules. */
  installed(): { id: string; schedule: string }[] {
    return [...this.tickers.values()].map((t) => ({ id: t.def.id, schedule: t.def.schedule }));
  }

  /** Re-reads connectors: installs new schedules, replaces changed ones, removes disabled ones. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    const res = await this.services.db.pool.query<{ id: string; schedule: string | null }>(
      `select id, schedule from connector where enabled and schedule is not null order by id`,
    );
    const wanted = new Map<string, ScheduledTaskDefinition>();
    for (const r of res.rows) {
      const schedule = this.opts.scheduleOverride ?? r.schedule!;
      if (!cron.validate(schedule)) {
        this.log(`connector '${r.id}': schedule '${schedule}' is not a cron expression; not scheduled`);
        continue;
      }
      wanted.set(`connector:${r.id}`, this.connectorTask(r.id, schedule));
    }
    for (const def of this.extra.values()) wanted.set(def.id, def);
    for (const [id, t] of this.tickers) {
      const want = wanted.get(id);
      if (!want || want.schedule !== t.def.schedule) {
        await t.task.destroy();
        this.tickers.delete(id);
      }
    }
    for (const [id, def] of wanted) if (!this.tickers.has(id)) this.install(def);
  }

  /** Queues `slot` of a task (what each process does at each slot); true when this call queued it, false when another had. */
  enqueue(taskId: string, slot: Date): Promise<boolean> {
    return this.firings.enqueue(taskId, slot);
  }

  private connectorTask(connectorId: string, schedule: string): ScheduledTaskDefinition {
    return {
      id: `connector:${connectorId}`,
      schedule,
      timeoutMs: this.opts.connectorTimeoutMs ?? 30 * 60_000,
      preventOverlap: true,
      // SyncRunner.run holds the connector's `connector-run` lock (manual runs take it too) and throws ConnectorBusyError.
      runHoldsLock: true,
      run: async (signal) => {
        const s = await this.services.runner.run(connectorId, 'schedule', { signal });
        const line = `${s.status} fetched ${s.fetched} loaded ${s.loaded} quarantined ${s.quarantined} (run ${s.runId})`;
        if (s.status !== 'SUCCEEDED') throw new Error(`${line}: ${s.error ?? ''}`);
        return line;
      },
    };
  }

  /** The task a firing's job names: a listed task, or a connector's (whose schedule the connector table holds). */
  private definition(taskId: string): ScheduledTaskDefinition | undefined {
    const listed = this.extra.get(taskId) ?? this.tickers.get(taskId)?.def;
    if (listed) return listed;
    return taskId.startsWith('connector:') ? this.connectorTask(taskId.slice('connector:'.length), '') : undefined;
  }

  private install(def: ScheduledTaskDefinition): void {
    if (this.stopped) return;
    const task = cron.createTask(def.schedule, (ctx: TaskContext) => this.tick(def.id, ctx.date), {
      name: def.id,
      timezone: this.opts.timezone ?? CHINA_TIME_ZONE,
    });
    this.tickers.set(def.id, { def, task });
    void task.start();
  }

  private async tick(taskId: string, when: Date): Promise<void> {
    if (this.stopped) return;
    const slot = new Date(Math.floor(when.getTime() / 1000) * 1000);
    await this.firings.enqueue(taskId, slot).catch((e) => this.log(`task ${taskId} slot ${slot.toISOString()}: could not queue: ${(e as Error).message}`));
  }

  /** The job of one firing: start it (once), hold the task's lock when it must not overlap, run with a timeout, record the outcome. */
  private async runFiring(payload: unknown, helpers: JobHelpers): Promise<void> {
    const { taskId, slot: slotIso } = (payload ?? {}) as Partial<FiringJob>;
    if (typeof taskId !== 'string' || typeof slotIso !== 'string') throw new Error(`${SCHEDULED_TASK_JOB}: payload needs taskId and slot`);
    const slot = new Date(slotIso);
    const worker = helpers.job.locked_by ?? this.jobs!.workerIds[0];
    const holder = `${os.hostname()}:${process.pid}:${worker}`;
    // Leaving QUEUED happens once: a job run again (its worker died, its bookkeeping failed) finds the firing taken.
    if (!(await this.firings.start(taskId, slot, holder, worker))) return;
    const def = this.definition(taskId);
    let status: FiringStatus = 'SUCCEEDED';
    let detail: string | null = null;
    if (!def) {
      status = 'FAILED';
      detail = `task '${taskId}' is not known to the process that took it (${holder})`;
    } else {
      let lock: TaskLock | null = null;
      const ac = new AbortController();
      const onShutdown = () => ac.abort(SHUTDOWN_REASON);
      const timer = setTimeout(() => ac.abort(`${TIMEOUT_REASON} ${def.timeoutMs} ms`), def.timeoutMs);
      try {
        const locking = def.preventOverlap && !def.runHoldsLock;
        if (locking) lock = await this.firings.lockTask(taskId);
        if (locking && !lock) {
          const other = await this.firings.running(taskId, slot);
          status = 'SKIPPED';
          detail = `task '${taskId}' is still running${other ? ` (slot ${other.slot.toISOString()} on ${other.holder})` : ''}`;
        } else {
          this.controllers.add(ac);
          if (this.stopped) ac.abort(SHUTDOWN_REASON);
          helpers.abortSignal.addEventListener('abort', onShutdown);
          detail = (await def.run(ac.signal)) ?? null;
        }
      } catch (e) {
        const reason = ac.signal.aborted ? String(ac.signal.reason) : '';
        status = e instanceof ConnectorBusyError ? 'SKIPPED' : reason.startsWith(TIMEOUT_REASON) ? 'TIMED_OUT' : 'FAILED';
        detail = reason && !(e as Error).message.includes(reason) ? `${(e as Error).message} (${reason})` : (e as Error).message;
      } finally {
        clearTimeout(timer);
        helpers.abortSignal.removeEventListener('abort', onShutdown);
        this.controllers.delete(ac);
        await lock?.release();
      }
    }
    this.log(`task ${taskId} slot ${slot.toISOString()}: ${status}${detail ? ` — ${detail}` : ''}`);
    await this.firings.finish(taskId, slot, worker, status, detail).catch((e) => {
      this.log(`task ${taskId}: could not record the firing (written at the next sweep): ${(e as Error).message}`);
      this.pending.set(`${taskId}@${slotIso}`, { taskId, slot, worker, status, detail });
    });
  }

  /** Stops queuing slots, asks running firings to stop after their current page, and waits for them (at most `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const { task } of this.tickers.values()) await task.destroy();
    this.tickers.clear();
    // Running work stops after its current page (each page is committed whole).
    for (const ac of this.controllers) ac.abort(SHUTDOWN_REASON);
    if (!this.jobs) return;
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([
      this.jobs.stop().then(() => true),
      new Promise<false>((r) => {
        timer = setTimeout(() => r(false), graceMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!gone) this.log(`scheduler: running firings did not stop within ${graceMs} ms`);
    // Outcomes the database refused a moment ago get one more try.
    for (const p of this.pending.values()) await this.firings.finish(p.taskId, p.slot, p.worker, p.status, p.detail).catch(() => undefined);
  }
}

/**
 * Starts the scheduler of a serving hub process with `tasks` besides the
 * connector schedules (env HUB_SCHEDULE_OVERRIDE replaces connector schedules).
 */
export async function startHubScheduler(
  services: SchedulerDeps,
  tasks: readonly ScheduledTaskDefinition[],
  opts: HubSchedulerOptions = {},
): Promise<HubScheduler> {
  const override = opts.scheduleOverride ?? (process.env.HUB_SCHEDULE_OVERRIDE || undefined);
  if (override && !cron.validate(override)) throw new Error(`HUB_SCHEDULE_OVERRIDE '${override}' is not a cron expression`);
  const scheduler = new HubScheduler(services, { ...opts, scheduleOverride: override });
  for (const task of tasks) scheduler.addTask(task);
  await scheduler.start();
  return scheduler;
}
