import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { KeysetPage, keysetPage } from '../db/keyset-page';
import { DivisionDirectory } from '../divisions/division-directory';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { decodeCursor, encodeCursor } from './enterprise-cursor';
import { ENTERPRISE_COLUMNS, EnterpriseFilterInput, EnterpriseOrderKey, EnterpriseRow } from './enterprise.model';
import { ClientError } from '../domain/client-error';

/** A page of enterprises in Relay form, with the total computed only when asked for. */
export type EnterprisePage = KeysetPage<EnterpriseRow>;

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

  constructor(private readonly pool: Pool, private readonly divisions: DivisionDirectory) {}

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
    if (filter.riskLevels && filter.riskLevels.length > 3) throw new BadFilterError(`filter.riskLevels lists ${filter.riskLevels.length} levels; there are only 3`);
    if (filter.nameContains) {
      const needle = filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`);
      clauses.push(`e.name like ${params.add(`%${needle}%`)}`);
    }
    if (filter.industryCode) clauses.push(`e.industry_code like ${params.add(`${filter.industryCode.replace(/[\\%_]/g, '')}%`)}`);
    for (const b of this.extra) clauses.push(...(await b(filter, params, scope)));
    return clauses.join(' and ');
  }

  async search(scope: Scope, filter: EnterpriseFilterInput = {}, order: EnterpriseOrderKey = 'SCORE_ASC', first = 50, after?: string | null): Promise<EnterprisePage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new BadFilterError(`'first' must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`);
    }
    const o = ORDER[order];
    const params = new SqlParams();
    const where = await this.whereClause(scope, filter as EnterpriseFilterInput & Record<string, unknown>, params);
    const countParams = [...params.values];
    let keyset = '';
    if (after) {
      const pos = decodeCursor(after, order);
      const v = params.add(o.numeric ? Number(pos.value) : String(pos.value));
      const c = params.add(pos.creditCode);
      keyset = o.dir === 'asc'
        ? ` and (${o.column}, e.credit_code) > (${v}, ${c})`
        : ` and (${o.column} < ${v} or (${o.column} = ${v} and e.credit_code > ${c}))`;
    }
    const orderBy = o.column === 'e.credit_code' ? 'e.credit_code asc' : `${o.column} ${o.dir}, e.credit_code asc`;
    const sql = `select ${ENTERPRISE_COLUMNS} from enterprise e where ${where}${keyset} order by ${orderBy} limit ${params.add(first + 1)}`;
    const res = await this.pool.query<EnterpriseRow>({ name: statementName(sql), text: sql, values: params.values });
    const valueOf = (r: EnterpriseRow) => (order.startsWith('SCORE') ? r.score : order === 'NAME_ASC' ? r.name : r.creditCode);
    return keysetPage(
      res.rows,
      first,
      (node) => encodeCursor({ order, value: valueOf(node), creditCode: node.creditCode }),
      () => this.pool.query<{ n: number }>(`select count(*)::int as n from enterprise e where ${where}`, countParams).then((r) => r.rows[0].n),
    );
  }
}
