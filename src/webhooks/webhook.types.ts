import { ClientError } from '../domain/client-error';

/** A registered webhook as the API shows it. The secret is write-only: it is never read back, listed or logged. */
export interface WebhookRow {
  id: string;
  divisionCode: string;
  url: string;
  /** Warning types it receives (null: all). */
  types: string[] | null;
  description: string | null;
  enabled: boolean;
  disabledAt: Date | null;
  /** Why the hub disabled it (repeated failures), or null. */
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: Date;
  createdBy: string;
}

/** Columns selecting a {@link WebhookRow} from `webhook h` (never the secret). */
export const WEBHOOK_COLUMNS = `h.id::text as id, h.division_code as "divisionCode", h.url, h.types, h.description, h.enabled,
  h.disabled_at as "disabledAt", h.disabled_reason as "disabledReason", h.consecutive_failures as "consecutiveFailures",
  h.created_at as "createdAt", h.created_by as "createdBy"`;

/** One delivery of an event to a webhook, with its retry state. */
export interface WebhookDeliveryRow {
  id: string;
  webhookId: string;
  warningId: string;
  event: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** One HTTP attempt of a delivery (the delivery log). */
export interface WebhookAttemptRow {
  deliveryId: string;
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** A webhook registration the hub cannot accept, or a webhook outside the caller's jurisdiction. */
export class WebhookInputError extends ClientError {}
