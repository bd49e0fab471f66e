import { makeWorkerUtils } from 'graphile-worker';
import { JOB_SCHEMA, JobQueue, workerAliveSql } from '../src/jobs/job-queue';
import { ConnectorBusyError } from '../src/ingest/sync.runner';
import { HubScheduler, SchedulerDeps } from '../src/scheduling/hub.scheduler';
import { SCHEDULED_TASK_JOB, ScheduleFiringRepository, firingJobKey } from '../src/scheduling/schedule-firing.repository';
import { ScheduledTaskDefinition } from '../src/scheduling/scheduled-task.types';
import { until } from './support/drill-kit';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * Scheduled firings as jobs of the job queue (graphile-worker), in one process
 * with several schedulers on one database standing in for replicas: each slot
 * is queued and run once, `preventOverlap` skips a busy task, a firing honours
 * its timeout, a failed firing is not retried (the next slot is), and a job
 * stuck on a dead worker blocks no later slot and never runs its slot late.
 */
/** A task firing every second, as the tests below define them. */
function everySecond(id: string, timeoutMs: number, preventOverlap: boolean, run: ScheduledTaskDefinition['run']): ScheduledTaskDefinition {
  return { id, schedule: '* * * * * *', timeoutMs, preventOverlap, run };
}

describe('scheduled firings through the job queue', () => {
  let tdb: TestDatabase;
  const schedulers: HubScheduler[] = [];
  const q = async <T = any>(sql: string, values: unknown[] = []) => (await tdb.db.pool.query(sql, values)).rows as T[];
  const lines: string[] = [];

  /** A scheduler of its own (its own job workers, tickers and holder), as a replica has. */
  async function replica(tasks: ScheduledTaskDefinition[], opts: { sweepMs?: number; run?: SchedulerDeps['runner']['run'] } = {}): Promise<HubScheduler> {
    const s = new HubScheduler(
      {
        db: tdb.db,
        runner: { run: opts.run ?? (() => Promise.reject(new Error('no connectors here'))), recordPendingOutcomes: async () => 0 },
        log: (l) => lines.push(l),
      },
      { sweepMs: opts.sweepMs ?? 500, refreshMs: 60_000, pollInterval: 200 },
    );
    for (const t of tasks) s.addTask(t);
    await s.start();
    schedulers.push(s);
    return s;
  }
  async function stopAll(): Promise<void> {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  }
  const finished = (task: string) =>
    q<{ slot: Date; status: string; detail: string | null; holder: string }>(
      `select slot, status, detail, holder from scheduled_task_firing where task_id = $1 and status not in ('QUEUED', 'RUNNING') order by slot`,
      [task],
    );
  const jobsOf = (task: string) =>
    q<{ key: string; attempts: number; locked_by: string | null }>(
      `select j.key, j.attempts, j.locked_by from ${JOB_SCHEMA}._private_jobs j join ${JOB_SCHEMA}._private_tasks t on t.id = j.task_id
        where t.identifier = $1 and j.key like $2 || ':%'`,
      [SCHEDULED_TASK_JOB, task],
    );

  beforeAll(async () => {
    tdb = await createTestDatabase();
    await q(`update connector set enabled = false`);
  });
  afterEach(stopAll);
  afterAll(async () => tdb?.drop());

  it('queues a slot once however many replicas queue it, and runs it once', async () => {
    let runs = 0;
    const task = () =>
      everySecond('every-second', 10_000, false, async () => {
        runs++;
        return 'done';
      });
    // Three replicas queue one slot at the same moment (three connections): one of them queues it.
    const repos = [0, 1, 2].map(() => new ScheduleFiringRepository(tdb.db.pool));
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const queued = await Promise.all(repos.map((r) => r.enqueue('by-hand', slot)));
    expect(queued.filter(Boolean)).toHaveLength(1);
    expect(await jobsOf('by-hand')).toEqual([{ key: firingJobKey('by-hand', slot), attempts: 0, locked_by: null }]);
    // Queued again after its job is gone (as a late replica would, after the job ran): still once.
    await q(`select ${JOB_SCHEMA}.remove_job($1)`, [firingJobKey('by-hand', slot)]);
    expect(await Promise.all(repos.map((r) => r.enqueue('by-hand', slot)))).toEqual([false, false, false]);
    expect(await jobsOf('by-hand')).toEqual([]);

    await replica([task()]);
    await replica([task()]);
    await replica([task()]);
    // Every second, each of the three tickers queues the slot; each slot runs once, on one replica.
    await until(async () => (await finished('every-second')).length >= 5, 30_000, 'five firings of every-second');
    await stopAll();
    const firings = await finished('every-second');
    const open = await q(`select count(*)::int n from scheduled_task_firing where task_id = 'every-second' and status in ('QUEUED', 'RUNNING')`);
    expect(firings.every((f) => f.status === 'SUCCEEDED' && f.detail === 'done')).toBe(true);
    expect(runs).toBe(firings.length);
    expect(runs + open[0].n).toBe((await q(`select count(*)::int n from scheduled_task_firing where task_id = 'every-second'`))[0].n);
    const slots = firings.map((f) => f.slot.getTime());
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBe(1000);
    expect(new Set(firings.map((f) => f.holder)).size).toBeGreaterThanOrEqual(1);
    expect(firings.every((f) => /^[^:]+:\d+:pool-/.test(f.holder))).toBe(true);
  });

  it('skips a firing while the previous one runs anywhere (preventOverlap), naming it, and never runs two at once', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const task = everySecond('long', 60_000, true, async () => {
      running++;
      most = Math.max(most, running);
      await gate;
      running--;
    });
    await replica([task]);
    await replica([task]);
    await until(async () => (await finished('long')).filter((f) => f.status === 'SKIPPED').length >= 3, 30_000, 'three skipped firings of long');
    const [first] = await q<{ slot: Date; holder: string }>(`select slot, holder from scheduled_task_firing where task_id = 'long' and status = 'RUNNING'`);
    release();
    await until(
      async () => (await finished('long')).filter((f) => f.status === 'SUCCEEDED' && f.slot > first.slot).length >= 1,
      30_000,
      'a firing after the long one',
    );
    await stopAll();
    const firings = await finished('long');
    expect(most).toBe(1);
    const skipped = firings.filter((f) => f.status === 'SKIPPED');
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(skipped.filter((f) => f.slot < firings.find((x) => x.slot > first.slot && x.status === 'SUCCEEDED')!.slot)[0].detail).toBe(
      `task 'long' is still running (slot ${first.slot.toISOString()} on ${first.holder})`,
    );
    expect(firings.every((f) => f.status === 'SUCCEEDED' || f.status === 'SKIPPED')).toBe(true);
  });

  it('skips a connector slot while a run of that connector (manual or scheduled) holds it, with the message of the runner', async () => {
    const busy = "connector 'penalty' is already running (run 7, manual, started 2026-12-01T02:30:00.000Z)";
    const s = await replica([], { run: () => Promise.reject(new ConnectorBusyError(busy)) });
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(await s.enqueue('connector:penalty', slot)).toBe(true);
    await until(async () => (await finished('connector:penalty')).length === 1, 30_000, 'the connector slot to end');
    expect((await finished('connector:penalty')).map((f) => [f.status, f.detail])).toEqual([['SKIPPED', busy]]);
  });

  it('ends a firing past its timeout as TIMED_OUT, and does not retry a failed one: the next slot runs', async () => {
    let slowRuns = 0;
    let failing = 0;
    await replica([
      {
        id: 'slow',
        schedule: '* * * * * *',
        timeoutMs: 300,
        preventOverlap: true,
        run: (signal) =>
          new Promise((_, reject) => {
            slowRuns++;
            signal.addEventListener('abort', () => reject(new Error(`stopped: ${String(signal.reason)}`)));
          }),
      },
      {
        id: 'failing',
        schedule: '* * * * * *',
        timeoutMs: 10_000,
        preventOverlap: false,
        run: async () => {
          failing++;
          throw new Error('source said no');
        },
      },
    ]);
    await until(
      async () => (await finished('slow')).filter((f) => f.status === 'TIMED_OUT').length >= 2 && (await finished('failing')).length >= 3,
      30_000,
      'firings of slow and failing',
    );
    await stopAll();
    const slow = await finished('slow');
    // Each ran until its timeout; one still running at the stop was asked to stop for the shutdown.
    const timedOut = slow.filter((f) => f.status === 'TIMED_OUT');
    expect(timedOut.length).toBeGreaterThanOrEqual(2);
    expect(timedOut.every((f) => f.detail === 'stopped: timed out after 300 ms')).toBe(true);
    expect(slow.filter((f) => f.status !== 'TIMED_OUT').map((f) => [f.status, f.detail])).toEqual(
      slow.length > timedOut.length ? [['FAILED', 'stopped: hub shutting down']] : [],
    );
    expect(slowRuns).toBe(slow.length);
    const failed = await finished('failing');
    expect(failed.every((f) => f.status === 'FAILED' && f.detail === 'source said no')).toBe(true);
    // Each failed slot ran once; its job is done (not waiting to retry), and later slots ran.
    expect(failing).toBe(failed.length);
    expect((await jobsOf('failing')).filter((j) => j.attempts > 0)).toEqual([]);
  });

  it('a job stuck locked by a dead worker blocks no later slot; once swept, its slot is given up, not run late', async () => {
    let runs = 0;
    const task = everySecond('after-death', 10_000, true, async () => {
      runs++;
    });
    // A dead process's firing: its job locked by its worker pool, whose session (and lock) is gone.
    const dead = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const key = firingJobKey('after-death', dead);
    await q(
      `insert into scheduled_task_firing (task_id, slot, job_key, status, holder, worker, started_at) values ('after-death', $1, $2, 'RUNNING', 'gone:1:pool-dead', 'pool-dead', now())`,
      [dead, key],
    );
    await q(`select ${JOB_SCHEMA}.add_job($1, json_build_object('taskId', 'after-death', 'slot', $2::text), max_attempts => 3::smallint, job_key => $3)`, [
      SCHEDULED_TASK_JOB,
      dead.toISOString(),
      key,
    ]);
    await q(`update ${JOB_SCHEMA}._private_jobs set locked_by = 'pool-dead', locked_at = now(), attempts = 1 where key = $1`, [key]);

    // No sweep runs (every 10 minutes): later slots run while the dead job stays locked.
    const s = await replica([task], { sweepMs: 600_000 });
    await until(async () => (await finished('after-death')).filter((f) => f.status === 'SUCCEEDED').length >= 2, 30_000, 'two later firings');
    expect(await jobsOf('after-death').then((js) => js.filter((j) => j.key === key))).toEqual([{ key, attempts: 1, locked_by: 'pool-dead' }]);

    // The sweep: the firing is abandoned, and the job handed back to the queue ends without running the task.
    await q(`update scheduled_task_firing set started_at = now() - interval '1 minute' where job_key = $1`, [key]);
    await s.sweep();
    expect(await q(`select status, detail from scheduled_task_firing where job_key = $1`, [key])).toEqual([
      { status: 'FAILED', detail: 'abandoned: the process running it (gone:1:pool-dead) stopped or lost its database session' },
    ]);
    const utils = await makeWorkerUtils({ pgPool: tdb.db.pool });
    await utils.forceUnlockWorkers(['pool-dead']);
    await utils.release();
    await until(async () => (await jobsOf('after-death')).every((j) => j.key !== key), 30_000, 'the dead job to end');
    await stopAll();
    expect(runs).toBe((await finished('after-death')).filter((f) => f.status === 'SUCCEEDED').length);
  });

  it('gives up a queued firing whose job can no longer run (its worker died before starting it)', async () => {
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000 - 120_000);
    // Queued, then its one attempt taken by a worker that died before starting it (no attempts left).
    expect(await new ScheduleFiringRepository(tdb.db.pool).enqueue('orphan', slot)).toBe(true);
    await q(`update ${JOB_SCHEMA}._private_jobs set attempts = max_attempts where key = $1`, [firingJobKey('orphan', slot)]);
    await q(`update scheduled_task_firing set queued_at = now() - interval '1 minute' where task_id = 'orphan'`);
    const s = await replica([], { sweepMs: 600_000 });
    await s.sweep();
    expect(await q(`select status, detail from scheduled_task_firing where task_id = 'orphan'`)).toEqual([
      { status: 'FAILED', detail: 'abandoned: its job was taken by a process that stopped before starting it' },
    ]);
    expect(await jobsOf('orphan')).toEqual([]);
  });

  it('a job worker whose lock connection is lost (a database restart) takes its lock again, so its jobs are not taken from it', async () => {
    const jobs = await JobQueue.start(tdb.db.pool, { noop: async () => undefined }, { sweepMs: 600_000 });
    try {
      const [worker] = jobs.workerIds;
      const alive = async () => (await q<{ ok: boolean }>(`select ${workerAliveSql('$1::text')} as ok`, [worker]))[0].ok;
      expect(await alive()).toBe(true);
      // The lock connection's session ends as in a restart of the server.
      await q(
        `select pg_terminate_backend(l.pid) from pg_locks l
          where l.locktype = 'advisory' and l.objsubid = 2 and l.classid = hashtext('job-worker')::oid and l.objid = hashtext($1)::oid`,
        [worker],
      );
      await until(async () => !(await alive()), 10_000, 'the lock to go with its session');
      await until(
        async () => {
          await jobs.sweepDeadWorkers();
          return alive();
        },
        10_000,
        'the worker lock taken again',
      );
    } finally {
      await jobs.stop();
    }
  });
});
