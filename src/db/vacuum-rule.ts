import type { Pool } from 'pg';

/**
 * When rewritten rows warrant a `VACUUM` of the table they are in: at least
 * `minRows` (1,000) and at least `fraction` (a tenth) of the table's rows.
 * Below that a vacuum would still scan every index of the table to remove a
 * few dead entries (on the 260,000-enterprise bench store, 1.9 s after a
 * daily sync whose rescore changed 897 scores), for a visibility map that is
 * already nearly all set. One rule for the places that decide after derived writes
 * (a full rescore, the post-sync search upkeep).
 */
export interface VacuumRule {
  minRows: number;
  fraction: number;
}

/** The hub's rule for `enterprise` after derived rewrites (scores, risk levels, the tags' copy). */
export const ENTERPRISE_VACUUM_RULE: VacuumRule = { minRows: 1000, fraction: 0.1 };

/** Whether `rewritten` rows of a table of `rows` rows warrant a vacuum under `rule`. */
export function warrantsVacuum(rewritten: number, rows: number, rule: VacuumRule = ENTERPRISE_VACUUM_RULE): boolean {
  return rewritten >= Math.max(rule.minRows, rule.fraction * rows);
}

/**
 * Dead row versions of `table` since its last vacuum and its live rows, from
 * the statistics (`pg_stat_user_tables`): every write counts, the hub's and
 * anyone else's, about a second behind (a write they miss counts at the next
 * look). Zero for a table the statistics do not know yet.
 */
export async function deadAndLiveRows(pool: Pick<Pool, 'query'>, table: string): Promise<{ dead: number; live: number }> {
  const r = await pool.query<{ dead: string; live: string }>(
    `select coalesce(s.n_dead_tup, 0) as dead, coalesce(s.n_live_tup, 0) as live
       from pg_class c left join pg_stat_user_tables s on s.relid = c.oid where c.oid = $1::regclass`,
    [table],
  );
  return { dead: Number(r.rows[0]?.dead ?? 0), live: Number(r.rows[0]?.live ?? 0) };
}
