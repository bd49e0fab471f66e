import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { Database, withTransaction } from '../db/database';
import { IngestService } from './ingest.service';
import { validateRecord } from './record-validator';
import type { Thresholds } from '../resolution/similarity';
import { UnifiedRecord } from '../connectors/unified-record';
import { ConnectorRegistry, ConnectorRow } from '../connectors/connector.registry';
import { BackfillProgress, ConnectorConfig, MappingError, redactConfig, resolveConfig } from '../connectors/connector.types';
import { ClientError, isBigintId } from '../domain/client-error';

/** The columns of a `connector` row a steward's view shows (see {@link ConnectorRow}). */
type ConnectorViewColumns = Pick<ConnectorRow, 'id' | 'kind' | 'title' | 'owner' | 'schedule' | 'enabled' | 'definition'>;

/** A connector as stewards see it; secrets in `config` are replaced by `***`. */
export interface ConnectorView extends ConnectorViewColumns {
  config: ConnectorConfig;
  quarantined: number;
  cursor: unknown;
  /** What the steward must know now, in plain words (e.g. its source was reset); null when all is well. */
  attention: string | null;
  attentionAt: Date | null;
  /** The history backfill as the connector last reported it (date-read connectors); null otherwise. */
  backfill: BackfillProgress | null;
}

/** One recorded connector run. */
export interface ConnectorRunView {
  id: string;
  connectorId: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: string;
  fetched: number;
  loaded: number;
  unchanged: number;
  quarantined: number;
  error: string | null;
}

/** A record held back by ingest, with its raw payload and why. */
export interface QuarantinedRecordView {
  id: string;
  connectorId: string;
  runId: string | null;
  sourceId: string | null;
  payload: unknown;
  reason: string;
  status: string;
  receivedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/**
 * Quarantine rows (alias `q`) a caller may see: all of them for the province;
 * for a city or county only rows linked to one of its enterprises.
 */
export function quarantineScopePredicate(scope: Scope | undefined, params: SqlParams): string {
  if (!scope || scope.level === 'PROVINCE') return 'true';
  return `exists (select 1 from enterprise e where e.credit_code = q.credit_code and ${divisionPredicate(scope, params)})`;
}

/** Thrown for a connector or quarantined record id that does not exist (a client mistake). */
export class UnknownConnectorError extends ClientError {}

const RUN_COLUMNS = `id::text as id, connector_id as "connectorId", trigger, started_at as "startedAt", finished_at as "finishedAt",
  status, fetched, loaded, unchanged, quarantined, error`;
const QUARANTINE_COLUMNS = `id::text as id, connector_id as "connectorId", run_id::text as "runId", source_id as "sourceId", payload, reason,
  status, received_at as "receivedAt", last_seen_at as "lastSeenAt", resolved_at as "resolvedAt"`;

/**
 * The steward's view of connectors: list with last runs and quarantine
 * counts, run history, quarantined records, and re-processing of a
 * quarantined record. Set-based reads; secrets never leave this service.
 */
/** Where a stored row's raw record is kept, and the record as fetched. */
export interface SourceOfRow {
  /** `source_batch` (one row per written page) or `source_record` (one row per record). */
  keptIn: 'source_batch' | 'source_record';
  /** The batch's id (null for `source_record`). */
  batchId: string | null;
  connectorId: string;
  /** When the batch was written, or the record last changed. */
  writtenAt: Date;
  payload: unknown;
}

export class ConnectorAdminService {
  private ingest?: IngestService;

  /** `thresholds`: entity resolution's, for re-processing records quarantined because no enterprise was identified. */
  constructor(
    private readonly db: Database,
    private readonly registry: ConnectorRegistry,
    private readonly thresholds: Thresholds,
  ) {}

  /** Every registered connector (or the given ones), ordered by id; quarantine counts inside `scope` when given. */
  async list(ids?: string[], scope?: Scope): Promise<ConnectorView[]> {
    const params = new SqlParams();
    const idsParam = params.add(ids ?? null);
    const inScope = quarantineScopePredicate(scope, params);
    const res = await this.db.pool.query<Omit<ConnectorView, 'config'> & Pick<ConnectorRow, 'config'>>(
      `select c.id, c.kind, c.title, c.owner, c.schedule, c.enabled, c.config, c.definition, s.cursor, c.attention, c.attention_at as "attentionAt", s.backfill,
              (select count(*)::int from quarantine q where q.connector_id = c.id and q.status = 'OPEN' and ${inScope}) as quarantined
         from connector c left join connector_state s on s.connector_id = c.id
        where ${idsParam}::text[] is null or c.id = any(${idsParam}::text[])
        order by c.id`,
      params.values,
    );
    const out: ConnectorView[] = [];
    for (const r of res.rows) {
      let config: ConnectorConfig = {};
      try {
        const connector = this.registry.connectorOf(r);
        config = redactConfig(connector.manifest, resolveConfig(connector.manifest, r.config));
      } catch {
        // A code connector missing from this build or a broken definition: show no config rather than fail the list.
      }
      out.push({ ...r, config });
    }
    return out;
  }

  /** One connector, or an error naming the known ids. */
  async get(id: string): Promise<ConnectorView> {
    const [c] = await this.list([id]);
    if (!c) throw new UnknownConnectorError(`no connector with id '${id}'; known: ${(await this.registry.listIds(this.db)).join(', ')}`);
    return c;
  }

  /** The latest runs of each connector, newest first (batched for DataLoaders). */
  async runsOf(connectorIds: readonly string[], first: number): Promise<ConnectorRunView[][]> {
    const res = await this.db.pool.query<ConnectorRunView>(
      `select r.* from unnest($1::text[]) as c(id)
         cross join lateral (select ${RUN_COLUMNS} from connector_run where connector_id = c.id order by started_at desc, id desc limit $2) r`,
      [connectorIds, Math.max(0, Math.min(first, 500))],
    );
    return connectorIds.map((id) => res.rows.filter((r) => r.connectorId === id));
  }

  /** One run by id. */
  async run(runId: string): Promise<ConnectorRunView> {
    const res = await this.db.pool.query<ConnectorRunView>(`select ${RUN_COLUMNS} from connector_run where id = $1`, [runId]);
    if (!res.rows[0]) throw new UnknownConnectorError(`no connector run with id ${runId}`);
    return res.rows[0];
  }

  /** Quarantined records, newest first, paged by id (`after` is the last id seen). */
  async quarantined(opts: {
    connectorId?: string | null;
    status?: string | null;
    first: number;
    after?: string | null;
    scope?: Scope;
  }): Promise<{ items: QuarantinedRecordView[]; hasNextPage: boolean; totalCount: number }> {
    const first = Math.max(0, Math.min(opts.first, 500));
    if (opts.after !== undefined && opts.after !== null && !isBigintId(opts.after))
      throw new UnknownConnectorError(`after '${opts.after}' is not a quarantine cursor (the id of a record)`, { argument: 'after' });
    const params = new SqlParams();
    const connector = params.add(opts.connectorId ?? null);
    const status = params.add(opts.status ?? null);
    const where = `(${connector}::text is null or connector_id = ${connector}) and (${status}::text is null or status = ${status}) and ${quarantineScopePredicate(opts.scope, params)}`;
    const countValues = [...params.values];
    const after = params.add(opts.after ?? null);
    const limit = params.add(first + 1);
    const [page, count] = await Promise.all([
      this.db.pool.query<QuarantinedRecordView>(
        `select ${QUARANTINE_COLUMNS} from quarantine q where ${where} and (${after}::bigint is null or id < ${after}) order by id desc limit ${limit}`,
        params.values,
      ),
      this.db.pool.query<{ n: number }>(`select count(*)::int as n from quarantine q where ${where}`, countValues),
    ]);
    return { items: page.rows.slice(0, first), hasNextPage: page.rows.length > first, totalCount: count.rows[0].n };
  }

  private async ingestService(): Promise<IngestService> {
    this.ingest ??= await IngestService.withResolution(this.db.pool, this.thresholds);
    return this.ingest;
  }

  /**
   * Re-processes a quarantined record: when its source has since sent a good
   * version (a stored record with the same source id, newer than the
   * quarantine entry) it is marked REPROCESSED; otherwise its payload goes
   * through the connector's `map` and the validator again, and is loaded when
   * it now passes (e.g. after a value map was fixed) or keeps its new reason.
   * A record without a valid credit code goes through entity resolution again:
   * linked when its enterprise has arrived since (or a steward decided its source
   * identity), queued for review, or kept quarantined with the new reason.
   */
  async reprocess(quarantineId: string, scope?: Scope): Promise<{ record: QuarantinedRecordView; touched: string[] }> {
    if (!isBigintId(quarantineId)) throw new UnknownConnectorError(`quarantined record id '${quarantineId}' is not a number`, { argument: 'id' });
    const params = new SqlParams();
    const idParam = params.add(quarantineId);
    const found = await this.db.pool.query<QuarantinedRecordView>(
      `select ${QUARANTINE_COLUMNS} from quarantine q where id = ${idParam} and ${quarantineScopePredicate(scope, params)}`,
      params.values,
    );
    const q = found.rows[0];
    if (!q) throw new UnknownConnectorError(`no quarantined record with id ${quarantineId}`);
    if (q.status !== 'OPEN') return { record: q, touched: [] };
    if (q.sourceId) {
      // Kinds whose raw records are kept per page (monitoring, see `RecordDescriptor.provenance`): a batch written since holds the source id.
      const fixed = await this.db.pool.query(
        `select 1 from source_record where connector_id = $1 and source_id = $2 and changed_at >= $3
         union all
         (select 1 from source_batch where connector_id = $1 and written_at >= $3 and payload ? $2 limit 1)`,
        [q.connectorId, q.sourceId, q.receivedAt],
      );
      if (fixed.rowCount) return { record: await this.resolve(q.id, 'REPROCESSED'), touched: [] };
    }
    const { connector, row } = await this.registry.resolve(this.db, q.connectorId);
    const config = resolveConfig(connector.manifest, row.config);
    let record: UnifiedRecord;
    try {
      record = connector.map(q.payload, config);
    } catch (e) {
      const reason = e instanceof MappingError ? e.message : `mapping failed: ${(e as Error).message}`;
      return { record: await this.setReason(q.id, reason), touched: [] };
    }
    const ingest = await this.ingestService();
    const problems = validateRecord(record, ingest.ctx);
    if (problems.length && !ingest.resolvable(record, problems)) return { record: await this.setReason(q.id, problems.join('; ')), touched: [] };
    const result = await withTransaction(this.db.pool, async (client) => {
      const r = await ingest.ingestPage(client, q.connectorId, q.runId, [{ raw: q.payload, record }]);
      // Quarantined again (resolution still identifies no enterprise): the entry stays OPEN with the new reason.
      if (!r.quarantined) await client.query(`update quarantine set status = 'REPROCESSED', resolved_at = now() where id = $1 and status = 'OPEN'`, [q.id]);
      return r;
    });
    const after = await this.db.pool.query<QuarantinedRecordView>(`select ${QUARANTINE_COLUMNS} from quarantine where id = $1`, [q.id]);
    return { record: after.rows[0], touched: result.touched };
  }

  /**
   * The raw record a stored monitoring row came from, for a steward: `key` is
   * the row's key `creditCode/outletCode/pollutantCode/YYYY-MM-DD` (a
   * MON_EXCEED deduction's credit code and record id). Read from the
   * `source_batch` the row names (monitoring keeps its raw records per written
   * page), or from `source_record` for rows written before batches were kept.
   * Null when the store holds no such row or it has no source (a provisional
   * summary the gateway derived from hourly values).
   */
  async monitoringSource(key: string): Promise<SourceOfRow | null> {
    const [creditCode, outletCode, pollutantCode, day, extra] = key.split('/');
    if (!creditCode || !outletCode || !pollutantCode || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') || extra !== undefined)
      throw new UnknownConnectorError(`'${key}' is not a monitoring row key creditCode/outletCode/pollutantCode/YYYY-MM-DD`, { argument: 'key' });
    const res = await this.db.pool.query<SourceOfRow>(
      `select 'source_batch' as "keptIn", b.id::text as "batchId", b.connector_id as "connectorId", b.written_at as "writtenAt", b.payload -> $5 as payload
         from monitoring_day m join source_batch b on b.id = m.source_batch
        where m.credit_code = $1 and m.outlet_code = $2 and m.pollutant_code = $3 and m.day = $4::date
       union all
       (select 'source_record', null, s.connector_id, s.changed_at, s.payload from source_record s
         where s.kind = 'monitoring' and s.source_id = $5
           and exists (select 1 from monitoring_day m where m.credit_code = $1 and m.outlet_code = $2 and m.pollutant_code = $3 and m.day = $4::date
                          and m.source_batch is null)
         order by s.changed_at desc limit 1)
       limit 1`,
      [creditCode, outletCode, pollutantCode, day, key],
    );
    return res.rows[0] ?? null;
  }

  private async resolve(id: string, status: 'REPROCESSED' | 'DISCARDED'): Promise<QuarantinedRecordView> {
    const res = await this.db.pool.query<QuarantinedRecordView>(
      `update quarantine set status = $2, resolved_at = now() where id = $1 returning ${QUARANTINE_COLUMNS}`,
      [id, status],
    );
    return res.rows[0];
  }

  private async setReason(id: string, reason: string): Promise<QuarantinedRecordView> {
    const res = await this.db.pool.query<QuarantinedRecordView>(
      `update quarantine set reason = $2, last_seen_at = now() where id = $1 returning ${QUARANTINE_COLUMNS}`,
      [id, reason],
    );
    return res.rows[0];
  }
}
