import type { Pool } from 'pg';

/**
 * When rewritten rows warrant a `VACUUM` of the table they are in: at least
 * `minRows` (1,000) and at least `fraction` (a tenth) of the table's rows.
 * Below that a vacuum would still scan every index of the table to remove a
 * few dead entries (PostgreSQL skips the index scans only when under 2 % of
 * the table's pages hold dead rows), for a visibility map that is already
 * nearly all set. One rule for the places that decide after derived writes
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

/** What has been written to a table since its last vacuum and analyze, from the statistics. */
export interface TableChurn {
  /** Dead row versions since the last vacuum. */
  dead: number;
  /** Live rows. */
  live: number;
  /** Rows inserted since the last vacuum. */
  inserted: number;
  /** Rows inserted, updated or deleted since the last analyze. */
  modifiedSinceAnalyze: number;
  /** Whether the planner statistics are behind the writes ({@link statisticsBehindSql}). */
  statisticsStale: boolean;
}

/**
 * SQL: whether the planner statistics of the `pg_stat_user_tables` row `s`
 * are behind what was written to its table — autovacuum's analyze rule (more
 * rows changed since the last analyze than a tenth of the live ones plus 50).
 * With autovacuum off nothing else analyzes a table, and a plan made from
 * statistics of another time can be far off: after the first scoring and
 * tagging of the bench store, statistics from before the tags existed put the
 * seed search's matches at 6 rows (8,678 are), and the planner read all of
 * them from the table (31.6 ms) instead of walking the score index (1.8 ms
 * once analyzed). One rule for the tables ingest churns and for `enterprise`.
 */
export const statisticsBehindSql = (s: string): string => `${s}.n_mod_since_analyze > 0.1 * ${s}.n_live_tup + 50`;

/**
 * {@link TableChurn} of `table`, from the statistics (`pg_stat_user_tables`):
 * every write counts, the hub's and anyone else's, about a second behind (a
 * write they miss counts at the next look). Zeros for a table the statistics
 * do not know yet.
 */
export async function tableChurn(pool: Pick<Pool, 'query'>, table: string): Promise<TableChurn> {
  const r = await pool.query<{ dead: string; live: string; inserted: string; modified: string; stale: boolean | null }>(
    `select coalesce(s.n_dead_tup, 0) as dead, coalesce(s.n_live_tup, 0) as live,
            coalesce(s.n_ins_since_vacuum, 0) as inserted, coalesce(s.n_mod_since_analyze, 0) as modified, ${statisticsBehindSql('s')} as stale
       from pg_class c left join pg_stat_user_tables s on s.relid = c.oid where c.oid = $1::regclass`,
    [table],
  );
  const row = r.rows[0];
  return {
    dead: Number(row?.dead ?? 0),
    live: Number(row?.live ?? 0),
    inserted: Number(row?.inserted ?? 0),
    modifiedSinceAnalyze: Number(row?.modified ?? 0),
    statisticsStale: row?.stale === true,
  };
}
