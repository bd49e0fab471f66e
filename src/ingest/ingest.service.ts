import { MonitoringPartitionGuard } from '../monitoring/monitoring-partitions';
import type { Pool, PoolClient } from 'pg';
import { contentHash, contentHashOfJson } from './content-hash';
import { creditCodeProblem } from '../domain/credit-code';
import { ValidationContext, storablePayload, storableText, storageProblems, validateRecord } from './record-validator';
import { RecordDescriptor, descriptorOf } from './record-descriptors';
import { RecordKind, UnifiedRecord } from '../connectors/unified-record';
import { batchUpsertSql, replaceChildrenSql, upsertSql } from './upsert-sql';
import { EntityResolver, needsResolution } from '../resolution/entity-resolver';
import type { Thresholds } from '../resolution/similarity';

/** One fetched source record: its raw payload and what the connector's mapper made of it. */
export interface PageItem {
  raw: unknown;
  /** The mapped record; absent when mapping failed. */
  record?: UnifiedRecord;
  /** Why mapping failed. */
  mapError?: string;
  /** The source id and credit code a failed mapping could still read. */
  identity?: { sourceId?: string; creditCode?: string };
}

/** What loading one page did. */
export interface PageResult {
  /** Records inserted or changed. */
  loaded: number;
  /** Valid records whose content was already stored. */
  unchanged: number;
  quarantined: number;
  /** Credit codes of the enterprises whose data changed (to rescore, retag, warn). */
  touched: string[];
  /** Records without a valid credit code that entity resolution sent to the steward review queue (neither loaded nor quarantined). */
  queued?: number;
}

/** A valid record ready to write: its source row and typed rows already serialised. */
interface Valid {
  record: UnifiedRecord;
  /** The native record as fetched (quarantined as such if the database refuses the record). */
  raw: unknown;
  /** The `source_record` row as JSON (payload included); null for a batch-provenance kind (see `RecordDescriptor.provenance`). */
  sourceRow: string | null;
  /** The typed row as JSON, and the rows of its children (an enterprise's permits). */
  typedRow: string;
  /** For a batch-provenance kind: `"<row key>":<raw record as JSON>`, the record's entry in its page's `source_batch` payload. */
  batchEntry?: string;
  /** For a kind with children: the parent's key and version, and the children's rows. */
  parentRow?: string;
  childRows?: string[];
  /** The record's version as its source stamps it (see `RecordDescriptor.version`). */
  version: string | null;
}

/** A record that failed mapping or validation, on its way to quarantine. */
interface BadRecord {
  sourceId: string | null;
  creditCode: string | null;
  raw: unknown;
  reason: string;
}

/**
 * A page validated and serialised, not yet written: the CPU half of loading,
 * done while the previous page's statements run (see `SyncRunner` and `PagePipeline`).
 */
export interface PreparedPage {
  valid: Valid[];
  bad: BadRecord[];
  /**
   * Records otherwise valid whose credit code is not (entity resolution decides
   * whose they are when the page is written: `IngestService.writeSources`).
   * Absent or empty on pages whose records all carry valid codes.
   */
  unresolved?: Unresolved[];
  /** What resolution made of `unresolved` in the current attempt at writing the page. */
  resolved?: { valid: Valid[]; bad: BadRecord[]; queued: string[] };
}

/** A record waiting for entity resolution: the mapped record and its raw payload. */
interface Unresolved {
  record: UnifiedRecord;
  raw: unknown;
  version: string | null;
}

/**
 * Loads pages of fetched records into the unified store with set-based SQL:
 * validates, quarantines bad records with their reasons, upserts the raw
 * source records keyed by (connector, source id) — skipping those whose
 * content hash is unchanged — and upserts the typed tables for what changed.
 * One call handles one page inside the caller's transaction.
 */
export class IngestService {
  /** Month partitions of `monitoring_day` are created before rows of a month not seen yet are written. */
  private readonly monitoringPartitions = new MonitoringPartitionGuard();

  /**
   * `resolver`: entity resolution for records without a valid credit code (enforcement,
   * penalty); without one such records are quarantined for their credit code, as before.
   */
  constructor(
    readonly ctx: ValidationContext,
    private readonly resolver?: EntityResolver,
  ) {}

  /**
   * The service as syncs, steward decisions and re-processing use it: validated against
   * the store's division codes, with records that lack a valid credit code resolved by
   * entity resolution at `thresholds`.
   */
  static async withResolution(pool: Pick<Pool, 'query'>, thresholds: Thresholds): Promise<IngestService> {
    const res = await pool.query<{ code: string }>('select code from division');
    return new IngestService({ divisionCodes: new Set(res.rows.map((r) => r.code)) }, await EntityResolver.load(pool, { thresholds }));
  }

  /** True when `record` fails validation only because it names its enterprise without a valid credit code, which resolution decides. */
  resolvable(record: UnifiedRecord, problems: readonly string[]): boolean {
    if (!this.resolver || !problems.length || !needsResolution(record.kind, record.creditCode, record.identity)) return false;
    const codeProblem = creditCodeProblem(record.creditCode);
    return problems.every((p) => p === codeProblem);
  }

  /** Validates and serialises a page (pure: no I/O). */
  prepare(items: PageItem[]): PreparedPage {
    const bad: BadRecord[] = [];
    const bySource = new Map<string, Valid>();
    const unresolved = new Map<string, Unresolved>();
    for (const item of items) {
      if (!item.record) {
        bad.push({
          sourceId: item.identity?.sourceId ?? null,
          creditCode: item.identity?.creditCode ?? null,
          raw: item.raw,
          reason: item.mapError ?? 'record could not be mapped',
        });
        continue;
      }
      const problems = validateRecord(item.record, this.ctx);
      if (this.resolvable(item.record, problems)) {
        // Only the credit code is wrong: resolution decides whose record it is when the page is written.
        const version = descriptorOf(item.record.kind).version(item.record as never);
        const before = bySource.get(item.record.sourceId)?.version ?? unresolved.get(item.record.sourceId)?.version ?? null;
        if (olderVersion(version, before)) continue;
        bySource.delete(item.record.sourceId);
        unresolved.delete(item.record.sourceId);
        unresolved.set(item.record.sourceId, { record: item.record, raw: item.raw, version });
        continue;
      }
      // What passes the domain's rules may still be text the store cannot hold (NUL, a lone
      // surrogate, longer than its index allows): refused here, that record alone is quarantined.
      const next = problems.length ? undefined : serialise(item.record, item.raw, problems);
      if (!next) {
        bad.push(badRecord(item.record, item.raw, problems.join('; ')));
        continue;
      }
      // The same record twice in one page (repeats, change feeds): the later one wins, unless it is of an older version.
      const before = bySource.get(item.record.sourceId)?.version ?? unresolved.get(item.record.sourceId)?.version ?? null;
      if (olderVersion(next.version, before)) continue;
      bySource.delete(item.record.sourceId);
      unresolved.delete(item.record.sourceId);
      bySource.set(item.record.sourceId, next);
    }
    return unresolved.size ? { valid: [...bySource.values()], bad, unresolved: [...unresolved.values()] } : { valid: [...bySource.values()], bad };
  }

  /**
   * Entity resolution of the page's records without a valid credit code (one
   * statement per key for the whole page, see `EntityResolver`): linked records
   * become valid with the credit code found, the review band is queued, the rest
   * quarantined with the reason and best candidates. Kept on the page for this
   * attempt at writing it (a retry resolves again, in its own transaction).
   */
  private async resolve(client: PoolClient, connectorId: string, page: PreparedPage): Promise<void> {
    if (!page.unresolved?.length || !this.resolver) {
      page.resolved = undefined;
      return;
    }
    const outcomes = await this.resolver.resolve(
      client,
      connectorId,
      page.unresolved.map((u) => ({
        sourceId: u.record.sourceId,
        kind: u.record.kind,
        creditCode: u.record.creditCode,
        identity: u.record.identity,
        payload: { record: u.record, raw: u.raw },
      })),
    );
    const resolved: NonNullable<PreparedPage['resolved']> = { valid: [], bad: [], queued: [] };
    for (const u of page.unresolved) {
      const o = outcomes.get(u.record.sourceId)!;
      if (o.outcome === 'QUEUED') resolved.queued.push(u.record.sourceId);
      else if (o.outcome === 'QUARANTINED') resolved.bad.push(badRecord(u.record, u.raw, o.reason));
      else {
        const record = { ...u.record, creditCode: o.creditCode } as UnifiedRecord;
        const problems: string[] = [];
        const v = serialise(record, u.raw, problems);
        if (v) resolved.valid.push(v);
        else resolved.bad.push(badRecord(u.record, u.raw, problems.join('; ')));
      }
    }
    page.resolved = resolved;
  }

  /** Validates and writes one page (see `prepare` and `write`). */
  async ingestPage(client: PoolClient, connectorId: string, runId: string | null, items: PageItem[]): Promise<PageResult> {
    return this.write(client, connectorId, runId, this.prepare(items));
  }

  /** Writes a prepared page inside the caller's transaction (`writeSources`, then `writeRest`). */
  async write(client: PoolClient, connectorId: string, runId: string | null, page: PreparedPage): Promise<PageResult> {
    return this.writeRest(client, connectorId, runId, page, await this.writeSources(client, connectorId, page));
  }

  /**
   * The first half of writing a page: upserts its raw source records (only
   * new or changed content) and returns the source ids that changed, each
   * with the credit code it had before. Locks nothing but this connector's
   * `source_record` rows of the page, so it may run while the previous page's
   * `writeRest` is still in flight on another connection (see `PagePipeline`).
   */
  async writeSources(client: PoolClient, connectorId: string, page: PreparedPage): Promise<Map<string, string | null>> {
    await this.resolve(client, connectorId, page);
    const all = page.resolved?.valid.length ? [...page.valid, ...page.resolved.valid] : page.valid;
    // Records of batch-provenance kinds keep their raw records with their typed rows (`writeRest`).
    const valid = all.some((v) => v.sourceRow === null) ? all.filter((v) => v.sourceRow !== null) : all;
    return valid.length ? this.upsertSourceRecords(client, connectorId, valid) : new Map();
  }

  /** The second half: quarantine, the typed tables for what changed, and resolved quarantine entries. */
  async writeRest(client: PoolClient, connectorId: string, runId: string | null, page: PreparedPage, changed: Map<string, string | null>): Promise<PageResult> {
    const r = page.resolved;
    const quarantined = await this.quarantine(client, connectorId, runId, r?.bad.length ? [...page.bad, ...r.bad] : page.bad);
    const valid = r?.valid.length ? [...page.valid, ...r.valid] : page.valid;
    const queued = r?.queued.length ? { queued: r.queued.length } : {};
    if (r?.queued.length)
      // A record now in the review queue is no longer quarantined for its credit code.
      await client.query(
        `update quarantine set status = 'REPROCESSED', resolved_at = now() where connector_id = $1 and status = 'OPEN' and source_id = any($2::text[])`,
        [connectorId, r.queued],
      );
    if (!valid.length) return { loaded: 0, unchanged: 0, quarantined, touched: [], ...queued };
    const changedValid: Valid[] = [];
    const batched: Valid[] = [];
    for (const v of valid) {
      if (v.sourceRow === null) batched.push(v);
      else if (changed.has(v.record.sourceId)) changedValid.push(v);
    }
    const touched = new Set<string>();
    for (const v of changedValid) {
      touched.add(v.record.creditCode);
      const prev = changed.get(v.record.sourceId);
      if (prev) touched.add(prev);
    }
    await this.upsertTyped(client, connectorId, changedValid);
    // Entity resolution finds enterprises by the keys of their names: written with the enterprise.
    const enterprises = changedValid.flatMap((v) => (v.record.kind === 'enterprise' ? [{ creditCode: v.record.creditCode, name: v.record.data.name }] : []));
    if (this.resolver && enterprises.length) await this.resolver.writeNameKeys(client, enterprises);
    const batchChanged = batched.length ? await this.upsertBatched(client, connectorId, batched, touched) : 0;
    await client.query(
      `update quarantine set status = 'REPROCESSED', resolved_at = now()
        where connector_id = $1 and status = 'OPEN' and source_id = any($2::text[])`,
      [connectorId, valid.map((v) => v.record.sourceId)],
    );
    const loaded = changedValid.length + batchChanged;
    return { loaded, unchanged: valid.length - loaded, quarantined, touched: [...touched], ...queued };
  }

  /**
   * Writes a page PostgreSQL refused for its data (a constraint, a limit
   * the validator does not know): bisects its records with savepoints until
   * each refused record stands alone, quarantines those with the database's
   * reason, and writes the rest — in the caller's transaction, so the page's
   * cursor moves with it and no record can block its connector. Costs about
   * 2·log2(n) statements per refused record.
   */
  async writeIsolating(client: PoolClient, connectorId: string, runId: string | null, page: PreparedPage): Promise<PageResult> {
    const refused: BadRecord[] = [];
    const total: PageResult = { loaded: 0, unchanged: 0, quarantined: 0, touched: [] };
    // Resolution once for the page; the halves below hold only records with their credit codes.
    await this.resolve(client, connectorId, page);
    const resolved = page.resolved;
    page = {
      valid: resolved?.valid.length ? [...page.valid, ...resolved.valid] : page.valid,
      bad: resolved?.bad.length ? [...page.bad, ...resolved.bad] : page.bad,
    };
    if (resolved?.queued.length) total.queued = resolved.queued.length;
    const attempt = async (valid: Valid[]): Promise<void> => {
      await client.query('savepoint isolate_records');
      try {
        const part: PreparedPage = { valid, bad: [] };
        const r = await this.writeRest(client, connectorId, runId, part, await this.writeSources(client, connectorId, part));
        await client.query('release savepoint isolate_records');
        total.loaded += r.loaded;
        total.unchanged += r.unchanged;
        for (const c of r.touched) total.touched.push(c);
      } catch (e) {
        await client.query('rollback to savepoint isolate_records');
        await client.query('release savepoint isolate_records');
        if (!isDataError(e)) throw e;
        if (valid.length === 1) {
          const err = e as { message: string; code: string; detail?: string };
          refused.push(
            badRecord(
              valid[0].record,
              valid[0].raw,
              `the database refused the record: ${err.message}${err.detail ? ` (${err.detail})` : ''} [SQLSTATE ${err.code}]`,
            ),
          );
          return;
        }
        const mid = valid.length >> 1;
        await attempt(valid.slice(0, mid));
        await attempt(valid.slice(mid));
      }
    };
    if (page.valid.length) await attempt(page.valid);
    total.quarantined = await this.quarantine(client, connectorId, runId, [...page.bad, ...refused]);
    total.touched = [...new Set(total.touched)];
    return total;
  }

  private async quarantine(client: PoolClient, connectorId: string, runId: string | null, bad: BadRecord[]): Promise<number> {
    if (!bad.length) return 0;
    const rows = new Map<string, object>();
    for (const b of bad) {
      const hash = contentHash(b.raw);
      // Quarantine must hold whatever the store refused: text it cannot hold becomes U+FFFD, identities are cut short.
      rows.set(hash, {
        source_id: identity(b.sourceId, 160),
        credit_code: identity(b.creditCode, 64),
        payload: b.raw === undefined ? null : storablePayload(b.raw),
        payload_hash: hash,
        reason: storableText(b.reason),
      });
    }
    await client.query(
      `insert into quarantine (connector_id, run_id, source_id, credit_code, payload, payload_hash, reason)
       select $1, $2, x.source_id, x.credit_code, coalesce(x.payload, 'null'::jsonb), x.payload_hash, x.reason
         from jsonb_to_recordset($3::jsonb) as x(source_id text, credit_code text, payload jsonb, payload_hash text, reason text)
       on conflict (connector_id, payload_hash) where status = 'OPEN'
       do update set last_seen_at = now(), reason = excluded.reason, run_id = excluded.run_id`,
      [connectorId, runId, JSON.stringify([...rows.values()])],
    );
    return bad.length;
  }

  /**
   * Upserts raw source records; returns the source ids whose content changed
   * (new or different hash), each with the credit code it had before (or null).
   */
  private async upsertSourceRecords(client: PoolClient, connectorId: string, valid: Valid[]): Promise<Map<string, string | null>> {
    // One statement: read what is stored, write only new or changed records, and refresh
    // last_seen_at of unchanged ones at most once a day so re-syncs do not rewrite rows.
    // Latest wins: a record of an older version than the stored one is not written, and the
    // conflict clause checks that again against the row as committed, so it holds when this
    // statement runs while the previous page, not yet committed, writes the same record.
    const res = await client.query<{ source_id: string; prev_credit_code: string | null }>(
      `with incoming as (
         select * from jsonb_to_recordset($2::jsonb)
           as x(source_id text, kind text, credit_code text, payload jsonb, content_hash text, source_version timestamptz)
       ), prev as (
         select s.source_id, s.credit_code, s.content_hash, s.source_version, s.last_seen_at
           from source_record s join incoming i using (source_id) where s.connector_id = $1
       ), up as (
         insert into source_record (connector_id, source_id, kind, credit_code, payload, content_hash, source_version)
         select $1, i.source_id, i.kind, i.credit_code, i.payload, i.content_hash, i.source_version
           from incoming i left join prev p using (source_id)
          where p.source_id is null
             or (p.content_hash <> i.content_hash and coalesce(i.source_version >= p.source_version, true))
         on conflict (connector_id, source_id) do update
           set kind = excluded.kind, credit_code = excluded.credit_code, payload = excluded.payload,
               content_hash = excluded.content_hash, source_version = excluded.source_version,
               last_seen_at = now(), changed_at = now()
           where source_record.content_hash <> excluded.content_hash
             and coalesce(excluded.source_version >= source_record.source_version, true)
         returning source_id
       ), seen as (
         update source_record s set last_seen_at = now(), source_version = coalesce(s.source_version, p.source_version, i.source_version)
           from prev p join incoming i using (source_id)
          where s.connector_id = $1 and s.source_id = p.source_id and p.content_hash = i.content_hash
            and (p.last_seen_at < now() - interval '1 day' or (p.source_version is null and i.source_version is not null))
       )
       select up.source_id, prev.credit_code as prev_credit_code from up left join prev using (source_id)`,
      [connectorId, jsonArray(valid.map((v) => v.sourceRow!))],
    );
    return new Map(res.rows.map((r) => [r.source_id, r.prev_credit_code]));
  }

  /**
   * The records of batch-provenance kinds (see `RecordDescriptor.provenance`):
   * per kind one statement writes the typed rows that differ from the stored
   * ones and one `source_batch` row with their raw records; adds the changed
   * rows' credit codes to `touched` and returns how many rows changed. While
   * the connector has no successful run, the enterprises it changed are marked
   * as first loaded, as `source_record`'s trigger marks them for other kinds.
   */
  private async upsertBatched(client: PoolClient, connectorId: string, records: Valid[], touched: Set<string>): Promise<number> {
    const byKind = new Map<RecordKind, Valid[]>();
    for (const r of records) {
      const list = byKind.get(r.record.kind);
      if (list) list.push(r);
      else byKind.set(r.record.kind, [r]);
    }
    let changed = 0;
    const codes = new Set<string>();
    for (const [kind, recs] of byKind) {
      if (kind === 'monitoring') await this.monitoringPartitions.ensureFor(client, monitoringDays(recs));
      const res = await client.query<{ n: number; codes: string[] }>(batchStatementOf(kind), [
        jsonArray(recs.map((r) => r.typedRow)),
        connectorId,
        `{${recs.map((r) => r.batchEntry).join(',')}}`,
      ]);
      changed += res.rows[0].n;
      for (const c of res.rows[0].codes) codes.add(c);
    }
    if (codes.size) {
      for (const c of codes) touched.add(c);
      await client.query(
        `insert into score_dirty (credit_code, first_load)
         select c, true from unnest($2::text[]) c
          where not exists (select 1 from connector_run r where r.connector_id = $1 and r.status = 'SUCCEEDED')
          order by 1
         on conflict (credit_code) do update set first_load = true where not score_dirty.first_load`,
        [connectorId, [...codes]],
      );
    }
    return changed;
  }

  /** The typed rows of what changed: per kind one upsert generated from its descriptor (and one for its children). */
  private async upsertTyped(client: PoolClient, connectorId: string, records: Valid[]): Promise<void> {
    const byKind = new Map<RecordKind, Valid[]>();
    for (const r of records) {
      // Push, not spread: a page of tens of thousands of records must stay linear.
      const list = byKind.get(r.record.kind);
      if (list) list.push(r);
      else byKind.set(r.record.kind, [r]);
    }
    for (const [kind, recs] of byKind) {
      const sql = statementsOf(kind);
      const d = descriptorOf(kind);
      if (kind === 'monitoring') await this.monitoringPartitions.ensureFor(client, monitoringDays(recs));
      await client.query(sql.upsert, d.connectorColumn ? [jsonArray(recs.map((r) => r.typedRow)), connectorId] : [jsonArray(recs.map((r) => r.typedRow))]);
      if (sql.children) {
        await client.query(sql.children, [jsonArray(recs.map((r) => r.parentRow!)), jsonArray(recs.flatMap((r) => r.childRows ?? []))]);
      }
    }
  }
}

/** The dates of a page's monitoring rows. */
function* monitoringDays(recs: Valid[]): Iterable<string> {
  for (const r of recs) if (r.record.kind === 'monitoring') yield r.record.data.date;
}

/** The generated statements of each kind, built once. */
const STATEMENTS = new Map<RecordKind, { upsert: string; children?: string }>();

function statementsOf(kind: RecordKind): { upsert: string; children?: string } {
  let s = STATEMENTS.get(kind);
  if (!s) {
    const d = descriptorOf(kind) as RecordDescriptor;
    s = { upsert: upsertSql(d), children: d.children ? replaceChildrenSql(d, d.children) : undefined };
    STATEMENTS.set(kind, s);
  }
  return s;
}

/** The batch-provenance statement of each kind, built once. */
const BATCH_STATEMENTS = new Map<RecordKind, string>();

function batchStatementOf(kind: RecordKind): string {
  let s = BATCH_STATEMENTS.get(kind);
  if (!s) {
    s = batchUpsertSql(descriptorOf(kind) as RecordDescriptor);
    BATCH_STATEMENTS.set(kind, s);
  }
  return s;
}

/**
 * True when `next` holds a record without a source version that `previous`
 * holds too. Such a record's "changed?" check in `next` would read the store
 * before `previous` commits, and no version can tell which write is the
 * later, so `PagePipeline` lets `previous` commit before `next` starts.
 */
export function sharesUnversionedRecord(previous: PreparedPage, next: PreparedPage): boolean {
  let ids: Set<string> | undefined;
  for (const v of next.valid) {
    if (v.version !== null) continue;
    ids ??= new Set(previous.valid.filter((p) => p.version === null).map((p) => p.record.sourceId));
    if (ids.has(v.record.sourceId)) return true;
  }
  return false;
}

/** True when both versions are known and `a` is older than `b`. */
function olderVersion(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && Date.parse(a) < Date.parse(b);
}

/** A JSON array from already serialised elements. */
function jsonArray(parts: string[]): string {
  return `[${parts.join(',')}]`;
}

/**
 * Serialises a valid record once: its source row (with the content hash and
 * version) and its typed rows — or, adding to `problems`, nothing when the
 * store cannot hold it (see `storageProblems`).
 */
function serialise(record: UnifiedRecord, raw: unknown, problems: string[]): Valid | undefined {
  const json = JSON.stringify(raw) as string | undefined;
  const d = descriptorOf(record.kind) as RecordDescriptor;
  const row = d.row(record);
  const children = d.children?.rows(record);
  problems.push(...storageProblems(d, record.sourceId, row, children, raw, json));
  if (problems.length) return undefined;
  const payload = json ?? 'null';
  const version = d.version(record);
  if (d.provenance === 'batch') {
    // The raw record goes to the batch statement keyed by its row key, in the page's payload object (see `batchUpsertSql`).
    const key = d.conflictKey.map((c) => String((row as Record<string, unknown>)[c])).join('/');
    return { record, raw, sourceRow: null, version, typedRow: JSON.stringify(row), batchEntry: `${JSON.stringify(key)}:${payload}` };
  }
  const hash = contentHashOfJson(json);
  const sourceRow = `{"source_id":${JSON.stringify(record.sourceId)},"kind":${JSON.stringify(record.kind)},"credit_code":${JSON.stringify(record.creditCode)},"content_hash":"${hash}","source_version":${JSON.stringify(version)},"payload":${payload}}`;
  return {
    record,
    raw,
    sourceRow,
    version,
    typedRow: JSON.stringify(row),
    ...(children && {
      parentRow: JSON.stringify({ key: row[d.conflictKey[0]], version }),
      childRows: children.map((r) => JSON.stringify(r)),
    }),
  };
}

/** A mapped record on its way to quarantine, with what identifies it. */
function badRecord(record: UnifiedRecord, raw: unknown, reason: string): BadRecord {
  return {
    sourceId: typeof record.sourceId === 'string' ? record.sourceId : null,
    creditCode: typeof record.creditCode === 'string' ? record.creditCode : null,
    raw,
    reason,
  };
}

/** SQLSTATE classes of a row PostgreSQL refuses for its data: data exception, integrity constraint, program limit (index row size). */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
}

/** At most `max` characters of `s`, made storable (quarantine's indexed identity columns). */
function identity(s: string | null, max: number): string | null {
  return s === null ? null : storableText(s.length > max ? s.slice(0, max) : s);
}
