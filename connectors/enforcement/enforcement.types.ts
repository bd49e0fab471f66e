import { EnforcementKind, EnforcementStatus, Finding } from '../../src/domain/vocabulary';

/** A record of the enforcement system (环境执法) as its change feed sends it (snake_case). */
export interface EnforcementNativeRecord {
  record_id: string;
  kind: EnforcementKind;
  credit_code: string;
  date: string;
  /** Set for inspections. */
  finding?: Finding;
  /** Set for measures. */
  measure_type?: string;
  status: EnforcementStatus;
  modified_at: string;
}

/** One batch of `GET /enforcement/api/records`. */
export interface EnforcementBatch {
  records: EnforcementNativeRecord[];
  next_cursor: string;
  has_more: boolean;
}

/** What the enforcement connector commits after each batch: the feed position after it. */
export interface EnforcementCursor {
  /** The opaque `next_cursor` of the last stored batch; null before the first. */
  feed: string | null;
}
