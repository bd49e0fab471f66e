import { HubServices } from '../app/hub-services';
import { HubRuntime } from '../app/hub-runtime';
import { HubScheduler, startHubScheduler } from '../scheduling/hub.scheduler';
import { registerScoringTasks } from '../scoring/scoring-schedule';

/** How often queued webhook deliveries (and their due retries) are sent, across all replicas (a leased task). */
export const WEBHOOK_DELIVERY_SCHEDULE = '*/10 * * * * *';

/**
 * Hooks early warning into a serving process's scheduler:
 *
 * - the `daily` task runs the detectors over every enterprise (the
 *   time-driven conditions DATA_GAP, PERMIT_EXPIRING and FORECAST_HIGH change
 *   with the calendar alone; the others are re-checked too);
 * - `webhook-deliveries` sends due deliveries every 10 seconds on one replica;
 * - and every replica sends new deliveries at once when the change feed hears
 *   of new warnings (claims keep each attempt on one process).
 */
export async function registerWarningTasks(scheduler: HubScheduler, services: HubServices): Promise<void> {
  scheduler.addDailyStep('warning detectors', async () => {
    await services.warnings.detection.detectAll();
  });
  scheduler.addTask({
    id: 'webhook-deliveries',
    schedule: WEBHOOK_DELIVERY_SCHEDULE,
    timeoutMs: 5 * 60_000,
    preventOverlap: true,
    run: async () => {
      const r = await services.warnings.deliveries.deliverDue();
      return r.attempted ? `${r.attempted} attempted, ${r.delivered} delivered, ${r.failed} failed` : undefined;
    },
  });
  await services.realtime.start();
  services.realtime.on('warnings', () => void services.warnings.deliveries.deliverDue().catch((e) => services.log(`webhooks: ${(e as Error).message}`)));
}

/**
 * `hub serve` / `hub start`: the process's scheduler (connector schedules,
 * the daily task) with the scoring and early-warning tasks added, stopped on shutdown.
 */
export async function startSchedulerWithWarnings(hub: HubRuntime): Promise<HubScheduler> {
  const scheduler = await startHubScheduler(hub.services, { log: (l) => hub.log(l) });
  hub.onShutdown(() => scheduler.stop());
  registerScoringTasks(scheduler, hub.services);
  await registerWarningTasks(scheduler, hub.services);
  hub.onShutdown(async () => {
    await hub.services.warnings.deliveries.drain();
    await hub.services.realtime.stop();
  });
  console.log(`scheduler: ${scheduler.installed().map((t) => `${t.id} (${t.schedule})`).join(', ')}`);
  return scheduler;
}
