import { Task } from 'graphile-worker';
import http from 'node:http';
import https from 'node:https';
import { Pool } from 'pg';
import { ForbiddenTargetError, OutboundTargetPolicy } from '../connectors/outbound-target.policy';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';

/** Policy of webhook delivery attempts (retries and their backoff are the job queue's, see src/jobs). */
export interface WebhookDeliveryOptions {
  /** Consecutive failed attempts (over all its deliveries) after which a webhook is disabled (default 10). */
  disableAfterFailures?: number;
  /** Timeout of one HTTP attempt (default 10 s). */
  timeoutMs?: number;
  /** Where deliveries may go: internal addresses refused after name resolution unless the operator allows them (default: no check). */
  targets?: OutboundTargetPolicy;
  log?: (line: string) => void;
}

/**
 * POSTs `body` and resolves with the status code (the answer's body is read
 * and dropped; a redirect is an answer like any other and is not followed).
 * The target is checked on the URL and, after name resolution, on the
 * address the socket connects to.
 */
function postWebhook(
  targets: OutboundTargetPolicy,
  target: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = targets.checkUrl(target);
    } catch (e) {
      return reject(e);
    }
    const trusted = targets.isTrusted(url);
    const lib = url.protocol === 'https:' ? https : http;
    const timedOut = () => Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: targets.lookupFor(() => trusted),
        agent: false,
        signal,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(() => req.destroy(timedOut()), timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}

interface Claimed {
  id: string;
  webhook_id: string;
  event: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
  enabled: boolean;
}

/**
 * The job of one webhook delivery (`webhook-delivery`, payload
 * `{ deliveryId }`, queued with the delivery row, one serial queue per
 * webhook): POSTs the JSON body with `X-Hub-Signature-256` (HMAC over the
 * exact body with the webhook's secret), `X-Hub-Delivery` (stable across
 * retries, for receivers to deduplicate) and `X-Hub-Event`.
 *
 * Every attempt is logged in `webhook_attempt`. A non-2xx answer, a timeout or
 * a network error fails the job, and the job queue retries it after
 * `e^attempts` seconds; the last allowed attempt gives the delivery up as
 * FAILED (the dead letter stewards see). After `disableAfterFailures`
 * consecutive failed attempts the webhook is disabled with the reason, and its
 * pending deliveries fail with that reason. A job whose delivery is no longer
 * PENDING (delivered, failed, removed) ends without a request. The secret is
 * never logged.
 */
export function webhookDeliveryTask(pool: Pool, opts: WebhookDeliveryOptions = {}): Task {
  const disableAfterFailures = opts.disableAfterFailures ?? 10;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const log = opts.log ?? (() => undefined);
  const targets = opts.targets ?? OutboundTargetPolicy.allowAll();
  return async (payload, helpers) => {
    const deliveryId = String((payload as { deliveryId?: unknown }).deliveryId ?? '');
    const claimed = await pool.query<Claimed>(
      `update webhook_delivery d set attempts = d.attempts + 1
         from webhook w
        where w.id = d.webhook_id and d.id = $1::bigint and d.status = 'PENDING'
        returning d.id::text, d.webhook_id::text, d.event, d.payload, d.attempts, w.url, w.secret, w.enabled`,
      [deliveryId],
    );
    const d = claimed.rows[0];
    if (!d) return;
    if (!d.enabled) {
      await pool.query(
        `update webhook_delivery set status = 'FAILED', last_error = coalesce(last_error || '; ', '') || 'webhook disabled' where id = $1 and status = 'PENDING'`,
        [d.id],
      );
      return;
    }
    const body = JSON.stringify({ deliveryId: d.id, ...(d.payload as object) });
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await postWebhook(
        targets,
        d.url,
        body,
        {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'enforcement-data-hub-webhooks/1',
          [SIGNATURE_HEADER]: signWebhookBody(d.secret, body),
          [EVENT_HEADER]: d.event,
          [DELIVERY_HEADER]: d.id,
        },
        timeoutMs,
        helpers.abortSignal,
      );
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      const err = e as Error & { code?: string };
      // Only what the hub itself saw: never the receiver's body.
      error =
        err instanceof ForbiddenTargetError
          ? err.message
          : err.code === 'ETIMEDOUT'
            ? `no answer within ${timeoutMs} ms`
            : `${err.code ?? err.name}: ${err.message}`;
    }
    const ms = Date.now() - started;
    await pool.query(`insert into webhook_attempt (delivery_id, attempt, status_code, error, duration_ms) values ($1, $2, $3, $4, $5)`, [
      d.id,
      d.attempts,
      status,
      error,
      ms,
    ]);
    if (!error) {
      await pool.query(`update webhook_delivery set status = 'DELIVERED', delivered_at = now(), last_status_code = $2, last_error = null where id = $1`, [
        d.id,
        status,
      ]);
      await pool.query(`update webhook set consecutive_failures = 0 where id = $1 and consecutive_failures <> 0`, [d.webhook_id]);
      return;
    }
    const giveUp = helpers.job.attempts >= helpers.job.max_attempts;
    // next_attempt_at shows stewards when the job queue retries (its backoff: e^attempts seconds, at most e^10).
    await pool.query(
      `update webhook_delivery set status = $2, last_status_code = $3, last_error = $4,
              next_attempt_at = now() + make_interval(secs => exp(least($5::int, 10))) where id = $1`,
      [d.id, giveUp ? 'FAILED' : 'PENDING', status, giveUp ? `${error}; gave up after ${d.attempts} attempts` : error, helpers.job.attempts],
    );
    const w = await pool.query<{ disabled: boolean }>(
      `update webhook set consecutive_failures = consecutive_failures + 1,
              enabled = enabled and consecutive_failures + 1 < $2,
              disabled_at = case when enabled and consecutive_failures + 1 >= $2 then now() else disabled_at end,
              disabled_reason = case when enabled and consecutive_failures + 1 >= $2
                                     then format('disabled after %s consecutive failed delivery attempts; last: %s', consecutive_failures + 1, $3::text)
                                     else disabled_reason end
        where id = $1
        returning (not enabled and disabled_at >= now()) as disabled`,
      [d.webhook_id, disableAfterFailures, error],
    );
    if (w.rows[0]?.disabled) {
      await pool.query(
        `update webhook_delivery set status = 'FAILED', last_error = coalesce(last_error || '; ', '') || 'webhook disabled' where webhook_id = $1 and status = 'PENDING'`,
        [d.webhook_id],
      );
      log(`webhooks: webhook ${d.webhook_id} disabled after ${disableAfterFailures} consecutive failures (last: ${error})`);
      return;
    }
    log(`webhooks: delivery ${d.id} attempt ${d.attempts} failed (${error})${giveUp ? '; given up' : ''}`);
    // Given up, the delivery row is the dead letter and the job ends; otherwise the job queue retries it.
    if (!giveUp) throw new Error(`delivery ${d.id}: ${error}`);
  };
}
