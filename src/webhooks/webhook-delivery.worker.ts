import { Pool } from 'pg';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';

/** Retry and disabling policy of webhook deliveries. */
export interface WebhookDeliveryOptions {
  /** Delay before the first retry; doubled for each further one (default 30 s). */
  baseDelayMs?: number;
  /** Longest delay between retries (default 1 h). */
  maxDelayMs?: number;
  /** Attempts per delivery before it is given up as FAILED (default 8). */
  maxAttempts?: number;
  /** Consecutive failed attempts (over all its deliveries) after which a webhook is disabled (default 10). */
  disableAfterFailures?: number;
  /** Timeout of one HTTP attempt (default 10 s). */
  timeoutMs?: number;
  /** Deliveries claimed per round (default 50). */
  batchSize?: number;
  log?: (line: string) => void;
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

/** What one round did. */
export interface DeliveryRound {
  attempted: number;
  delivered: number;
  failed: number;
  disabledWebhooks: string[];
}

/**
 * Sends queued webhook deliveries: JSON body, `X-Hub-Signature-256` HMAC over
 * the exact body with the webhook's secret, `X-Hub-Delivery` (stable across
 * retries, for receivers to deduplicate) and `X-Hub-Event`.
 *
 * Deliveries are claimed with `FOR UPDATE SKIP LOCKED` and a short lease, so
 * any number of hub processes may run rounds at once and each attempt is made
 * by one of them. A non-2xx answer, a timeout or a network error is a failed
 * attempt: it is logged, retried after `baseDelay · 2^(n−1)` (capped), given
 * up after `maxAttempts`; after `disableAfterFailures` consecutive failed
 * attempts the webhook is disabled with the reason, and its pending
 * deliveries fail with that reason. The secret is never logged.
 */
export class WebhookDeliveryWorker {
  private readonly o: Required<Omit<WebhookDeliveryOptions, 'log'>>;
  private readonly log: (line: string) => void;
  private running: Promise<DeliveryRound> | null = null;
  private again = false;

  constructor(private readonly pool: Pool, opts: WebhookDeliveryOptions = {}) {
    this.o = {
      baseDelayMs: opts.baseDelayMs ?? 30_000,
      maxDelayMs: opts.maxDelayMs ?? 3_600_000,
      maxAttempts: opts.maxAttempts ?? 8,
      disableAfterFailures: opts.disableAfterFailures ?? 10,
      timeoutMs: opts.timeoutMs ?? 10_000,
      batchSize: opts.batchSize ?? 50,
    };
    this.log = opts.log ?? (() => undefined);
  }

  /** Delay before attempt `n + 1` after `n` failed attempts. */
  retryDelayMs(failedAttempts: number): number {
    return Math.min(this.o.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1), this.o.maxDelayMs);
  }

  /** Runs rounds until nothing is due now; concurrent calls share the running one (and ask for one more round). */
  async deliverDue(): Promise<DeliveryRound> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      const total: DeliveryRound = { attempted: 0, delivered: 0, failed: 0, disabledWebhooks: [] };
      try {
        do {
          this.again = false;
          for (;;) {
            const r = await this.round();
            total.attempted += r.attempted;
            total.delivered += r.delivered;
            total.failed += r.failed;
            total.disabledWebhooks.push(...r.disabledWebhooks);
            if (r.claimed < this.o.batchSize) break;
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  /** Waits for a running round (shutdown). */
  async drain(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async round(): Promise<DeliveryRound & { claimed: number }> {
    const claimed = await this.pool.query<Claimed>(
      `update webhook_delivery d set locked_until = now() + make_interval(secs => $2::float8 / 1000), attempts = d.attempts + 1
         from webhook w
        where w.id = d.webhook_id
          and d.id in (select id from webhook_delivery where status = 'PENDING' and next_attempt_at <= now()
                          and (locked_until is null or locked_until < now())
                        order by next_attempt_at, id limit $1 for update skip locked)
        returning d.id::text, d.webhook_id::text, d.event, d.payload, d.attempts, w.url, w.secret, w.enabled`,
      [this.o.batchSize, this.o.timeoutMs + 30_000],
    );
    const out = { attempted: 0, delivered: 0, failed: 0, disabledWebhooks: [] as string[], claimed: claimed.rows.length };
    // Webhooks in parallel; one webhook's deliveries in order, stopping when it gets disabled.
    const byWebhook = new Map<string, Claimed[]>();
    for (const d of claimed.rows) byWebhook.set(d.webhook_id, [...(byWebhook.get(d.webhook_id) ?? []), d]);
    await Promise.all([...byWebhook.values()].map(async (list) => {
      let disabled = !list[0].enabled;
      for (const d of list) {
        if (disabled) {
          await this.pool.query(`update webhook_delivery set status = 'FAILED', locked_until = null, last_error = coalesce(last_error || '; ', '') || 'webhook disabled'
                                  where id = $1 and status = 'PENDING'`, [d.id]);
          continue;
        }
        out.attempted++;
        const r = await this.attempt(d);
        if (r.ok) out.delivered++;
        else {
          out.failed++;
          if (r.disabled) {
            out.disabledWebhooks.push(d.webhook_id);
            disabled = true;
          }
        }
      }
    }));
    return out;
  }

  private async attempt(d: Claimed): Promise<{ ok: boolean; disabled?: boolean }> {
    const body = JSON.stringify({ deliveryId: d.id, ...(d.payload as object) });
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'enforcement-data-hub-webhooks/1',
          [SIGNATURE_HEADER]: signWebhookBody(d.secret, body),
          [EVENT_HEADER]: d.event,
          [DELIVERY_HEADER]: d.id,
        },
        body,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      error = err.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : `${err.cause?.code ?? err.name}: ${err.cause?.message ?? err.message}`;
    }
    const ms = Date.now() - started;
    await this.pool.query(`insert into webhook_attempt (delivery_id, attempt, status_code, error, duration_ms) values ($1, $2, $3, $4, $5)`, [d.id, d.attempts, status, error, ms]);
    if (!error) {
      await this.pool.query(`update webhook_delivery set status = 'DELIVERED', delivered_at = now(), locked_until = null, last_status_code = $2, last_error = null where id = $1`, [d.id, status]);
      await this.pool.query(`update webhook set consecutive_failures = 0 where id = $1 and consecutive_failures <> 0`, [d.webhook_id]);
      return { ok: true };
    }
    const giveUp = d.attempts >= this.o.maxAttempts;
    await this.pool.query(
      `update webhook_delivery set status = $2, locked_until = null, last_status_code = $3, last_error = $4,
              next_attempt_at = now() + make_interval(secs => $5::float8 / 1000) where id = $1`,
      [d.id, giveUp ? 'FAILED' : 'PENDING', status, giveUp ? `${error}; gave up after ${d.attempts} attempts` : error, this.retryDelayMs(d.attempts)],
    );
    const w = await this.pool.query<{ disabled: boolean }>(
      `update webhook set consecutive_failures = consecutive_failures + 1,
              enabled = enabled and consecutive_failures + 1 < $2,
              disabled_at = case when enabled and consecutive_failures + 1 >= $2 then now() else disabled_at end,
              disabled_reason = case when enabled and consecutive_failures + 1 >= $2
                                     then format('disabled after %s consecutive failed delivery attempts; last: %s', consecutive_failures + 1, $3::text)
                                     else disabled_reason end
        where id = $1
        returning (not enabled and disabled_at >= now()) as disabled`,
      [d.webhook_id, this.o.disableAfterFailures, error],
    );
    const disabled = !!w.rows[0]?.disabled;
    if (disabled) {
      await this.pool.query(`update webhook_delivery set status = 'FAILED', last_error = coalesce(last_error || '; ', '') || 'webhook disabled' where webhook_id = $1 and status = 'PENDING'`, [d.webhook_id]);
      this.log(`webhooks: webhook ${d.webhook_id} disabled after ${this.o.disableAfterFailures} consecutive failures (last: ${error})`);
    } else {
      this.log(`webhooks: delivery ${d.id} attempt ${d.attempts} failed (${error})${giveUp ? '; given up' : ''}`);
    }
    return { ok: false, disabled };
  }
}
