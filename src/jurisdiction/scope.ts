import { DivisionRef, SqlParams, subtreeSql } from '../domain/jurisdiction';

export { SqlParams } from '../domain/jurisdiction';

/**
 * The jurisdiction a caller acts for: the division whose subtree it may see.
 * Every query that touches enterprise data adds {@link divisionPredicate} to
 * its WHERE clause; nothing is filtered after the fetch.
 */
export type Scope = DivisionRef;

/**
 * SQL predicate restricting enterprise rows (alias `e`) to a division's
 * subtree (the rule of `src/domain/jurisdiction.ts`): the province prefix, the
 * stored `city_code` for a city, the county itself for a county. Indexed
 * columns only.
 */
export function divisionPredicate(division: Pick<Scope, 'divisionCode' | 'level'>, params: SqlParams, alias = 'e'): string {
  return subtreeSql(division, params, { code: `${alias}.division_code`, city: `${alias}.city_code` });
}
