import { Pool } from 'pg';
import { ClientError } from '../domain/client-error';
import { DivisionLevel, DivisionRef, inSubtree } from '../domain/jurisdiction';

/** A division as the hub knows it. */
export interface DivisionInfo {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
}

/**
 * The divisions (168 rows for Shandong), held in memory after one query: used
 * to validate codes and to turn a code into a SQL predicate on its subtree.
 */
export class DivisionDirectory {
  /** The division whose subtree holds every known division (the province), if there is one. */
  private readonly everything: DivisionRef | null;

  private constructor(private readonly byCode: Map<string, DivisionInfo>) {
    const roots = [...byCode.values()].filter((d) => d.parentCode === null);
    const root = roots.length === 1 ? roots[0] : undefined;
    const ref = root && { divisionCode: root.code, level: root.level };
    this.everything = ref && [...byCode.keys()].every((code) => inSubtree(ref, code)) ? ref : null;
  }

  static async load(pool: Pool): Promise<DivisionDirectory> {
    const res = await pool.query<DivisionInfo>(`select code, name, level, parent_code as "parentCode" from division`);
    return new DivisionDirectory(new Map(res.rows.map((r) => [r.code, r])));
  }

  get(code: string): DivisionInfo | undefined {
    return this.byCode.get(code);
  }

  /** The division with this code, or an error a client can act on. */
  require(code: string, field = 'divisionCode'): DivisionInfo {
    const d = this.byCode.get(code);
    if (!d) throw new UnknownDivisionError(`${field} '${code}' is not a known division code (province 370000, a city like 370100, or a county like 370102)`);
    return d;
  }

  children(parentCode: string | null): DivisionInfo[] {
    return [...this.byCode.values()].filter((d) => d.parentCode === parentCode).sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The province the hub serves (the one division without a parent), as a scope: what the CLI and the public pages act within. */
  provinceScope(): DivisionRef {
    const root = this.children(null)[0];
    if (!root) throw new Error('the division table is empty: run the migrations');
    return { divisionCode: root.code, level: 'PROVINCE' };
  }

  /**
   * True when `division`'s subtree holds every known division (the province
   * the hub serves): every enterprise lies inside it, since an enterprise's
   * division is a foreign key into the division table, so its SQL predicate
   * is true of every row and a query may leave it out (it costs a LIKE per
   * row a query reads, and hides from the planner that it filters nothing).
   */
  holdsEveryDivision(division: DivisionRef): boolean {
    return division.divisionCode === this.everything?.divisionCode && division.level === this.everything.level;
  }

  /** True when the known division `code` is `ancestor` or lies inside it (the rule of `src/domain/jurisdiction.ts`). */
  contains(ancestor: string, code: string): boolean {
    const a = this.byCode.get(ancestor);
    return !!a && this.byCode.has(code) && inSubtree({ divisionCode: a.code, level: a.level }, code);
  }
}

export class UnknownDivisionError extends ClientError {}
