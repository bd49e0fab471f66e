import { ClientError } from '../domain/client-error';

/**
 * The six warning types of domain.md §6, in the order the detectors run.
 *
 * - `RISK_UP`: the latest change of risk level was a worsening (LOW→MEDIUM, MEDIUM→HIGH, LOW→HIGH).
 * - `SCORE_DROP`: the score fell by 20 points or more from its highest value of the last 30 days.
 * - `EXCEED_TREND`: per outlet and pollutant, exceedance days in the last 7 days ≥ 3 and ≥ twice those of the 7 days before.
 * - `DATA_GAP`: an online-monitored outlet has reported nothing for 2 or more whole days.
 * - `PERMIT_EXPIRING`: a valid permit expires within 30 days and no later valid permit exists.
 * - `FORECAST_HIGH`: a least-squares line through the daily scores of the last 90 days reaches the HIGH band within 30 days.
 */
export const WARNING_TYPES = ['RISK_UP', 'SCORE_DROP', 'EXCEED_TREND', 'DATA_GAP', 'PERMIT_EXPIRING', 'FORECAST_HIGH'] as const;

/** One of {@link WARNING_TYPES}. */
export type WarningType = (typeof WARNING_TYPES)[number];

/** Workflow state of a warning: OPEN → ACKNOWLEDGED → RESOLVED (or OPEN → RESOLVED). */
export type WarningStatusValue = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

/** How a resolved warning was resolved: by a bureau (`MANUAL`) or by the detectors when its condition cleared. */
export type WarningResolution = 'MANUAL' | 'CONDITION_CLEARED';

/** A warning as services hand it to the API, the subscriptions and the webhooks. */
export interface WarningRow {
  id: string;
  type: WarningType;
  creditCode: string;
  /** The enterprise's county (for jurisdiction checks of pushed events). */
  divisionCode: string;
  /** What the warning concerns inside the enterprise ('' for the enterprise as a whole): `outlet/pollutant`, outlet, permit number. */
  subject: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH';
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
