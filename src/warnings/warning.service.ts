import { Pool } from 'pg';
import { bigintId, isBigintId } from '../domain/client-error';
import { Caller } from '../auth/caller.model';
import { DivisionDirectory } from '../divisions/division-directory';
import { ENTERPRISE_COLUMNS, EnterpriseRow } from '../enterprises/enterprise.model';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { WARNING_TYPES, WarningStatusValue } from '../domain/vocabulary';
import { WARNING_COLUMNS, WarningFilterError, WarningNotFoundError, WarningRow, WarningStateError } from './warning.types';
import { KeysetPage, keysetPage } from '../db/keyset-page';
import { groupBy } from '../domain/group-by';

/** Conditions on warnings (the `WarningFilter` of the API); all given conditions must hold. */
export interface WarningFilterInput {
  types?: string[] | null;
  status?: WarningStatusValue[] | null;
  /** Province, city or county: the whole subtree, inside the caller's jurisdiction. */
  divisionCode?: string | null;
  /** One enterprise. */
  creditCode?: string | null;
  severities?: string[] | null;
}

/** A page of warnings, newest first, with Relay cursors. */
export type WarningPage = KeysetPage<WarningRow> & { hasPreviousPage: boolean };

/** Warnings of one type in one status (dashboards). */
export interface WarningCountRow {
  type: string;
  status: WarningStatusValue;
  count: number;
}

/** Most rows one page may ask for. */
export const MAX_WARNING_PAGE = 500;

const CURSOR_PREFIX = 'warning:';

/** Opaque cursor of a warning in the newest-first order. */
export function encodeWarningCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

function decodeWarningCursor(cursor: string, argument: 'after' | 'before' = 'after'): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || !isBigintId(text.slice(CURSOR_PREFIX.length))) {
    throw new WarningFilterError(
      `'${argument}' is not a cursor of a warnings page: pass ${argument === 'after' ? 'the endCursor' : 'the startCursor'} or an edge cursor you received`,
      { argument },
    );
  }
  return text.slice(CURSOR_PREFIX.length);
}

/**
 * Reads and moves warnings for a caller: lists with filters and keyset paging,
 * counts per type and status, and the workflow steps. The caller's
 * jurisdiction is always part of the SQL (`divisionPredicate` on the joined
 * enterprise), so a warning outside it is never read, counted or changed.
 */
export class WarningService {
  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
  ) {}

  private where(scope: Scope, filter: WarningFilterInput, params: SqlParams): string {
    const clauses = [divisionPredicate(scope, params)];
    if (filter.divisionCode) {
      const d = this.divisions.require(filter.divisionCode, 'filter.divisionCode');
      clauses.push(divisionPredicate({ divisionCode: d.code, level: d.level }, params));
    }
    if (filter.types?.length) {
      const unknown = filter.types.filter((t) => !(WARNING_TYPES as readonly string[]).includes(t));
      if (unknown.length)
        throw new WarningFilterError(
          `filter.types: unknown warning type ${unknown.map((t) => `'${t}'`).join(', ')}; the types are ${WARNING_TYPES.join(', ')}`,
        );
      clauses.push(`w.type = any(${params.add(filter.types)}::text[])`);
    }
    if (filter.status?.length) clauses.push(`w.status = any(${params.add(filter.status)}::text[])`);
    if (filter.severities?.length) clauses.push(`w.severity = any(${params.add(filter.severities)}::text[])`);
    if (filter.creditCode) clauses.push(`w.credit_code = ${params.add(filter.creditCode)}`);
    return clauses.join(' and ');
  }

  /**
   * A page of warnings inside `scope`, newest first: `first` after the cursor
   * `after`, or (paging back) `last` before the cursor `before` — the warnings
   * just newer than it, or the oldest `last` without a cursor. Cursors are
   * warning ids, so a page is stable while new warnings arrive.
   */
  async list(
    scope: Scope,
    filter: WarningFilterInput = {},
    first: number | null = 50,
    after?: string | null,
    last?: number | null,
    before?: string | null,
  ): Promise<WarningPage> {
    const backward = last != null || (before != null && first == null);
    const size = backward ? (last ?? 50) : (first ?? 50);
    const name = backward ? 'last' : 'first';
    if (!Number.isInteger(size) || size < 0 || size > MAX_WARNING_PAGE)
      throw new WarningFilterError(`'${name}' must be between 0 and ${MAX_WARNING_PAGE}, got ${size}`, { argument: name });
    if (first != null && last != null)
      throw new WarningFilterError(`pass either 'first' (with 'after') or 'last' (with 'before'), not both`, { argument: 'last' });
    const params = new SqlParams();
    const where = this.where(scope, filter, params);
    const countValues = [...params.values];
    let keyset = '';
    if (after) keyset += ` and w.id < ${params.add(decodeWarningCursor(after, 'after'))}::bigint`;
    if (before) keyset += ` and w.id > ${params.add(decodeWarningCursor(before, 'before'))}::bigint`;
    const res = await this.pool.query<WarningRow>(
      `select ${WARNING_COLUMNS} from warning w join enterprise e using (credit_code)
        where ${where}${keyset} order by w.id ${backward ? 'asc' : 'desc'} limit ${params.add(size + 1)}`,
      params.values,
    );
    const count = () =>
      this.pool
        .query<{ n: number }>(`select count(*)::int as n from warning w join enterprise e using (credit_code) where ${where}`, countValues)
        .then((r) => r.rows[0].n);
    const cursorOf = (node: WarningRow) => encodeWarningCursor(node.id);
    if (!backward) {
      // Forward: rows come before this page when it started after a cursor (the warning there, or newer ones).
      return { ...keysetPage(res.rows, size, cursorOf, count), hasPreviousPage: !!after };
    }
    // Backward: the extra row says older rows come before; rows follow when the page ended before a cursor.
    const rows = res.rows.slice(0, size).reverse();
    const edges = rows.map((node) => ({ cursor: cursorOf(node), node }));
    let total: Promise<number> | undefined;
    return {
      edges,
      hasNextPage: !!before,
      hasPreviousPage: res.rows.length > size,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      totalCount: () => (total ??= count()),
    };
  }

  /** Warnings per type and status inside `scope` (only non-zero pairs). */
  async counts(scope: Scope, filter: WarningFilterInput = {}): Promise<WarningCountRow[]> {
    const params = new SqlParams();
    const res = await this.pool.query<WarningCountRow>(
      `select w.type, w.status, count(*)::int as count from warning w join enterprise e using (credit_code)
        where ${this.where(scope, filter, params)} group by w.type, w.status order by w.type, w.status`,
      params.values,
    );
    return res.rows;
  }

  /** Warnings of many enterprises (the `Enterprise.warnings` field), newest first, grouped in key order. */
  async ofEnterprises(scope: Scope, creditCodes: readonly string[], status?: WarningStatusValue | null): Promise<WarningRow[][]> {
    const params = new SqlParams();
    const clauses = [divisionPredicate(scope, params), `w.credit_code = any(${params.add([...creditCodes])}::text[])`];
    if (status) clauses.push(`w.status = ${params.add(status)}`);
    const res = await this.pool.query<WarningRow>(
      `select ${WARNING_COLUMNS} from warning w join enterprise e using (credit_code) where ${clauses.join(' and ')} order by w.id desc`,
      params.values,
    );
    return groupBy(creditCodes, res.rows, (r) => r.creditCode);
  }

  /** Enterprises of warnings by credit code, inside `scope` (null when outside), in key order. */
  async enterprisesOf(scope: Scope, creditCodes: readonly string[]): Promise<(EnterpriseRow | null)[]> {
    const params = new SqlParams();
    const res = await this.pool.query<EnterpriseRow>(
      `select ${ENTERPRISE_COLUMNS} from enterprise e where e.credit_code = any(${params.add([...creditCodes])}::text[]) and ${divisionPredicate(scope, params)}`,
      params.values,
    );
    const by = new Map(res.rows.map((r) => [r.creditCode, r]));
    return creditCodes.map((c) => by.get(c) ?? null);
  }

  /** Warnings by id inside `scope` (rows outside it are simply absent). */
  async byIds(scope: Scope, ids: readonly string[]): Promise<WarningRow[]> {
    const params = new SqlParams();
    const res = await this.pool.query<WarningRow>(
      `select ${WARNING_COLUMNS} from warning w join enterprise e using (credit_code)
        where w.id = any(${params.add([...ids])}::bigint[]) and ${divisionPredicate(scope, params)} order by w.id`,
      params.values,
    );
    return res.rows;
  }

  /** OPEN → ACKNOWLEDGED, with who, when and a note. */
  acknowledge(caller: Caller, id: string, note?: string | null): Promise<WarningRow> {
    return this.step(
      caller,
      id,
      note,
      ['OPEN'],
      'ACKNOWLEDGED',
      `status = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = $3, acknowledged_key_id = $4, acknowledge_note = $5`,
    );
  }

  /** OPEN or ACKNOWLEDGED → RESOLVED by hand, with who, when and a note. */
  resolve(caller: Caller, id: string, note?: string | null): Promise<WarningRow> {
    return this.step(
      caller,
      id,
      note,
      ['OPEN', 'ACKNOWLEDGED'],
      'RESOLVED',
      `status = 'RESOLVED', resolved_at = now(), resolved_by = $3, resolved_key_id = $4, resolve_note = $5, resolution = 'MANUAL'`,
    );
  }

  private async step(
    caller: Caller,
    id: string,
    note: string | null | undefined,
    from: WarningStatusValue[],
    to: WarningStatusValue,
    set: string,
  ): Promise<WarningRow> {
    bigintId(id, 'id');
    if (!/^\d{1,19}$/.test(id)) throw new WarningNotFoundError(`no warning '${id}' in your jurisdiction`);
    if (note != null && note.length > 2000) throw new WarningFilterError(`note has ${note.length} characters; the limit is 2000`);
    const params = new SqlParams();
    params.add(id);
    params.add(from);
    params.add(caller.name);
    params.add(caller.keyId);
    params.add(note ?? null);
    const scoped = divisionPredicate(caller.scope, params);
    const updated = await this.pool.query<{ id: string }>(
      `update warning w set ${set}, updated_at = now()
         from enterprise e
        where e.credit_code = w.credit_code and w.id = $1::bigint and w.status = any($2::text[]) and ${scoped}
        returning w.id::text`,
      params.values,
    );
    const [row] = await this.byIds(caller.scope, [id]);
    if (!row) throw new WarningNotFoundError(`no warning '${id}' in your jurisdiction`);
    if (!updated.rowCount) throw new WarningStateError(`warning ${id} is ${row.status}; it can become ${to} only from ${from.join(' or ')}`);
    return row;
  }
}
