import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a webhook body: `sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Header naming the event (`warning.raised`). */
export const EVENT_HEADER = 'x-hub-event';
/** Header carrying the delivery id (the same on every retry of one delivery: receivers deduplicate on it). */
export const DELIVERY_HEADER = 'x-hub-delivery';

/** The signature header value for `body` (the exact bytes sent). */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Checks a received signature in constant time. For receivers (and tests):
 * compute over the raw body bytes as received, before any JSON parsing.
 */
export function verifyWebhookSignature(secret: string, body: string | Buffer, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
