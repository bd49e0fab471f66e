import { JobQueue, WEBHOOK_DELIVERY_JOB } from '../jobs/job-queue';
import { HubScheduler, startHubScheduler } from '../scheduling/hub.scheduler';
import { SCHEDULED_TASK_JOB } from '../scheduling/schedule-firing.repository';
import { ScheduledTaskDefinition } from '../scheduling/scheduled-task.types';
import { HubRuntime } from './hub-runtime';
import { HubServices } from './hub-services';

/** The daily task's slot: 02:30 China time, after the night's syncs. */
export const DAILY_TASK_SCHEDULE = '30 2 * * *';

/** HJ 212 partition upkeep: every hour at minute 7. */
export const HJ212_PARTITION_SCHEDULE = '0 7 * * * *';

/** Month partitions of the monitoring store created ahead: daily at 03:15. */
export const MONITORING_PARTITION_SCHEDULE = '0 15 3 * * *';

/** HJ 212 devices checked for silence (DATA_GAP after 2 hours without a packet): every 5 minutes. */
export const HJ212_SILENCE_SCHEDULE = '0 */5 * * * *';

/** Supervision tasks past their deadline escalate (and real-time warnings get their tasks): every 15 minutes. */
export const SUPERVISION_ESCALATION_SCHEDULE = '0 */15 * * * *';

/** A task of the hub: none of them overlaps itself (a firing while the last still runs anywhere is skipped). */
function exclusiveTask(id: string, schedule: string, timeoutMs: number, run: ScheduledTaskDefinition['run']): ScheduledTaskDefinition {
  return { id, schedule, timeoutMs, preventOverlap: true, run };
}

/** One step of the daily task. */
export interface DailyStep {
  name: string;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * The steps of the daily task, in order. First the post-sync pipeline runs
 * over the enterprises still marked for a derived product (a crash's
 * leftovers, see docs/derived-products.md). Scores move with the calendar alone
 * (a deduction leaves the three-year window, a permit stops being valid), so
 * the enterprises due for it are rescored first; then the detectors run over
 * every enterprise (DATA_GAP, PERMIT_EXPIRING and FORECAST_HIGH change with
 * the calendar alone; the others are re-checked too) and read those scores.
 */
export function dailySteps(services: Pick<HubServices, 'scoring' | 'warnings' | 'runner' | 'log'>): DailyStep[] {
  return [
    {
      // What a crash left marked (score_dirty, derive_dirty): every post-sync step drains its marks first.
      name: 'derive marked enterprises',
      async run() {
        await services.runner.afterSync([]);
      },
    },
    {
      name: 'rescore due enterprises',
      async run() {
        const summary = await services.scoring.scores.rescoreDue();
        services.log(`daily rescore: ${summary.enterprises} enterprises, ${summary.changed} changed`);
      },
    },
    {
      name: 'warning detectors',
      async run() {
        await services.warnings.detection.detectAll();
      },
    },
  ];
}

/**
 * Every scheduled task of a serving hub besides the connector schedules
 * (which the scheduler reads from the `connector` table): id, cron schedule,
 * timeout and `preventOverlap`. Each slot is one job of the job queue, run
 * once across replicas (see `src/scheduling/hub.scheduler.ts`).
 */
export function scheduledTasks(
  services: Pick<HubServices, 'scoring' | 'warnings' | 'runner' | 'log'> &
    Partial<Pick<HubServices, 'hj212' | 'monitoringPartitions' | 'supervisionTasks' | 'objections'>>,
): ScheduledTaskDefinition[] {
  const steps = dailySteps(services);
  return [
    exclusiveTask('daily', DAILY_TASK_SCHEDULE, 2 * 3_600_000, async (signal) => {
      for (const step of steps) {
        if (signal.aborted) throw new Error('daily task timed out');
        await step.run(signal);
      }
      return `${steps.length} daily step(s): ${steps.map((s) => s.name).join(', ')}`;
    }),
    ...(services.monitoringPartitions ? [monitoringPartitionTask(services.monitoringPartitions)] : []),
    ...(services.supervisionTasks ? [supervisionEscalationTask(services.supervisionTasks, services.objections)] : []),
    ...(services.hj212 ? [hj212PartitionTask(services.hj212), hj212SilenceTask(services.hj212, services.warnings)] : []),
  ];
}

/**
 * DATA_GAP of a bound HJ 212 device silent for 2 hours: the DATA_GAP detector over the enterprises
 * with a bound device, every 5 minutes (it also clears the warning of a device that reports again).
 */
export function hj212SilenceTask(
  hj212: Pick<NonNullable<HubServices['hj212']>, 'boundCreditCodes'>,
  warnings: Pick<HubServices['warnings'], 'detection'>,
): ScheduledTaskDefinition {
  return exclusiveTask('hj212-silent-devices', HJ212_SILENCE_SCHEDULE, 5 * 60_000, async () => {
    const codes = await hj212.boundCreditCodes();
    if (!codes.length) return undefined;
    const s = await warnings.detection.detect({ targets: { kind: 'codes', codes }, types: ['DATA_GAP'] });
    return s.raised.length || s.resolved ? `DATA_GAP: ${s.raised.length} raised, ${s.resolved} cleared over ${codes.length} enterprises` : undefined;
  });
}

/**
 * Dispatch deadlines (spec supervision §2, §4): tasks past their deadline without an inspection, and objections
 * past their 15 days unanswered, escalate to the city, after a second deadline to the province; warnings raised
 * outside a sync (HJ 212) get their tasks.
 */
export function supervisionEscalationTask(
  tasks: Pick<NonNullable<HubServices['supervisionTasks']>, 'escalate'>,
  objections?: Pick<HubServices['objections'], 'escalate'>,
): ScheduledTaskDefinition {
  return exclusiveTask('supervision-escalation', SUPERVISION_ESCALATION_SCHEDULE, 10 * 60_000, async () => {
    const s = await tasks.escalate();
    const o = objections ? await objections.escalate() : 0;
    return s.created || s.escalated || o ? `supervision: ${s.created} task(s) created, ${s.escalated} escalated, ${o} objection(s) escalated` : undefined;
  });
}

/** The monitoring store: month partitions of `monitoring_day` for the coming months (and the window) created ahead, daily. */
function monitoringPartitionTask(run: () => Promise<number>): ScheduledTaskDefinition {
  return exclusiveTask('monitoring-partitions', MONITORING_PARTITION_SCHEDULE, 10 * 60_000, async () => {
    const created = await run();
    return created ? `${created} month partition(s) of monitoring_day created` : undefined;
  });
}

/** HJ 212 raw packets: partitions for the coming days created, those past the retention dropped; hourly values past theirs deleted (hourly). */
function hj212PartitionTask(hj212: NonNullable<HubServices['hj212']>): ScheduledTaskDefinition {
  return exclusiveTask('hj212-partitions', HJ212_PARTITION_SCHEDULE, 10 * 60_000, async () => {
    const { dropped, hoursDeleted } = await hj212.maintain();
    const done = [dropped.length ? `dropped ${dropped.join(', ')}` : '', hoursDeleted ? `${hoursDeleted} hourly values deleted` : ''].filter(Boolean);
    return done.length ? done.join('; ') : undefined;
  });
}

/**
 * `hub serve` / `hub start`: the scheduler with {@link scheduledTasks} (its
 * firings are jobs of the job queue, on workers of their own so long runs never
 * hold up deliveries), the change feed, and the job queue's workers for webhook
 * deliveries. Every replica runs all three; each job runs on one process at a
 * time. All of it stops on shutdown.
 */
export async function startScheduler(hub: HubRuntime): Promise<HubScheduler> {
  const { services } = hub;
  const scheduler = await startHubScheduler(services, scheduledTasks(services), { log: (l) => hub.log(l) });
  hub.onShutdown(() => scheduler.stop());
  await services.realtime.start();
  const jobs = await JobQueue.start(services.db.pool, { [WEBHOOK_DELIVERY_JOB]: services.warnings.deliveries }, { log: (l) => hub.log(l) });
  hub.onShutdown(async () => {
    await jobs.stop();
    await services.realtime.stop();
  });
  hub.log(
    `scheduler: ${scheduler
      .installed()
      .map((t) => `${t.id} (${t.schedule})`)
      .join(', ')}; job queue: ${SCHEDULED_TASK_JOB}, ${WEBHOOK_DELIVERY_JOB}`,
  );
  return scheduler;
}
