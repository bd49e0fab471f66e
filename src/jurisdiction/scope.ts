import { DivisionInfo } from '../divisions/division-directory';

/**
 * The jurisdiction a caller acts for: the division whose subtree it may see.
 * Every query that touches enterprise data adds {@link divisionPredicate} to
 * its WHERE clause; nothing is filtered after the fetch.
 */
export interface Scope {
  divisionCode: string;
  level: DivisionInfo['level'];
}

/** Collects positional parameters for a SQL statement being built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * SQL predicate restricting enterprise rows (alias `e`) to a division's
 * subtree: everything for the province, `city_code` for a city, the county
 * itself for a county. Indexed columns only.
 */
export function divisionPredicate(division: Pick<Scope, 'divisionCode' | 'level'>, params: SqlParams, alias = 'e'): string {
  switch (division.level) {
    case 'PROVINCE':
      return `${alias}.division_code like ${params.add(division.divisionCode.slice(0, 2) + '%')}`;
    case 'CITY':
      return `${alias}.city_code = ${params.add(division.divisionCode)}`;
    case 'COUNTY':
      return `${alias}.division_code = ${params.add(division.divisionCode)}`;
  }
}
