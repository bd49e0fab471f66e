import { createHash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
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
   */
  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
    private readonly snapshots: Pool = pool,
  ) {}

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

  /** The WHERE clause (scope and filter) shared by lists, counts, facets and exports. */
  async whereClause(scope: Scope, filter: EnterpriseFilterInput & Record<string, unknown>, params: SqlParams): Promise<string> {
    const clauses = [divisionPredicate(scope, params)];
    if (filter.divisionCode) {
      const d = this.divisions.require(filter.divisionCode, 'filter.divisionCode');
      clauses.push(divisionPredicate({ divisionCode: d.code, level: d.level }, params));
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
    return clauses.join(' and ');
  }

  /**
   * A page of a filtered, ordered list, read from a result snapshot: the first
   * request (no cursor) stores the ordered credit codes of the whole result
   * (`result_snapshot`, on the primary) and every cursor names that snapshot
   * and a position in it. Paging on with `first/after` or back with
   * `last/before` therefore shows each enterprise of the result as it was when
   * the first page was read exactly once, however scores change meanwhile
   * (rows show their current values; one that left the caller's jurisdiction
   * is left out). Snapshots are kept {@link ENTERPRISE_SNAPSHOT_TTL_MS}; an
   * older cursor is refused with a message saying to restart paging.
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
    let snapshotId: string;
    let codes: string[];
    let length: number;
    let lo: number; // 1-based position of the page's first row
    if (!cursorPos) {
      const o = ORDER[order];
      const params = new SqlParams();
      const where = await this.whereClause(scope, filter as EnterpriseFilterInput & Record<string, unknown>, params);
      const orderBy = o.column === 'e.credit_code' ? 'e.credit_code asc' : `${o.column} ${o.dir}, e.credit_code asc`;
      const sql = `select coalesce(array_agg(e.credit_code order by ${orderBy}), '{}') as codes from enterprise e where ${where}`;
      const all = (await this.pool.query<{ codes: string[] }>({ name: statementName(sql), text: sql, values: params.values })).rows[0].codes;
      snapshotId = randomUUID();
      await this.snapshots.query(`insert into result_snapshot (id, scope_code, order_key, codes) values ($1, $2, $3, $4)`, [
        snapshotId,
        scope.divisionCode,
        order,
        all,
      ]);
      this.expireSnapshots();
      length = all.length;
      lo = backward ? Math.max(1, length - size + 1) : 1;
      codes = all.slice(lo - 1, backward ? length : size);
    } else {
      snapshotId = cursorPos.snapshotId;
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
      const res = await this.snapshots.query<{ codes: string[]; length: number; scope_code: string; order_key: string }>(
        `select codes[$2::int:$3::int] as codes, cardinality(codes) as length, scope_code, order_key from result_snapshot
          where id = $1 and created_at > now() - make_interval(secs => $4::double precision / 1000)`,
        [snapshotId, lo, Math.max(hi, lo - 1), ENTERPRISE_SNAPSHOT_TTL_MS],
      );
      const snap = res.rows[0];
      const argument = after ? 'after' : 'before';
      if (!snap)
        throw new InvalidCursorError(
          `'${argument}' belongs to a result read more than ${ENTERPRISE_SNAPSHOT_TTL_MS / 60000} minutes ago (or never issued); restart paging without a cursor`,
          { argument },
        );
      if (snap.scope_code !== scope.divisionCode || snap.order_key !== order) {
        throw new InvalidCursorError(
          `'${argument}' was issued for another ${snap.order_key !== order ? `ordering (${snap.order_key}, not ${order})` : 'API key'}; restart paging without a cursor`,
          { argument },
        );
      }
      codes = hi >= lo ? (snap.codes ?? []) : [];
      length = snap.length;
    }
    const rows = codes.length ? await this.rowsOf(scope, codes) : new Map<string, EnterpriseRow>();
    const edges = codes
      .map((code, i) => ({ code, position: lo + i }))
      .filter((c) => rows.has(c.code))
      .map((c) => ({ cursor: encodeCursor({ snapshotId, position: c.position }), node: rows.get(c.code)! }));
    const first = codes.length ? lo : null;
    const last = codes.length ? lo + codes.length - 1 : null;
    return {
      edges,
      hasPreviousPage: first != null ? first > 1 : lo > 1 && length > 0,
      hasNextPage: last != null ? last < length : lo <= length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      snapshotId,
      totalCount: async () => length,
    };
  }

  /** Current rows of these enterprises inside `scope`, by credit code. */
  private async rowsOf(scope: Scope, codes: string[]): Promise<Map<string, EnterpriseRow>> {
    const params = new SqlParams();
    const sql = `select ${ENTERPRISE_COLUMNS} from enterprise e where e.credit_code = any(${params.add(codes)}::text[]) and ${divisionPredicate(scope, params)}`;
    const res = await this.pool.query<EnterpriseRow>({ name: statementName(sql), text: sql, values: params.values });
    return new Map(res.rows.map((r) => [r.creditCode, r]));
  }

  private lastExpiry = 0;

  /** Drops expired snapshots, at most once a minute per process, without holding up the request. */
  private expireSnapshots(): void {
    if (Date.now() - this.lastExpiry < 60_000) return;
    this.lastExpiry = Date.now();
    this.snapshots
      .query(`delete from result_snapshot where created_at < now() - make_interval(secs => $1::double precision / 1000)`, [ENTERPRISE_SNAPSHOT_TTL_MS])
      .catch(() => undefined);
  }
}
