import { PoolClient } from 'pg';
import { keysetPage } from '../db/keyset-page';
import { Scope, SqlParams } from '../jurisdiction/scope';

/** Who currently answers for a task or an objection: its county, or after escalation the city, then the province. */
export const ESCALATION_LEVELS = ['COUNTY', 'CITY', 'PROVINCE'] as const;
/** One of {@link ESCALATION_LEVELS}. */
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** SQL of the escalation level of a row's integer column (0 county, 1 city, 2 province) as its name. */
export const escalationLevelSql = (column: string) => `(array['COUNTY','CITY','PROVINCE'])[${column} + 1]`;

/** A table whose rows have a deadline that escalates (supervision tasks, objections). */
export interface EscalatingTable {
  /** The table (its rows have `status`, `escalation_level`, `escalated_at`, `next_deadline`, `deadline_days`, `updated_at`). */
  table: string;
  /** Its append-only history table and the column naming the row. */
  events: string;
  eventKey: string;
  /** SQL predicate (alias `t`) of the rows still waiting for what closes them. */
  open: string;
}

/**
 * Overdue rows escalate, set-based: a row past its current deadline becomes
 * ESCALATED one level up (the city, then the province) with a next deadline
 * of the same length, and its history gets an ESCALATED event by `hub`.
 * Returns how many moved.
 */
export async function escalateOverdue(client: PoolClient, spec: EscalatingTable, today: string): Promise<number> {
  const r = await client.query(
    `with moved as (
       update ${spec.table} t set status = 'ESCALATED', escalation_level = t.escalation_level + 1, escalated_at = now(),
              next_deadline = t.next_deadline + t.deadline_days, updated_at = now()
        where ${spec.open} and t.escalation_level < 2 and t.next_deadline < $1::date
       returning t.id, t.escalation_level),
     ev as (insert into ${spec.events} (${spec.eventKey}, kind, actor, escalation_level) select id, 'ESCALATED', 'hub', escalation_level from moved order by id returning id)
     select count(*)::int as n from ev`,
    [today],
  );
  return r.rows[0].n as number;
}

/** An opaque page cursor naming a row id under a prefix (`task`, `objection`). */
export const rowCursor = (prefix: string, id: string) => Buffer.from(`${prefix}:${id}`).toString('base64url');

/** The row id of a cursor made by {@link rowCursor} with `prefix`, or null when it is not one. */
export function rowIdOfCursor(prefix: string, cursor: string): string | null {
  const m = new RegExp(`^${prefix}:(\\d{1,19})$`).exec(Buffer.from(cursor, 'base64url').toString());
  return m ? m[1] : null;
}

type Queryable = Pick<PoolClient, 'query'>;

/**
 * Rows of `table` (alias `t`) by id, in the order of `ids`, null where absent
 * or outside the predicate `where` adds (the jurisdiction; none: every row).
 */
export async function rowsByIds<R extends { id: string }>(
  db: Queryable,
  select: { columns: string; table: string },
  ids: readonly string[],
  where?: (params: SqlParams) => string,
): Promise<(R | null)[]> {
  const params = new SqlParams();
  const r = await db.query<R>(
    `select ${select.columns} from ${select.table} t where t.id = any(${params.add([...ids])}::bigint[])${where ? ` and ${where(params)}` : ''}`,
    params.values,
  );
  const m = new Map(r.rows.map((x) => [x.id, x]));
  return ids.map((id) => m.get(id) ?? null);
}

/** The level of a six-digit division code (province xx0000, city xxxx00, else county). */
export function levelOf(code: string): Scope['level'] {
  return code.endsWith('0000') ? 'PROVINCE' : code.endsWith('00') ? 'CITY' : 'COUNTY';
}

/**
 * The conditions tasks and objections are filtered by alike, on `t`: the caller's jurisdiction and a given
 * division's subtree (both through `predicate`), any of the states, one enterprise, the current escalation level.
 */
export function escalatingFilterWhere(
  scope: Scope,
  filter: { divisionCode?: string | null; status?: readonly string[] | null; creditCode?: string | null; escalationLevel?: EscalationLevel | null },
  predicate: (scope: Scope, params: SqlParams) => string,
  params: SqlParams,
): string[] {
  const where = [predicate(scope, params)];
  if (filter.divisionCode) where.push(predicate({ divisionCode: filter.divisionCode, level: levelOf(filter.divisionCode) }, params));
  if (filter.status?.length) where.push(`t.status = any(${params.add([...filter.status])}::text[])`);
  if (filter.creditCode) where.push(`t.credit_code = ${params.add(filter.creditCode)}`);
  if (filter.escalationLevel) where.push(`t.escalation_level = ${params.add(ESCALATION_LEVELS.indexOf(filter.escalationLevel))}`);
  return where;
}

/**
 * A newest-first page of `table` (alias `t`, bigint ids): at most `first` (0–500) rows matching `where` (built
 * with `params`) older than the row `afterId`, each with its cursor ({@link rowCursor} with `prefix`), and how
 * many rows match in all pages.
 */
export async function newestFirstPage<R extends { id: string }>(
  db: Queryable,
  select: { columns: string; table: string; prefix: string },
  filter: { where: string[]; params: SqlParams },
  first: number | undefined,
  afterId: string | null,
): Promise<{ edges: { cursor: string; node: R }[]; hasNextPage: boolean; totalCount: number }> {
  const { where, params } = filter;
  const countWhere = where.join(' and ');
  const countValues = [...params.values];
  const pageWhere = afterId ? [...where, `t.id < ${params.add(afterId)}::bigint`] : where;
  const size = Math.max(0, Math.min(first ?? 50, 500));
  const rows = await db.query<R>(
    `select ${select.columns} from ${select.table} t where ${pageWhere.join(' and ')} order by t.id desc limit ${size + 1}`,
    params.values,
  );
  const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from ${select.table} t where ${countWhere}`, countValues)).rows[0].n;
  const page = keysetPage(rows.rows, size, (r) => rowCursor(select.prefix, r.id), count);
  return { edges: page.edges, hasNextPage: page.hasNextPage, totalCount: await page.totalCount() };
}

/** The histories (alias `v`, oldest first) of the rows `ids`, one list per id in their order. */
export async function historiesOf<E>(db: Queryable, select: { columns: string; table: string; key: string }, ids: readonly string[]): Promise<E[][]> {
  const r = await db.query<E & { __of: string }>(
    `select ${select.columns}, v.${select.key}::text as "__of" from ${select.table} v where v.${select.key} = any($1::bigint[]) order by v.${select.key}, v.id`,
    [[...ids]],
  );
  const by = new Map<string, E[]>(ids.map((id) => [id, []]));
  for (const { __of, ...e } of r.rows) by.get(__of)?.push(e as unknown as E);
  return ids.map((id) => by.get(id)!);
}

/** SQL of the first day of a quarter given as text `YYYYQn` (a plan's `quarter`). */
export const quarterStartSql = (column: string) =>
  `to_date(substr(${column}, 1, 4) || '-' || ((substr(${column}, 6, 1)::int - 1) * 3 + 1) || '-01', 'YYYY-MM-DD')`;
