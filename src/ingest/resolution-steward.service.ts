import { PoolClient } from 'pg';
import type { Caller } from '../auth/caller.model';
import type { ConnectorRegistry } from '../connectors/connector.registry';
import { resolveConfig } from '../connectors/connector.types';
import type { UnifiedRecord } from '../connectors/unified-record';
import { Database, withTransaction } from '../db/database';
import { isValidCreditCode } from '../domain/credit-code';
import { SqlParams } from '../domain/jurisdiction';
import { divisionPredicate, Scope } from '../jurisdiction/scope';
import type { ScoredCandidate, Thresholds } from '../resolution/similarity';
import { IngestService } from './ingest.service';

/** Where a queued record stands: OPEN waits for a steward, LINKED or REJECTED was decided. */
export type ResolutionStatusValue = 'OPEN' | 'LINKED' | 'REJECTED';

/** One record waiting for a steward: what it says, its best candidates and why each scored as it did. */
export interface ResolutionQueueEntry {
  id: string;
  connectorId: string;
  sourceId: string;
  /** The source identity a decision is remembered by (standardised name and county, or the identifier). */
  identityKey: string;
  /** The county the record was blocked by (or its best candidate's). */
  divisionCode: string | null;
  /** The enterprise name the record carries. */
  name: string | null;
  /** The credit-code field as the source sent it (blank, an organisation code …). */
  sourceCreditCode: string | null;
  bestProbability: number;
  /** Why the record is not linked automatically. */
  why: string | null;
  candidates: ScoredCandidate[];
  status: ResolutionStatusValue;
  creditCode: string | null;
  decidedBy: string | null;
  receivedAt: Date;
  decidedAt: Date | null;
}

/** A page of the queue. */
export interface ResolutionQueuePage {
  items: ResolutionQueueEntry[];
  hasNextPage: boolean;
  totalCount: number;
  endCursor: string | null;
}

/** A steward's request the hub refuses (unknown entry, outside jurisdiction, already decided): the message says which. */
export class ResolutionStewardError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT' = 'BAD_USER_INPUT',
  ) {
    super(message);
  }
}

/** What a decision did: the entry (when there is one) and the enterprises whose scores, tags and warnings were re-derived. */
export interface StewardDecisionResult {
  entry: ResolutionQueueEntry | null;
  touched: string[];
}

const COLUMNS = `q.id::text as id, q.connector_id as "connectorId", q.source_id as "sourceId", q.identity_key as "identityKey",
  q.division_code as "divisionCode", q.payload->'record'->'identity'->>'name' as name, q.payload->'record'->>'creditCode' as "sourceCreditCode",
  q.best_probability as "bestProbability", q.payload->>'why' as why, q.candidates, q.status, q.credit_code as "creditCode",
  q.decided_by as "decidedBy", q.received_at as "receivedAt", q.decided_at as "decidedAt"`;

const cursorOf = (id: string) => Buffer.from(`rq:${id}`).toString('base64url');
function idOfCursor(cursor: string): string {
  const s = Buffer.from(cursor, 'base64url').toString();
  if (!/^rq:\d+$/.test(s)) throw new ResolutionStewardError(`'${cursor}' is not a cursor of the resolution queue`);
  return s.slice(3);
}

/**
 * Stewards' side of entity resolution: the review queue inside their jurisdiction,
 * and the decisions — link a record to an enterprise, reject its candidates, undo
 * a link. A decision is kept per source identity (`resolution_decision`) and applied
 * by ingest to later records of that identity; every decision re-derives the scores,
 * tags and warnings of the enterprises it moved records between (their durable
 * marks are written by the store's triggers in the decision's transaction, then
 * `afterSync` consumes them).
 */
export class ResolutionStewardService {
  private ingest?: IngestService;

  constructor(
    private readonly db: Pick<Database, 'pool'>,
    private readonly registry: ConnectorRegistry,
    private readonly opts: { thresholds: Thresholds; afterSync: (touched: string[]) => Promise<void> },
  ) {}

  private async ingestService(): Promise<IngestService> {
    if (!this.ingest) {
      this.ingest = await IngestService.withResolution(this.db.pool, this.opts.thresholds);
    }
    return this.ingest;
  }

  /** Open entries inside `scope` (a SQL predicate on the entry's county), oldest first. */
  async queue(scope: Scope, first = 50, after?: string | null): Promise<ResolutionQueuePage> {
    const params = new SqlParams();
    const where = [`q.status = 'OPEN'`, divisionPredicate(scope, params, 'q')];
    const countWhere = where.join(' and ');
    const countValues = [...params.values];
    if (after) where.push(`q.id > ${params.add(idOfCursor(after))}::bigint`);
    const limit = Math.max(1, Math.min(first, 500));
    const [page, count] = await Promise.all([
      this.db.pool.query<ResolutionQueueEntry>(
        `select ${COLUMNS} from resolution_queue q where ${where.join(' and ')} order by q.id limit ${limit + 1}`,
        params.values,
      ),
      this.db.pool.query<{ n: number }>(`select count(*)::int as n from resolution_queue q where ${countWhere}`, countValues),
    ]);
    const items = page.rows.slice(0, limit);
    return { items, hasNextPage: page.rows.length > limit, totalCount: count.rows[0].n, endCursor: items.length ? cursorOf(items[items.length - 1].id) : null };
  }

  private async openEntry(client: PoolClient, caller: Caller, id: string) {
    if (!/^\d+$/.test(id)) throw new ResolutionStewardError(`'${id}' is not a resolution queue entry id`);
    const params = new SqlParams();
    params.add(id);
    const res = await client.query<{
      connector_id: string;
      source_id: string;
      identity_key: string;
      payload: { record: UnifiedRecord; raw: unknown };
      status: string;
      candidates: ScoredCandidate[];
      inside: boolean;
    }>(
      `select q.connector_id, q.source_id, q.identity_key, q.payload, q.status, q.candidates, (${divisionPredicate(caller.scope, params, 'q')}) as inside
         from resolution_queue q where q.id = $1 for update`,
      params.values,
    );
    const q = res.rows[0];
    if (!q || !q.inside) throw new ResolutionStewardError(`no resolution queue entry ${id} inside your jurisdiction`, 'NOT_FOUND');
    if (q.status !== 'OPEN') throw new ResolutionStewardError(`resolution queue entry ${id} is already ${q.status}`);
    return q;
  }

  private async entry(id: string): Promise<ResolutionQueueEntry> {
    return (await this.db.pool.query<ResolutionQueueEntry>(`select ${COLUMNS} from resolution_queue q where q.id = $1`, [id])).rows[0];
  }

  private async requireEnterpriseInScope(client: PoolClient, caller: Caller, creditCode: string): Promise<void> {
    if (!isValidCreditCode(creditCode)) throw new ResolutionStewardError(`'${creditCode}' is not a valid credit code`);
    const params = new SqlParams();
    params.add(creditCode);
    const res = await client.query(`select 1 from enterprise e where e.credit_code = $1 and ${divisionPredicate(caller.scope, params)}`, params.values);
    if (!res.rowCount) throw new ResolutionStewardError(`no enterprise ${creditCode} inside your jurisdiction`, 'NOT_FOUND');
  }

  /**
   * Links a queued record to `creditCode` (an enterprise inside the caller's
   * jurisdiction, a candidate or not): the record is loaded as that enterprise's,
   * the link is recorded as the steward's, and the decision is kept for later
   * records of the same source identity.
   */
  async link(caller: Caller, id: string, creditCode: string): Promise<StewardDecisionResult> {
    const ingest = await this.ingestService();
    const touched = await withTransaction(this.db.pool, async (client) => {
      const q = await this.openEntry(client, caller, id);
      await this.requireEnterpriseInScope(client, caller, creditCode);
      await this.decide(client, q.connector_id, q.identity_key, caller.name, creditCode);
      await client.query(
        `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability, reasons, decided_by)
         values ($1, $2, $3, $4, 'STEWARD', 1, $5::jsonb, $6)
         on conflict (connector_id, source_id) do update set identity_key = excluded.identity_key, credit_code = excluded.credit_code, key = 'STEWARD',
           probability = 1, reasons = excluded.reasons, decided_by = excluded.decided_by, linked_at = now()`,
        [q.connector_id, q.source_id, q.identity_key, creditCode, JSON.stringify([{ factor: 'STEWARD', detail: `linked by ${caller.name}` }]), caller.name],
      );
      // Resolution now finds the steward's link first: the record loads as the enterprise's.
      const r = await ingest.ingestPage(client, q.connector_id, null, [{ raw: q.payload.raw, record: q.payload.record }]);
      await client.query(`update resolution_queue set status = 'LINKED', credit_code = $2, decided_by = $3, decided_at = now() where id = $1`, [
        id,
        creditCode,
        caller.name,
      ]);
      return r.touched;
    });
    await this.opts.afterSync(touched);
    return { entry: await this.entry(id), touched };
  }

  /**
   * Rejects a queued record's candidates (all of them, or `creditCodes`): the
   * decision is kept for its source identity, and the record is quarantined with
   * the steward's reason (a later record of the identity is resolved without them).
   */
  async reject(caller: Caller, id: string, creditCodes?: string[] | null): Promise<StewardDecisionResult> {
    const ingest = await this.ingestService();
    await withTransaction(this.db.pool, async (client) => {
      const q = await this.openEntry(client, caller, id);
      const codes = creditCodes?.length ? creditCodes : q.candidates.map((c) => c.creditCode);
      if (!codes.length) throw new ResolutionStewardError(`resolution queue entry ${id} has no candidates to reject`);
      await this.decide(client, q.connector_id, q.identity_key, caller.name, null, codes);
      await ingest.ingestPage(client, q.connector_id, null, [
        {
          raw: q.payload.raw,
          mapError: `steward ${caller.name} rejected the candidates ${codes.join(', ')} of ${q.identity_key}; no enterprise identified`,
          identity: { sourceId: q.source_id, creditCode: q.payload.record.creditCode },
        },
      ]);
      await client.query(`update resolution_queue set status = 'REJECTED', decided_by = $2, decided_at = now() where id = $1`, [id, caller.name]);
    });
    return { entry: await this.entry(id), touched: [] };
  }

  /**
   * Undoes the link of a record (any key: organisation code, permit number,
   * similarity, a steward's): its rows leave the enterprise, the enterprise is
   * remembered as rejected for the record's source identity, and the record is
   * resolved again without it (another candidate, the queue, or quarantine).
   * Scores, tags and warnings of every enterprise involved are re-derived.
   */
  async unlink(caller: Caller, connectorId: string, sourceId: string): Promise<StewardDecisionResult> {
    const ingest = await this.ingestService();
    const { connector, row } = await this.registry.resolve(this.db, connectorId);
    const config = resolveConfig(connector.manifest, row.config);
    const result = await withTransaction(this.db.pool, async (client) => {
      const link = (
        await client.query<{ credit_code: string; identity_key: string }>(
          `select credit_code, identity_key from entity_link where connector_id = $1 and source_id = $2 for update`,
          [connectorId, sourceId],
        )
      ).rows[0];
      if (!link) throw new ResolutionStewardError(`record ${sourceId} of '${connectorId}' has no resolution link`, 'NOT_FOUND');
      await this.requireEnterpriseInScope(client, caller, link.credit_code);
      const src = (
        await client.query<{ kind: string; payload: unknown }>(`delete from source_record where connector_id = $1 and source_id = $2 returning kind, payload`, [
          connectorId,
          sourceId,
        ])
      ).rows[0];
      // The typed row leaves the enterprise: the store's triggers mark its scores, tags and warnings in this transaction.
      if (src?.kind === 'enforcement') await client.query(`delete from enforcement_record where record_id = $1`, [sourceId]);
      else if (src?.kind === 'penalty') await client.query(`delete from penalty where case_no = $1`, [sourceId]);
      await client.query(`delete from entity_link where connector_id = $1 and source_id = $2`, [connectorId, sourceId]);
      await this.decide(client, connectorId, link.identity_key, caller.name, null, [link.credit_code]);
      const touched = [link.credit_code];
      if (src) {
        const record = connector.map(src.payload, config);
        const r = await ingest.ingestPage(client, connectorId, null, [{ raw: src.payload, record }]);
        touched.push(...r.touched.filter((c) => c !== link.credit_code));
      }
      const entry = await client.query<{ id: string }>(`select id::text from resolution_queue where connector_id = $1 and source_id = $2 and status = 'OPEN'`, [
        connectorId,
        sourceId,
      ]);
      return { touched, entryId: entry.rows[0]?.id ?? null };
    });
    await this.opts.afterSync(result.touched);
    return { entry: result.entryId ? await this.entry(result.entryId) : null, touched: result.touched };
  }

  /** Keeps a decision for a source identity: the enterprise it names, or codes it does not name (added to those rejected before). */
  private async decide(
    client: PoolClient,
    connectorId: string,
    identityKey: string,
    by: string,
    creditCode: string | null,
    rejected: string[] = [],
  ): Promise<void> {
    await client.query(
      `insert into resolution_decision (connector_id, identity_key, credit_code, rejected_codes, decided_by)
       values ($1, $2, $3, $4::text[], $5)
       on conflict (connector_id, identity_key) do update
         set credit_code = case when excluded.credit_code is not null then excluded.credit_code
                                when resolution_decision.credit_code = any(excluded.rejected_codes) then null
                                else resolution_decision.credit_code end,
             rejected_codes = array(select distinct c from unnest(resolution_decision.rejected_codes || excluded.rejected_codes) c
                                     where excluded.credit_code is null or c <> excluded.credit_code order by c),
             decided_by = excluded.decided_by, decided_at = now()`,
      [connectorId, identityKey, creditCode, rejected, by],
    );
  }
}
