import { randomBytes } from 'node:crypto';
import os from 'node:os';
import cron, { ScheduledTask, TaskContext } from 'node-cron';
import { Pool } from 'pg';
import { CHINA_TIME_ZONE } from '../domain/china-date';
import { markAbandonedRuns } from '../ingest/abandoned-runs';
import { ConnectorBusyError, SyncRunner } from '../ingest/sync.runner';
import { ScheduledTaskDefinition } from './scheduled-task.types';
import { TaskClaim, TaskLeaseRepository } from './task-lease.repository';

/** Options of {@link HubScheduler}. */
export interface HubSchedulerOptions {
  /** Identifies this process in leases (default host:pid:random). */
  holder?: string;
  /** Replaces every connector's schedule (e.g. `*\/2 * * * * *` in tests); env HUB_SCHEDULE_OVERRIDE. */
  scheduleOverride?: string;
  /** Timeout of a connector run (default 30 min). */
  connectorTimeoutMs?: number;
  /** How often the connector list is re-read for new or changed schedules (default 60 s). */
  refreshMs?: number;
  /** How often work left by dead processes (runs, firings) is looked for (default 5 s). */
  sweepMs?: number;
  /** Cron time zone (default Asia/Shanghai). */
  timezone?: string;
  log?: (line: string) => void;
}

/** What the scheduler uses: the database (leases, connector schedules), the runner (connector tasks) and the log. */
export interface SchedulerDeps {
  db: { pool: Pool };
  runner: Pick<SyncRunner, 'run' | 'recordPendingOutcomes'>;
  log: (line: string) => void;
}

interface Running {
  def: ScheduledTaskDefinition;
  task: ScheduledTask;
}

/**
 * Runs scheduled work in every `hub serve` process: one task per enabled
 * connector with a schedule (re-read periodically, so stewards' changes and
 * new declarative connectors are picked up), plus the tasks the composition
 * root lists (`src/app/scheduled-tasks.ts`: the daily task, webhook deliveries).
 * node-cron fires each slot in every process; the database claim lets exactly
 * one process run it, with `preventOverlap` (a session-bound lock, free again
 * as soon as a holder dies) and a timeout. Every few seconds it marks the
 * connector runs and firings whose process is gone as abandoned, and writes
 * the outcomes of runs a database outage cut off.
 */
export class HubScheduler {
  readonly holder: string;
  private readonly leases: TaskLeaseRepository;
  private readonly tasks = new Map<string, Running>();
  private readonly extra: ScheduledTaskDefinition[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly controllers = new Set<AbortController>();
  private refreshTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly services: SchedulerDeps,
    private readonly opts: HubSchedulerOptions = {},
  ) {
    this.holder = opts.holder ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leases = new TaskLeaseRepository(services.db.pool);
    this.log = opts.log ?? services.log;
  }

  /** Adds a task (before or after start). */
  addTask(def: ScheduledTaskDefinition): void {
    if (!cron.validate(def.schedule)) throw new Error(`task '${def.id}': schedule '${def.schedule}' is not a cron expression`);
    this.extra.push(def);
    if (this.refreshTimer) this.install(def);
  }

  /** Starts the tasks and the periodic refresh of connector schedules. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep();
    await this.refresh();
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs ?? 5_000);
    this.sweepTimer.unref();
    this.refreshTimer = setInterval(
      () => void this.refresh().catch((e) => this.log(`scheduler refresh failed: ${(e as Error).message}`)),
      this.opts.refreshMs ?? 60_000,
    );
    this.refreshTimer.unref();
    this.log(`scheduler started as ${this.holder} with ${this.tasks.size} task(s)`);
  }

  /** Marks work left by dead processes as abandoned (logged); failures wait for the next sweep (e.g. during an outage). */
  async sweep(): Promise<void> {
    try {
      const written = await this.services.runner.recordPendingOutcomes();
      if (written) this.log(`scheduler: recorded the outcome of ${written} run(s) cut off by a database outage`);
      for (const r of await markAbandonedRuns(this.services.db.pool)) this.log(`scheduler: run ${r.id} of '${r.connectorId}' abandoned (its process is gone)`);
      for (const f of await this.leases.sweepAbandoned()) this.log(`scheduler: task ${f.taskId} slot ${f.slot.toISOString()} abandoned by ${f.holder}`);
    } catch (e) {
      this.log(`scheduler: sweep failed: ${(e as Error).message}`);
    }
  }

  /** The tasks currently installed, with their schedules. */
  installed(): { id: string; schedule: string }[] {
    return [...this.tasks.values()].map((t) => ({ id: t.def.id, schedule: t.def.schedule }));
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
    for (const def of this.extra) wanted.set(def.id, def);
    for (const [id, running] of this.tasks) {
      const want = wanted.get(id);
      if (!want || want.schedule !== running.def.schedule) {
        await running.task.destroy();
        this.tasks.delete(id);
      }
    }
    for (const [id, def] of wanted) if (!this.tasks.has(id)) this.install(def);
  }

  private connectorTask(connectorId: string, schedule: string): ScheduledTaskDefinition {
    return {
      id: `connector:${connectorId}`,
      schedule,
      timeoutMs: this.opts.connectorTimeoutMs ?? 30 * 60_000,
      preventOverlap: true,
      run: async (signal) => {
        const s = await this.services.runner.run(connectorId, 'schedule', { signal });
        const line = `${s.status} fetched ${s.fetched} loaded ${s.loaded} quarantined ${s.quarantined} (run ${s.runId})`;
        if (s.status !== 'SUCCEEDED') throw new Error(`${line}: ${s.error ?? ''}`);
        return line;
      },
    };
  }

  private install(def: ScheduledTaskDefinition): void {
    if (this.stopped) return;
    const task = cron.createTask(def.schedule, (ctx: TaskContext) => this.fire(def, ctx.date), {
      name: def.id,
      noOverlap: def.preventOverlap,
      timezone: this.opts.timezone ?? CHINA_TIME_ZONE,
    });
    this.tasks.set(def.id, { def, task });
    void task.start();
  }

  /** One firing: claim the slot in the database, run with a timeout, record the outcome. */
  private fire(def: ScheduledTaskDefinition, when: Date): Promise<void> {
    const slot = new Date(Math.floor(when.getTime() / 1000) * 1000);
    const p = (async () => {
      if (this.stopped) return;
      let claimed: TaskClaim | null;
      try {
        claimed = await this.leases.claim(def.id, slot, this.holder, def.preventOverlap);
      } catch (e) {
        this.log(`task ${def.id} slot ${slot.toISOString()}: could not claim: ${(e as Error).message}`);
        return;
      }
      if (!claimed) return;
      const ac = new AbortController();
      this.controllers.add(ac);
      const timer = setTimeout(() => ac.abort(`timed out after ${def.timeoutMs} ms`), def.timeoutMs);
      let status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'SKIPPED' = 'SUCCEEDED';
      let detail: string | null = null;
      try {
        detail = (await def.run(ac.signal)) ?? null;
      } catch (e) {
        status = e instanceof ConnectorBusyError ? 'SKIPPED' : ac.signal.aborted ? 'TIMED_OUT' : 'FAILED';
        detail = (e as Error).message;
      } finally {
        clearTimeout(timer);
        this.controllers.delete(ac);
      }
      this.log(`task ${def.id} slot ${slot.toISOString()}: ${status}${detail ? ` — ${detail}` : ''}`);
      await claimed.finish(status, detail).catch((e) => this.log(`task ${def.id}: could not record the firing: ${(e as Error).message}`));
    })();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Stops firing, asks running work to stop after its current page, and waits for it (at most `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    // Running work stops after its current page (each page is committed whole).
    for (const ac of this.controllers) ac.abort('hub shutting down');
    if (this.inFlight.size) await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
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
