/**
 * Jurisdiction (省市县三级使用, domain.md §5) as one rule: a division code
 * has six digits; a province's subtree is every code sharing its first two
 * digits, a city's every code sharing its first four, a county is only itself.
 * {@link SUBTREE_DIGITS} is that rule; the SQL predicate ({@link subtreeSql}),
 * the in-memory check ({@link inSubtree}) and the list of divisions containing
 * a code ({@link ancestorCodes}, {@link ancestorCodesSql}) are all read off it.
 */

/** The three levels of division. */
export const DIVISION_LEVELS = ['PROVINCE', 'CITY', 'COUNTY'] as const;
/** One of {@link DIVISION_LEVELS}. */
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

/** How many leading digits of a code a division's subtree shares, per level. */
export const SUBTREE_DIGITS: Readonly<Record<DivisionLevel, number>> = { PROVINCE: 2, CITY: 4, COUNTY: 6 };

/** Digits of a division code (GB/T 2260). */
export const DIVISION_CODE_DIGITS = 6;

/** A division whose subtree is meant: its code and level (a caller's scope, a filter's division). */
export interface DivisionRef {
  divisionCode: string;
  level: DivisionLevel;
}

/** Collects positional parameters for a SQL statement being built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The code of the division at `level` that contains `code` (its first digits, zero-padded). */
export function divisionAt(code: string, level: DivisionLevel): string {
  const n = SUBTREE_DIGITS[level];
  return code.slice(0, n).padEnd(DIVISION_CODE_DIGITS, '0');
}

/** The province, city and county codes whose subtrees contain the county `code` (deduplicated, top first). */
export function ancestorCodes(code: string): string[] {
  return [...new Set(DIVISION_LEVELS.map((l) => divisionAt(code, l)))];
}

/** SQL for {@link ancestorCodes} of the code in `column`: a list of expressions, e.g. for `x in (…)` or `values (…), (…)`. */
export function ancestorCodesSql(column: string): string[] {
  return DIVISION_LEVELS.map((l) => {
    const n = SUBTREE_DIGITS[l];
    return n === DIVISION_CODE_DIGITS ? column : `left(${column}, ${n}) || '${'0'.repeat(DIVISION_CODE_DIGITS - n)}'`;
  });
}

/** Whether the division `code` (an enterprise's county, a webhook's division) lies in the subtree of `scope`. */
export function inSubtree(scope: DivisionRef, code: string): boolean {
  const n = SUBTREE_DIGITS[scope.level];
  return code.slice(0, n) === scope.divisionCode.slice(0, n);
}

/** The columns a subtree predicate may use: the division code, and optionally a stored city code (`city_code`, indexed). */
export interface SubtreeColumns {
  code: string;
  city?: string;
}

/**
 * SQL predicate: the division code in `cols.code` lies in the subtree of
 * `scope` (the same rule as {@link inSubtree}). Written for the indexes: an
 * equality for a county, the stored city column for a city when there is one,
 * a prefix `like` otherwise.
 */
export function subtreeSql(scope: DivisionRef, params: SqlParams, cols: SubtreeColumns): string {
  const n = SUBTREE_DIGITS[scope.level];
  if (n === DIVISION_CODE_DIGITS) return `${cols.code} = ${params.add(scope.divisionCode)}`;
  if (cols.city && n === SUBTREE_DIGITS.CITY) return `${cols.city} = ${params.add(divisionAt(scope.divisionCode, 'CITY'))}`;
  return `${cols.code} like ${params.add(scope.divisionCode.slice(0, n) + '%')}`;
}
