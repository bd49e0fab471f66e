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
  /** Older offices: the enterprise's name as typed (credit_code may then be blank). */
  enterprise_name?: string;
  /** Older offices: the 9-character organisation code (组织机构代码), with or without its hyphen. */
  org_code?: string;
  /** The permit number the record was filed under (its first 18 characters are the credit code). */
  permit_no?: string;
  /** Older offices: the 15-digit business registration number (注册号); linked through the permit system's register of old numbers. */
  registration_no?: string;
  /** Older offices: the inspected site's address as typed (a second signal beside the name). */
  enterprise_address?: string;
  /** The county the record was filed in. */
  division_code?: string;
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
