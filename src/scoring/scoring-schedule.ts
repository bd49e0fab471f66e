import { HubServices } from '../app/hub-services';
import { HubScheduler } from '../scheduling/hub.scheduler';

/**
 * Hooks scoring into the daily task: scores move with the calendar alone (a
 * deduction leaves the three-year window, a permit stops being valid), so the
 * enterprises due for it are rescored every day, before the warning
 * detectors look at the scores.
 */
export function registerScoringTasks(scheduler: HubScheduler, services: HubServices): void {
  scheduler.addDailyStep('rescore due enterprises', async () => {
    const summary = await services.scoring.scores.rescoreDue();
    services.log(`daily rescore: ${summary.enterprises} enterprises, ${summary.changed} changed`);
  });
}
