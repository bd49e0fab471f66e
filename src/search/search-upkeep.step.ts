import type { Pool } from 'pg';
import type { PostSyncStep } from '../ingest/sync.runner';
import { ENTERPRISE_VACUUM_RULE, VacuumRule, tableChurn, warrantsVacuum } from '../db/vacuum-rule';

/** The GIN indexes of `enterprise` (tags, name trigrams), found from the catalogue so a new one is included. */
const ENTERPRISE_GIN_INDEXES_SQL = `select c.oid::regclass::text as name
    from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
   where i.indrelid = 'enterprise'::regclass and a.amname = 'gin' order by 1`;

/** What one upkeep pass did. */
export interface SearchUpkeep {
  /** `vacuum` when `enterprise` was vacuumed (which merges the pending lists too), `merge` when only the pending lists were merged. */
  action: 'vacuum' | 'merge';
  /** Whether `enterprise` was analyzed too (its statistics were behind the writes). */
  analyzed: boolean;
  /** Dead row versions of `enterprise` the decision read (statistics). */
  deadRows: number;
  /** Pending-list pages merged into the GIN indexes (0 after a vacuum, which does not report them). */
  pendingPages: number;
  durationMs: number;
}

/**
 * Keeps the enterprise search's indexes as fast as the derived writes left
 * them slow. Rescoring and retagging rewrite `enterprise` rows (score, risk
 * level, the tags' copy); every rewrite of an indexed column is a new row
 * version, and so a new entry in every index — in the GIN indexes (tags, name
 * trigrams) an entry in their pending list, which every tag or name search
 * then reads whole until a vacuum or a 4 MB list merges it. On this machine a
 * tag search of a 260,000-row test table (an int4[] GIN index) went from 3
 * buffers to 386 after 26,000 rows were rewritten twice (5 ms of pending list per query; a first page of
 * a tag search runs two such queries), back to 3 after the merge. The
 * rewrites also clear the visibility map of their pages, and the ordering
 * indexes' index-only scans (a province-wide list's snapshot) then visit the
 * heap for every entry. With autovacuum off (this project's server) nothing
 * else undoes that; with it on, only after a fifth of the table is dead.
 *
 * So, after the other steps, from what the statistics say was written to
 * `enterprise` since its last vacuum and analyze (every rewrite counts — the
 * pass's, a crash's leftovers the pass derived, any since the last vacuum):
 * when its dead row versions warrant it under `rule` (at least 1,000 and a
 * tenth of the rows: a first sync's scoring, a new rule set's day) a plain
 * `VACUUM (SKIP_LOCKED) enterprise`; otherwise (a daily sync rewrites a few
 * hundred rows) the pending lists are merged (`gin_clean_pending_list`,
 * milliseconds), and the few pages left off the visibility map wait for a
 * pass that warrants a vacuum. Either way, when the planner statistics are
 * behind the writes (`statisticsBehindSql` in src/db/vacuum-rule) the table is analyzed as well:
 * a first page's plan (walk the score index, or read the tag index's
 * matches) depends on how many rows the tags match. Nothing is done when
 * nothing was written. A failure is logged and does not fail the sync.
 */
export async function upkeepSearchIndexes(pool: Pick<Pool, 'query'>, rule: VacuumRule = ENTERPRISE_VACUUM_RULE): Promise<SearchUpkeep | null> {
  const t = Date.now();
  const churn = await tableChurn(pool, 'enterprise');
  if (churn.dead + churn.inserted + churn.modifiedSinceAnalyze === 0) return null;
  const analyzed = churn.statisticsStale;
  if (warrantsVacuum(churn.dead, churn.live, rule)) {
    await pool.query(`vacuum (skip_locked${analyzed ? ', analyze' : ''}) enterprise`);
    return { action: 'vacuum', analyzed, deadRows: churn.dead, pendingPages: 0, durationMs: Date.now() - t };
  }
  const merged = await mergeGinPendingLists(pool);
  if (analyzed) await pool.query(`analyze (skip_locked) enterprise`);
  return { action: 'merge', analyzed, deadRows: churn.dead, pendingPages: merged.reduce((n, m) => n + m.pages, 0), durationMs: Date.now() - t };
}

/** Merges the pending list of each GIN index of `enterprise` into the index (`gin_clean_pending_list`): the pages each held, by index name. */
export async function mergeGinPendingLists(pool: Pick<Pool, 'query'>): Promise<{ name: string; pages: number }[]> {
  const indexes = (await pool.query<{ name: string }>(ENTERPRISE_GIN_INDEXES_SQL)).rows.map((r) => r.name);
  const merged: { name: string; pages: number }[] = [];
  for (const name of indexes) {
    const r = await pool.query<{ pages: string }>(`select gin_clean_pending_list($1::regclass) as pages`, [name]);
    merged.push({ name, pages: Number(r.rows[0].pages) });
  }
  return merged;
}

/** The post-sync step running {@link upkeepSearchIndexes} after every pass (last in the pipeline). */
export function searchUpkeepStep(pool: Pick<Pool, 'query'>, rule: VacuumRule = ENTERPRISE_VACUUM_RULE): PostSyncStep {
  return {
    name: 'search upkeep',
    run: async (_db, touched, log) => {
      try {
        const r = await upkeepSearchIndexes(pool, rule);
        if (r) {
          const did =
            r.action === 'vacuum'
              ? `vacuumed ${r.analyzed ? 'and analyzed ' : ''}enterprise`
              : `merged ${r.pendingPages} GIN pending-list pages of enterprise${r.analyzed ? ' and analyzed it' : ''}`;
          log(`search upkeep: ${did} (${r.deadRows} dead row versions) in ${r.durationMs} ms`);
        }
      } catch (e) {
        log(`search upkeep failed (searches read the GIN pending lists until the next pass): ${(e as Error).message}`);
      }
      return { enterprises: touched.length };
    },
  };
}
