import { PostSyncStep } from '../ingest/sync.runner';
import { ScoreService } from '../scoring/score.service';
import { TagService } from '../tags/tag.service';
import { WarningDetectionService } from '../warnings/warning-detection.service';
import { SupervisionTaskService } from '../supervision/supervision-task.service';

/** The services whose steps make up the post-sync pipeline. */
export interface PostSyncSources {
  scores: Pick<ScoreService, 'postSyncStep'>;
  tags: Pick<TagService, 'postSyncStep'>;
  detection: Pick<WarningDetectionService, 'postSyncStep'>;
  supervision: Pick<SupervisionTaskService, 'postSyncStep'>;
  /** The search's upkeep after the derived writes (`searchUpkeepStep` in src/search). */
  searchUpkeep: PostSyncStep;
}

/**
 * What runs after connectors load data, over the enterprises they touched, in
 * this order — each step reads what the one before wrote:
 *
 * 1. rescore (deductions → score, risk, rank, history);
 * 2. retag (derivation rules read scores and risk levels);
 * 3. detect warnings (detectors read scores, risk levels and tags);
 * 4. supervision: tasks for the warnings that call for an inspection, and the
 *    inspections that arrived linked to open tasks and plan items;
 * 5. search upkeep: the enterprise rows the steps rewrote left entries in the
 *    GIN indexes' pending lists and cleared the visibility map; vacuumed (or
 *    the lists merged) so the next search does not pay for them.
 *
 * A new derived concern adds its step here, at the place its inputs are ready.
 */
export function postSyncPipeline(s: PostSyncSources): PostSyncStep[] {
  return [s.scores.postSyncStep(), s.tags.postSyncStep(), s.detection.postSyncStep(), s.supervision.postSyncStep(), s.searchUpkeep];
}
