import { Database } from '../db/database';
import { HealthReportService } from './health-report.service';
import { RuleSetRepository } from './rule-set.repository';
import { ScoreService } from './score.service';

/** The health-score services of a hub process (see `HubServices.scoring`). */
export interface ScoringServices {
  /** Versioned rule sets: list, load, active. */
  ruleSets: RuleSetRepository;
  /** Rescoring: incremental, full, due, rule-set activation, the post-sync step. */
  scores: ScoreService;
  /** Reads: reports (today and as of past dates), history, ranks, what-if previews. */
  reports: HealthReportService;
}

/** Wires the scoring services on an open, migrated database. */
export function createScoringServices(db: Database, opts: { log?: (l: string) => void; now?: () => Date } = {}): ScoringServices {
  const ruleSets = new RuleSetRepository(db.pool);
  return {
    ruleSets,
    scores: new ScoreService(db, ruleSets, opts),
    reports: new HealthReportService(db.readPool, ruleSets, opts.now),
  };
}
