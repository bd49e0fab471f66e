import { withTransaction } from '../db/database';
import { Pool } from 'pg';
import { isBigintId } from '../domain/client-error';
import { Caller } from '../auth/caller.model';
import { DivisionDirectory } from '../divisions/division-directory';
import { SqlParams, subtreeSql } from '../domain/jurisdiction';
import { Scope } from '../jurisdiction/scope';
import { WARNING_TYPES } from '../domain/vocabulary';
import { ForbiddenTargetError, OutboundTargetPolicy } from '../connectors/outbound-target.policy';
import { WEBHOOK_COLUMNS, WebhookAttemptRow, WebhookDeliveryRow, WebhookInputError, WebhookRow } from './webhook.types';

/** What a bureau registers. */
export interface WebhookInput {
  /** Division whose warnings it receives (its whole subtree); inside the caller's jurisdiction. */
  divisionCode: string;
  /** http(s) URL the hub POSTs to. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature (16–200 characters); stored, never shown again. */
  secret: string;
  /** Warning types to send (default: all). */
  types?: string[] | null;
  description?: string | null;
}

/** SQL predicate: webhook `h` belongs to a division inside `scope`. */
function webhookInScope(scope: Scope, params: SqlParams): string {
  return subtreeSql(scope, params, { code: 'h.division_code' });
}

/**
 * Webhooks registered per division: registration (BUREAU or ADMIN, inside the
 * caller's jurisdiction), listing, re-enabling, removal, and the delivery log.
 * Sending is the {@link WebhookDeliveryWorker}'s job.
 */
export class WebhookService {
  /**
   * @param targets where webhooks may point (internal addresses refused unless the operator allows them)
   * @param perDivision most webhooks one division may have (HUB_WEBHOOKS_PER_DIVISION)
   */
  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
    private readonly opts: { targets?: OutboundTargetPolicy; perDivision?: number } = {},
  ) {}

  async register(caller: Caller, input: WebhookInput): Promise<WebhookRow> {
    const problems: string[] = [];
    const d = this.divisions.get(input.divisionCode);
    if (!d) problems.push(`divisionCode '${input.divisionCode}' is not a known division code`);
    else if (!this.divisions.contains(caller.scope.divisionCode, d.code))
      problems.push(`divisionCode '${input.divisionCode}' is outside your jurisdiction (${caller.scope.divisionCode})`);
    let url: URL | null = null;
    try {
      url = new URL(input.url);
    } catch {
      problems.push(`url '${input.url}' is not a URL`);
    }
    if (url && !['http:', 'https:'].includes(url.protocol)) problems.push(`url must be http or https, got ${url.protocol}`);
    else if (url && this.opts.targets) {
      try {
        this.opts.targets.checkUrl(url);
      } catch (e) {
        if (!(e instanceof ForbiddenTargetError)) throw e;
        problems.push(`url: ${e.message}`);
      }
    }
    if (input.url.length > 2000) problems.push('url is longer than 2000 characters');
    if (typeof input.secret !== 'string' || input.secret.length < 16 || input.secret.length > 200) problems.push('secret must have 16 to 200 characters');
    const unknown = (input.types ?? []).filter((t) => !(WARNING_TYPES as readonly string[]).includes(t));
    if (unknown.length) problems.push(`types: unknown warning type ${unknown.join(', ')}; the types are ${WARNING_TYPES.join(', ')}`);
    if (problems.length) throw new WebhookInputError(problems.join('; '));
    const cap = this.opts.perDivision ?? 20;
    return withTransaction(this.pool, async (client) => {
      // One registration per division at a time, so the cap holds under concurrent requests.
      await client.query(`select pg_advisory_xact_lock(hashtext('webhook-cap'), hashtext($1))`, [input.divisionCode]);
      const n = (await client.query<{ n: number }>(`select count(*)::int as n from webhook where division_code = $1`, [input.divisionCode])).rows[0].n;
      if (n >= cap)
        throw new WebhookInputError(
          `division ${input.divisionCode} already has ${n} webhooks, the most one division may have (HUB_WEBHOOKS_PER_DIVISION=${cap}); remove one first`,
          { limit: cap },
        );
      const res = await client.query<WebhookRow>(
        `insert into webhook as h (division_code, url, secret, types, description, created_by, created_key_id)
         values ($1, $2, $3, $4, $5, $6, $7) returning ${WEBHOOK_COLUMNS}`,
        [input.divisionCode, input.url, input.secret, input.types?.length ? input.types : null, input.description ?? null, caller.name, caller.keyId],
      );
      return res.rows[0];
    });
  }

  /** Webhooks of divisions inside `scope`. */
  async list(scope: Scope): Promise<WebhookRow[]> {
    const params = new SqlParams();
    const res = await this.pool.query<WebhookRow>(
      `select ${WEBHOOK_COLUMNS} from webhook h where ${webhookInScope(scope, params)} order by h.id`,
      params.values,
    );
    return res.rows;
  }

  /** One webhook inside `scope`, or an error naming the id. */
  async get(scope: Scope, id: string): Promise<WebhookRow> {
    if (!isBigintId(id)) throw new WebhookInputError(`no webhook '${id}' in your jurisdiction`, { argument: 'id' });
    const params = new SqlParams();
    const res = await this.pool.query<WebhookRow>(
      `select ${WEBHOOK_COLUMNS} from webhook h where h.id = ${params.add(id)}::bigint and ${webhookInScope(scope, params)}`,
      params.values,
    );
    if (!res.rows.length) throw new WebhookInputError(`no webhook '${id}' in your jurisdiction`);
    return res.rows[0];
  }

  /** Re-enables a disabled webhook (failure count reset). */
  async enable(scope: Scope, id: string): Promise<WebhookRow> {
    await this.get(scope, id);
    await this.pool.query(`update webhook set enabled = true, disabled_at = null, disabled_reason = null, consecutive_failures = 0 where id = $1::bigint`, [
      id,
    ]);
    return this.get(scope, id);
  }

  /** Removes a webhook with its delivery log. */
  async remove(scope: Scope, id: string): Promise<boolean> {
    await this.get(scope, id);
    const r = await this.pool.query(`delete from webhook where id = $1::bigint`, [id]);
    return (r.rowCount ?? 0) > 0;
  }

  /** The latest deliveries of a webhook, newest first. */
  async deliveries(webhookIds: readonly string[], limit = 20): Promise<WebhookDeliveryRow[][]> {
    const res = await this.pool.query<WebhookDeliveryRow>(
      `select d.id::text as id, d.webhook_id::text as "webhookId", d.warning_id::text as "warningId", d.event, d.status, d.attempts,
              d.next_attempt_at as "nextAttemptAt", d.last_status_code as "lastStatusCode", d.last_error as "lastError",
              d.created_at as "createdAt", d.delivered_at as "deliveredAt"
         from unnest($1::bigint[]) as k(webhook_id)
         cross join lateral (select * from webhook_delivery x where x.webhook_id = k.webhook_id and x.warning_id is not null order by x.id desc limit $2) d`,
      [[...webhookIds], limit],
    );
    return webhookIds.map((id) => res.rows.filter((r) => r.webhookId === id));
  }

  /** The attempts of deliveries, oldest first. */
  async attempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRow[][]> {
    const res = await this.pool.query<WebhookAttemptRow>(
      `select delivery_id::text as "deliveryId", attempt, at, status_code as "statusCode", error, duration_ms as "durationMs"
         from webhook_attempt where delivery_id = any($1::bigint[]) order by delivery_id, attempt`,
      [[...deliveryIds]],
    );
    return deliveryIds.map((id) => res.rows.filter((r) => r.deliveryId === id));
  }
}
