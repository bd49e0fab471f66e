import { ClientError } from '../domain/client-error';
import { WarningResolution, WarningSeverity, WarningStatusValue, WarningType } from '../domain/vocabulary';

/** A warning as services hand it to the API, the subscriptions and the webhooks. */
export interface WarningRow {
  id: string;
  type: WarningType;
  creditCode: string;
  /** The enterprise's county (for jurisdiction checks of pushed events). */
  divisionCode: string;
  /** What the warning concerns inside the enterprise ('' for the enterprise as a whole): `outlet/pollutant`, outlet, permit number. */
  subject: string;
  severity: WarningSeverity;
  status: WarningStatusValue;
  message: string;
  details: Record<string, unknown>;
  /** Whether the detectors last found the condition still true. */
  conditionHolds: boolean;
  raisedAt: Date;
  updatedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  resolution: WarningResolution | null;
}

/** Columns selecting a {@link WarningRow} from `warning w join enterprise e`. */
export const WARNING_COLUMNS = `w.id::text as id, w.type, w.credit_code as "creditCode", e.division_code as "divisionCode", w.subject,
  w.severity, w.status, w.message, w.details, w.condition_holds as "conditionHolds", w.raised_at as "raisedAt", w.updated_at as "updatedAt",
  w.acknowledged_at as "acknowledgedAt", w.acknowledged_by as "acknowledgedBy", w.acknowledge_note as "acknowledgeNote",
  w.resolved_at as "resolvedAt", w.resolved_by as "resolvedBy", w.resolve_note as "resolveNote", w.resolution`;

/** A client asked for a warning that does not exist or lies outside its jurisdiction. */
export class WarningNotFoundError extends ClientError {
  override readonly code = 'NOT_FOUND';
}

/** A workflow step that does not apply to the warning's current status. */
export class WarningStateError extends ClientError {}

/** A filter value a client gave that the hub cannot use. */
export class WarningFilterError extends ClientError {}
