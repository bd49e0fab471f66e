import { createHash, randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { DivisionDirectory } from '../divisions/division-directory';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { InvalidCursorError, decodeCursor, encodeCursor } from './enterprise-cursor';
import { ENTERPRISE_COLUMNS, EnterpriseFilterInput, EnterpriseOrderKey, EnterpriseRow } from './enterprise.model';
import { ClientError } from '../domain/client-error';

/** A page of enterprises in Relay form, read from a result snapshot. */
export interface EnterprisePage {
  edges: { cursor: string; node: EnterpriseRow }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  /** The snapshot the cursors point into. */
  snapshotId: string;
  /** Enterprises in the result snapshot (as of its first page). */
  totalCount(): Promise<number>;
}

/** Relay paging arguments: `first` rows after `after`, or `last` rows before `before`. */
export interface EnterprisePaging {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** How long a result snapshot (and so its cursors) is kept: 30 minutes. */
export const ENTERPRISE_SNAPSHOT_TTL_MS = 30 * 60 * 1000;

/**
 * Most enterprise keys all result snapshots keep together: 25 million (about
 * 100 MB at 4 bytes a key, some 95 province-wide results of 260,000). Beyond
 * it the oldest snapshots are dropped first, and their cursors ask the client
 * to restart paging.
 */
export const ENTERPRISE_SNAPSHOT_MAX_KEYS = 25_000_000;

/** How long result snapshots are kept and how many keys they may hold in total. */
export interface SnapshotLimits {
  /** Milliseconds a snapshot (and so its cursors) lives; default {@link ENTERPRISE_SNAPSHOT_TTL_MS}. */
  ttlMs?: number;
  /** Most keys kept over all snapshots; default {@link ENTERPRISE_SNAPSHOT_MAX_KEYS}. */
  maxStoredKeys?: number;
  /** Where a snapshot that could not be stored behind its first page is reported (its cursors ask to restart paging). */
  log?: (line: string) => void;
}

/**
 * Names the advisory lock a snapshot's store holds until it commits (with
 * {@link snapshotLockKey}): a later page that finds no snapshot waits on it.
 */
const SNAPSHOT_LOCK = 'hub-result-snapshot';

/** The second key of a snapshot's advisory lock: the first 32 bits of its id (two ids sharing them only wait for each other). */
function snapshotLockKey(snapshotId: string): number {
  return parseInt(snapshotId.slice(0, 8), 16) | 0;
}

/**
 * Commits (`commit`) or rolls back a client's transaction and hands the
 * client back to its pool; one whose rollback failed is discarded (its
 * connection is in doubt). A failed commit is thrown.
 */
async function endTransaction(client: PoolClient, commit: boolean): Promise<void> {
  try {
    await client.query(commit ? 'commit' : 'rollback');
  } catch (e) {
    client.release(e as Error);
    if (commit) throw e;
    return;
  }
  client.release();
}

/** A page in Relay form: its rows at their positions in the snapshot. */
function pageOf(
  snapshotId: string,
  rows: { node: EnterpriseRow; position: number }[],
  has: Pick<EnterprisePage, 'hasNextPage' | 'hasPreviousPage'>,
  totalCount: () => Promise<number>,
): EnterprisePage {
  const edges = rows.map((r) => ({ cursor: encodeCursor({ snapshotId, position: r.position }), node: r.node }));
  return {
    edges,
    ...has,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    snapshotId,
    totalCount,
  };
}

/** Most rows one page may ask for. */
export const MAX_PAGE_SIZE = 500;

/** Longest name substring a filter may ask for. */
export const MAX_NAME_FILTER = 100;

export class BadFilterError extends ClientError {}

/** Builds WHERE clauses for a filter; other concerns (tags) add theirs through `extraClauses`. */
export type FilterClauseBuilder = (filter: Record<string, unknown>, params: SqlParams, scope: Scope) => Promise<string[]> | string[];

const ORDER: Record<EnterpriseOrderKey, { column: string; dir: 'asc' | 'desc'; numeric: boolean }> = {
  SCORE_ASC: { column: 'e.score', dir: 'asc', numeric: true },
  SCORE_DESC: { column: 'e.score', dir: 'desc', numeric: true },
  NAME_ASC: { column: 'e.name', dir: 'asc', numeric: false },
  CREDIT_CODE_ASC: { column: 'e.credit_code', dir: 'asc', numeric: false },
};

/** Distinct search statements whose names are remembered (a filter's shape, not its values, makes the text). */
const MAX_NAMED_STATEMENTS = 1000;
const statementNames = new Map<string, string>();

/**
 * The name under which a search statement is prepared once per connection
 * and then only bound and executed (no parse and no new plan per request):
 * derived from the text, so one name never stands for two texts.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `enterprise-search-${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    if (statementNames.size >= MAX_NAMED_STATEMENTS) statementNames.clear();
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Finds enterprises inside a caller's jurisdiction: one by credit code, or
 * pages of a filtered, ordered list with keyset (Relay) cursors that stay
 * stable under ties (credit code breaks them). Scope and filter are SQL.
 */
export class EnterpriseSearchService {
  private readonly extra: FilterClauseBuilder[] = [];

  /**
   * @param pool where searches read (the replica when there is one)
   * @param snapshots where result snapshots are written and read (the primary; defaults to `pool`)
   * @param limits snapshot lifetime and total size, and where a snapshot that could not be stored is reported
   */
  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
    private readonly snapshots: Pool = pool,
    limits: SnapshotLimits = {},
  ) {
    this.ttlMs = limits.ttlMs ?? ENTERPRISE_SNAPSHOT_TTL_MS;
    this.maxStoredKeys = limits.maxStoredKeys ?? ENTERPRISE_SNAPSHOT_MAX_KEYS;
    this.log = limits.log ?? (() => undefined);
  }

  private readonly ttlMs: number;
  private readonly maxStoredKeys: number;
  private readonly log: (line: string) => void;

  /** Lets another concern (e.g. tags) contribute WHERE clauses for its filter fields. */
  addFilterClauses(builder: FilterClauseBuilder): void {
    this.extra.push(builder);
  }

  async findOne(scope: Scope, creditCode: string): Promise<EnterpriseRow | null> {
    const params = new SqlParams();
    const sql = `select ${ENTERPRISE_COLUMNS} from enterprise e
                  where e.credit_code = ${params.add(creditCode)} and ${divisionPredicate(scope, params)}`;
    const res = await this.pool.query<EnterpriseRow>(sql, params.values);
    return res.rows[0] ?? null;
  }

  /**
   * The WHERE clause (scope and filter) shared by lists, counts, facets and
   * exports. A division that holds every enterprise (the province) adds no
   * predicate: it would be true of every row (see
   * {@link DivisionDirectory.holdsEveryDivision}).
   */
  async whereClause(scope: Scope, filter: EnterpriseFilterInput & Record<string, unknown>, params: SqlParams): Promise<string> {
    const clauses: string[] = [];
    const within = (d: Scope) => {
      if (!this.divisions.holdsEveryDivision(d)) clauses.push(divisionPredicate(d, params));
    };
    within(scope);
    if (filter.divisionCode) {
      const d = this.divisions.require(filter.divisionCode, 'filter.divisionCode');
      within({ divisionCode: d.code, level: d.level });
    }
    if (filter.riskLevels?.length) clauses.push(`e.risk_level = any(${params.add(filter.riskLevels)}::text[])`);
    if (filter.scoreMin != null) clauses.push(`e.score >= ${params.add(filter.scoreMin)}`);
    if (filter.scoreMax != null) clauses.push(`e.score <= ${params.add(filter.scoreMax)}`);
    if (filter.scoreMin != null && filter.scoreMax != null && filter.scoreMin > filter.scoreMax) {
      throw new BadFilterError(`filter.scoreMin (${filter.scoreMin}) is greater than filter.scoreMax (${filter.scoreMax})`);
    }
    if (filter.nameContains && filter.nameContains.length > MAX_NAME_FILTER) {
      throw new BadFilterError(`filter.nameContains has ${filter.nameContains.length} characters; the limit is ${MAX_NAME_FILTER}`);
    }
    if (filter.riskLevels && filter.riskLevels.length > 3)
      throw new BadFilterError(`filter.riskLevels lists ${filter.riskLevels.length} levels; there are only 3`);
    if (filter.nameContains) {
      const needle = filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`);
      clauses.push(`e.name like ${params.add(`%${needle}%`)}`);
    }
    if (filter.industryCode) clauses.push(`e.industry_code like ${params.add(`${filter.industryCode.replace(/[\\%_]/g, '')}%`)}`);
    for (const b of this.extra) clauses.push(...(await b(filter, params, scope)));
    return clauses.length ? clauses.join(' and ') : 'true';
  }

  /**
   * A page of a filtered, ordered list, read from a result snapshot: the first
   * request (no cursor) fixes the result — its page is read at once and the
   * ordered keys of the whole result are stored behind it, as of the same
   * moment (`result_snapshot`, on the primary; see {@link firstPage}) — and
   * every cursor names that snapshot and a position in it. Paging on with
   * `first/after` or back with `last/before` therefore shows each enterprise
   * of the result as it was when the first page was read exactly once,
   * however scores change meanwhile (rows show their current values; one that
   * left the caller's jurisdiction is left out). Snapshots are kept
   * {@link ENTERPRISE_SNAPSHOT_TTL_MS} and within
   * {@link ENTERPRISE_SNAPSHOT_MAX_KEYS} (by default); an older or dropped
   * cursor is refused with a message saying to restart paging.
   */
  async search(
    scope: Scope,
    filter: EnterpriseFilterInput = {},
    order: EnterpriseOrderKey = 'SCORE_ASC',
    paging: EnterprisePaging = {},
  ): Promise<EnterprisePage> {
    const { after, before } = paging;
    const backward = paging.last != null || (before != null && paging.first == null);
    const size = backward ? (paging.last ?? 50) : (paging.first ?? 50);
    const name = backward ? 'last' : 'first';
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw new BadFilterError(`'${name}' must be between 0 and ${MAX_PAGE_SIZE}, got ${size}`, { argument: name });
    }
    if (paging.first != null && paging.last != null)
      throw new BadFilterError(`pass either 'first' (with 'after') or 'last' (with 'before'), not both`, { argument: 'last' });
    const cursorPos = after ? decodeCursor(after, 'after') : before ? decodeCursor(before, 'before') : null;
    if (after && before) {
      const b = decodeCursor(before, 'before');
      if (b.snapshotId !== cursorPos!.snapshotId) throw new InvalidCursorError(`'after' and 'before' come from different results`, { argument: 'before' });
    }
    if (!cursorPos) {
      const snapshotId = randomUUID();
      const first = await this.firstPage(scope, filter, order, snapshotId, size, backward);
      const more = first.rows.length > size;
      const rows = backward ? first.rows.slice(0, size).reverse() : first.rows.slice(0, size);
      // Backward, the page is the result's end: its positions count from the result's length.
      const lo = backward ? (await first.stored) - rows.length + 1 : 1;
      return pageOf(
        snapshotId,
        rows.map((node, i) => ({ node, position: lo + i })),
        { hasNextPage: !backward && more, hasPreviousPage: backward && more },
        () => first.stored,
      );
    }
    const snapshotId = cursorPos.snapshotId;
    let lo: number; // 1-based position of the page's first row
    let hi: number;
    if (after && before) {
      lo = cursorPos.position + 1;
      hi = decodeCursor(before, 'before').position - 1;
      if (backward) lo = Math.max(lo, hi - size + 1);
      else hi = Math.min(hi, lo + size - 1);
    } else if (after) {
      lo = cursorPos.position + 1;
      hi = cursorPos.position + size;
    } else {
      hi = cursorPos.position - 1;
      lo = Math.max(1, cursorPos.position - size);
    }
    const read = () => this.readSnapshot(scope, snapshotId, lo, Math.max(hi, lo - 1));
    let snap = await read();
    if (!snap) {
      // A snapshot still being stored behind its first page (on this process or another replica) holds its lock until
      // it commits: wait for that, then look again. A snapshot never issued or long gone has no lock to wait for.
      await this.snapshots.query(`select pg_advisory_xact_lock_shared(hashtext('${SNAPSHOT_LOCK}'), $1::int)`, [snapshotLockKey(snapshotId)]);
      snap = await read();
    }
    const argument = after ? 'after' : 'before';
    if (!snap)
      throw new InvalidCursorError(
        `'${argument}' belongs to a result read more than ${Math.round(this.ttlMs / 60000)} minutes ago (or never issued, or dropped to keep snapshots within their cap); restart paging without a cursor`,
        { argument },
      );
    if (snap.scope_code !== scope.divisionCode || snap.order_key !== order) {
      throw new InvalidCursorError(
        `'${argument}' was issued for another ${snap.order_key !== order ? `ordering (${snap.order_key}, not ${order})` : 'API key'}; restart paging without a cursor`,
        { argument },
      );
    }
    const keys = hi >= lo ? snap.keys : 0;
    const length = snap.length;
    const rows = keys ? (snap.rows ?? (await this.rowsOf(scope, snap.keyList!))) : [];
    const first = keys ? lo : null;
    const last = keys ? lo + keys - 1 : null;
    return pageOf(
      snapshotId,
      rows.map((r) => ({ node: r.node, position: lo + r.index })),
      {
        hasPreviousPage: first != null ? first > 1 : lo > 1 && length > 0,
        hasNextPage: last != null ? last < length : lo <= length,
      },
      async () => length,
    );
  }

  /**
   * A first page, read at once, and the result snapshot stored behind it. In
   * one REPEATABLE READ transaction (one snapshot of the database) the page's
   * rows are read with `ORDER BY … LIMIT size + 1` and then the whole ordered
   * result's keys are stored (an `int4[]` of `enterprise.row_key`s, 4 bytes an
   * enterprise): the page is exactly the stored result's first `size` (or,
   * backward, last) keys, however scores change meanwhile, and the client has
   * its page without waiting for the whole result to be ordered and stored.
   * `stored` resolves to the result's length once the snapshot is committed;
   * until then the transaction holds the snapshot's advisory lock, so a later
   * page asked for meanwhile (here or on another replica) waits for it
   * instead of finding no snapshot. With one pool the whole result is one
   * INSERT … SELECT (it never travels to this process); with a read replica
   * the replica reads the page and orders the result, the array passing
   * through as text (never parsed here) to the primary, which stores it.
   */
  private async firstPage(
    scope: Scope,
    filter: EnterpriseFilterInput,
    order: EnterpriseOrderKey,
    snapshotId: string,
    size: number,
    backward: boolean,
  ): Promise<{ rows: EnterpriseRow[]; stored: Promise<number> }> {
    const o = ORDER[order];
    const params = new SqlParams();
    const where = await this.whereClause(scope, filter as EnterpriseFilterInput & Record<string, unknown>, params);
    const orderBy = (reverse: boolean, column = o.column, tieBreak = 'e.credit_code') => {
      const dir = (d: 'asc' | 'desc') => (reverse ? (d === 'asc' ? 'desc' : 'asc') : d);
      return o.column === 'e.credit_code' ? `${tieBreak} ${dir('asc')}` : `${column} ${dir(o.dir)}, ${tieBreak} ${dir('asc')}`;
    };
    const n = params.values.length;
    // The page's keys first, then its rows: the ordering indexes carry the tags, the jurisdiction and the key, so for
    // a tag search the keys come off an index-only walk in result order that stops at the page's last match, and
    // only the page's own rows are read from the table (a filter on other columns reads them as before).
    const pageSql = `with p as materialized (
        select e.row_key, ${o.column} as k1, e.credit_code as k2 from enterprise e where ${where} order by ${orderBy(backward)} limit $${n + 1}::int)
      select ${ENTERPRISE_COLUMNS} from p join enterprise e on e.row_key = p.row_key order by ${orderBy(backward, 'p.k1', 'p.k2')}`;
    const page = { name: statementName(pageSql), text: pageSql, values: [...params.values, size + 1] };
    // ARRAY(subquery) keeps the subquery's order, and the ordering indexes carry row_key: in score or name order the
    // result comes off an index-only scan (no sort), as a plain page's rows do.
    const result = `select array(select e.row_key from enterprise e where ${where} order by ${orderBy(false)})`;
    const lock = `select pg_advisory_xact_lock(hashtext('${SNAPSHOT_LOCK}'), ${snapshotLockKey(snapshotId)})`;
    // Planned for the values at hand, every time: a plan cached for one filter's values walks the whole score index
    // for a rare tag combination (measured 89 ms for 10 matches of 260,000, against 2 ms planned for those values).
    const customPlans = `set local plan_cache_mode = force_custom_plan`;
    let rows: EnterpriseRow[];
    let stored: Promise<number>;
    if (this.snapshots === this.pool) {
      const client = await this.pool.connect();
      try {
        await client.query(`begin isolation level repeatable read; ${customPlans}; ${lock}`);
        rows = (await client.query<EnterpriseRow>(page)).rows;
      } catch (e) {
        await endTransaction(client, false);
        throw e;
      }
      // MATERIALIZED: the result is computed once (inlined, the ARRAY would be computed again for its cardinality).
      const storeSql = `with r as materialized (${result} as keys)
        insert into result_snapshot (id, scope_code, order_key, keys, length)
        select $${n + 1}::uuid, $${n + 2}, $${n + 3}, r.keys, cardinality(r.keys) from r returning length`;
      const store = { name: statementName(storeSql), text: storeSql, values: [...params.values, snapshotId, scope.divisionCode, order] };
      stored = (async () => {
        let length: number | undefined;
        try {
          length = (await client.query<{ length: number }>(store)).rows[0].length;
          return length;
        } finally {
          await endTransaction(client, length !== undefined);
        }
      })();
    } else {
      const reader = await this.pool.connect();
      let writer: PoolClient;
      try {
        writer = await this.snapshots.connect();
      } catch (e) {
        reader.release();
        throw e;
      }
      try {
        await Promise.all([writer.query(`begin; ${lock}`), reader.query(`begin isolation level repeatable read read only; ${customPlans}`)]);
        rows = (await reader.query<EnterpriseRow>(page)).rows;
      } catch (e) {
        await Promise.all([endTransaction(reader, false), endTransaction(writer, false)]);
        throw e;
      }
      const keysSql = `${result}::text as keys`;
      const keys = { name: statementName(keysSql), text: keysSql, values: params.values };
      stored = (async () => {
        let length: number | undefined;
        try {
          let text: string;
          try {
            text = (await reader.query<{ keys: string }>(keys)).rows[0].keys;
          } finally {
            await endTransaction(reader, false); // read only: nothing to commit
          }
          length = (
            await writer.query<{ length: number }>(
              `insert into result_snapshot (id, scope_code, order_key, keys, length) values ($1, $2, $3, $4::int4[], cardinality($4::int4[])) returning length`,
              [snapshotId, scope.divisionCode, order, text],
            )
          ).rows[0].length;
          return length;
        } finally {
          await endTransaction(writer, length !== undefined);
        }
      })();
    }
    stored.then(
      (length) => this.noteStored(length),
      (e: Error) => this.log(`result snapshot ${snapshotId} not stored (its cursors ask to restart paging): ${e.message}`),
    );
    return { rows, stored };
  }

  /**
   * Positions `lo`..`hi` of a live snapshot: its length, scope and order, how
   * many keys the range holds and, when searches read where snapshots are
   * kept (one pool), the current rows of those keys inside `scope` (0-based
   * `index` in the range; a row that left the scope is left out), all in one
   * statement. With a read replica `rows` is absent and `keyList` holds the
   * keys, whose rows {@link rowsOf} reads from the replica. Undefined when no
   * live snapshot has that id.
   */
  private async readSnapshot(
    scope: Scope,
    snapshotId: string,
    lo: number,
    hi: number,
  ): Promise<
    { length: number; scope_code: string; order_key: string; keys: number; rows?: { node: EnterpriseRow; index: number }[]; keyList?: number[] } | undefined
  > {
    const params = new SqlParams();
    const live = `s.id = ${params.add(snapshotId)} and s.created_at > now() - make_interval(secs => ${params.add(this.ttlMs)}::double precision / 1000)`;
    const range = `s.keys[${params.add(lo)}::int:${params.add(hi)}::int]`;
    if (this.snapshots !== this.pool) {
      const res = await this.snapshots.query<{ keys: number[] | null; length: number; scope_code: string; order_key: string }>(
        `select ${range} as keys, s.length, s.scope_code, s.order_key from result_snapshot s where ${live}`,
        params.values,
      );
      const snap = res.rows[0];
      return snap && { ...snap, keys: snap.keys?.length ?? 0, keyList: snap.keys ?? [] };
    }
    // One row per key of the range (one row with null keys when it holds none), with the key's enterprise if in scope.
    const sql = `select s.length, s.scope_code, s.order_key, k.ord::int as index, k.key, ${ENTERPRISE_COLUMNS}
       from result_snapshot s
       left join lateral unnest(${range}) with ordinality as k(key, ord) on true
       left join enterprise e on e.row_key = k.key and ${divisionPredicate(scope, params)}
      where ${live} order by k.ord`;
    type Row = EnterpriseRow & { length: number; scope_code: string; order_key: string; index: number | null; key: number | null };
    const res = await this.snapshots.query<Row>({ name: statementName(sql), text: sql, values: params.values });
    if (!res.rows.length) return undefined;
    const { length, scope_code, order_key } = res.rows[0];
    const rows: { node: EnterpriseRow; index: number }[] = [];
    let keys = 0;
    for (const r of res.rows) {
      if (r.key == null) continue;
      keys++;
      if (r.creditCode == null) continue; // no longer in the caller's jurisdiction
      const index = r.index! - 1;
      const { length: _l, scope_code: _s, order_key: _o, index: _i, key: _k, ...node } = r;
      rows.push({ node, index });
    }
    return { length, scope_code, order_key, keys, rows };
  }

  /** Current rows of these enterprises (by `row_key`) inside `scope`, at their 0-based `index` in `keys`. */
  private async rowsOf(scope: Scope, keys: number[]): Promise<{ node: EnterpriseRow; index: number }[]> {
    const params = new SqlParams();
    const sql = `select e.row_key as "rowKey", ${ENTERPRISE_COLUMNS} from enterprise e where e.row_key = any(${params.add(keys)}::int4[]) and ${divisionPredicate(scope, params)}`;
    const res = await this.pool.query<EnterpriseRow & { rowKey?: number }>({ name: statementName(sql), text: sql, values: params.values });
    const byKey = new Map(
      res.rows.map((r) => {
        const key = r.rowKey!;
        delete r.rowKey;
        return [key, r as EnterpriseRow];
      }),
    );
    return keys.flatMap((key, index) => {
      const node = byKey.get(key);
      return node ? [{ node, index }] : [];
    });
  }

  private lastExpiry = 0;
  private storedSinceExpiry = 0;

  /** Counts the keys just stored; runs expiry when a minute has passed or a tenth of the cap was stored since the last run. */
  private noteStored(keys: number): void {
    this.storedSinceExpiry += keys;
    if (Date.now() - this.lastExpiry < 60_000 && this.storedSinceExpiry < this.maxStoredKeys / 10) return;
    void this.expireSnapshots();
  }

  /**
   * Drops snapshots older than the TTL, then the oldest ones beyond the cap on
   * keys kept in total (newest kept first), without holding up the request.
   * Returns the number dropped (for tests and `hub`-side maintenance).
   */
  async expireSnapshots(): Promise<number> {
    this.lastExpiry = Date.now();
    this.storedSinceExpiry = 0;
    try {
      const res = await this.snapshots.query(
        `delete from result_snapshot where id in (
           select id from (select id, created_at, sum(length) over (order by created_at desc, id) as kept from result_snapshot) s
            where s.created_at < now() - make_interval(secs => $1::double precision / 1000) or s.kept > $2::bigint)`,
        [this.ttlMs, this.maxStoredKeys],
      );
      return res.rowCount ?? 0;
    } catch {
      return 0; // the next first page tries again
    }
  }
}
