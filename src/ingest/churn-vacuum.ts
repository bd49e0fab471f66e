import type { Pool } from 'pg';
import type { RecordKind } from '../connectors/unified-record';
import { statisticsBehindSql } from '../db/vacuum-rule';

/**
 * Tables that ingest rewrites in place, by the record kind whose writes do it:
 * the aggregates the statement triggers on `monitoring_day` keep, whose rows
 * are updated once for every page that writes a day of their month (a
 * three-year backfill at one or two dates a page updates each month row 15–30
 * times, so `monitoring_month` was left with 14 dead versions per live row at
 * 10,000 enterprises when nothing vacuumed it), and each outlet's extent
 * (`monitoring_outlet`, its last day moves with every page); and
 * `monitoring_day` itself, whose covering index serves index-only reads only
 * where the visibility map says a page is all-visible (the vacuum skips pages
 * that already are, so a daily run's reads about the pages of its dates).
 */
export const CHURNED_TABLES: readonly { table: string; kind: RecordKind; partitioned?: true }[] = [
  { table: 'monitoring_month', kind: 'monitoring' },
  { table: 'monitoring_outlet_month', kind: 'monitoring' },
  { table: 'monitoring_exceed_month', kind: 'monitoring' },
  { table: 'monitoring_outlet', kind: 'monitoring' },
  // Appended to, not rewritten, but read index-only (`Enterprise.monitoringDays`, MON_MISSING's walk): the pages a
  // run wrote become all-visible. A partitioned table has no statistics row: vacuumed when the run ends only, and
  // only its partitions that changed since their last vacuum (see `PARTITIONS_TO_VACUUM_SQL`).
  { table: 'monitoring_day', kind: 'monitoring', partitioned: true },
];

/**
 * The partitions of `$1` a vacuum has something to do in: grown past the pages
 * their last vacuum counted (appended rows: immediate, from the file size),
 * rows inserted or dead since it (statistics, about a second behind — a
 * partition they miss is vacuumed at the next run's end). Not "never
 * vacuumed": a partition never vacuumed holds no rows or has grown past its 0
 * pages, and the statistics' vacuum times are gone after a reset. A vacuum of the partitioned table would visit every month: each of the 42
 * partitions of a three-year store is a transaction of its own, about a second
 * in all on the bench store when none had anything to do.
 */
const PARTITIONS_TO_VACUUM_SQL = `select c.oid::regclass::text as name
    from pg_partition_tree($1::regclass) t
    join pg_class c on c.oid = t.relid
    left join pg_stat_user_tables s on s.relid = c.oid
   where t.isleaf
     and (pg_relation_size(c.oid) > c.relpages::bigint * current_setting('block_size')::int
          or coalesce(s.n_ins_since_vacuum, 0) + coalesce(s.n_dead_tup, 0) > 0)
   order by 1`;

/**
 * Of the tables `$1` (names as `regclass` prints them), those whose statistics
 * are missing or behind what was written since: autovacuum's analyze rule
 * (more rows changed since the last analyze than 10 % of the live ones plus 50).
 * After a backfill that is every month written; on a steady day, the current
 * month's partition early in the month and the aggregates rarely.
 */
const STALE_STATISTICS_SQL = `select c.oid::regclass::text as name
    from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
   where c.oid = any($1::regclass[])
     and (coalesce(s.last_analyze, s.last_autoanalyze) is null or ${statisticsBehindSql('s')})
   order by 1`;

export interface ChurnVacuumOptions {
  /** Changed rows of a churning kind between two looks at the tables' dead tuples during a run (default 50,000, about ten pages). */
  checkEveryRows?: number;
  /** During a run a table is vacuumed once its dead tuples pass this fraction of its live ones (default 0.2, autovacuum's scale factor)… */
  deadFraction?: number;
  /** …plus this many (default 10,000). */
  deadThreshold?: number;
}

/** The statistics the mid-run decision reads (`pg_stat_user_tables`). */
interface TableStats {
  relname: string;
  n_live_tup: string;
  n_dead_tup: string;
}

/**
 * The hub vacuums what its own runs churn, so the store stays compact when
 * autovacuum is off (it is on this project's server, and may be at a
 * customer's): a plain `VACUUM (SKIP_LOCKED)` on a connection of its own,
 * outside any transaction — it runs beside the page writes, takes no lock
 * they wait for, and one already running elsewhere (another hub, autovacuum)
 * makes it skip.
 *
 * - During a run, every `checkEveryRows` changed rows, a table whose dead
 *   tuples (statistics, about a second behind) pass `deadFraction` of its live
 *   ones plus `deadThreshold` is vacuumed, in the background, one at a time: the
 *   space of the month rows' old versions that HOT pruning (`monitoring_month`
 *   has `fillfactor = 70`) could not reclaim on the page becomes reusable, so a
 *   backfill's month rows stay about as many pages as they need. Pages of past
 *   months become all-visible, so later vacuums skip them.
 * - When the run ends, every churned table the run changed rows of is vacuumed
 *   (waiting first for one in flight): the last version each month row left
 *   behind goes, whatever the statistics say.
 *
 * A failed vacuum is logged and does not fail the run.
 */
export class ChurnVacuum {
  /** Tables vacuumed during a run (past the threshold) and when it ends. */
  private readonly tables: string[];
  /** Partitioned tables, whose changed partitions are vacuumed when the run ends. */
  private readonly partitioned: string[];
  private readonly checkEveryRows: number;
  private readonly deadFraction: number;
  private readonly deadThreshold: number;
  private changed = 0;
  private sinceCheck = 0;
  private inFlight: Promise<void> | null = null;

  /** `produces`: the record kinds of the connector whose run this is. */
  constructor(
    private readonly pool: Pick<Pool, 'query'>,
    produces: readonly RecordKind[],
    private readonly log: (line: string) => void,
    opts: ChurnVacuumOptions = {},
  ) {
    const mine = CHURNED_TABLES.filter((t) => produces.includes(t.kind));
    this.tables = mine.filter((t) => !t.partitioned).map((t) => t.table);
    this.partitioned = mine.filter((t) => t.partitioned).map((t) => t.table);
    this.checkEveryRows = opts.checkEveryRows ?? 50_000;
    this.deadFraction = opts.deadFraction ?? 0.2;
    this.deadThreshold = opts.deadThreshold ?? 10_000;
  }

  /** A page that changed `rows` records committed. */
  pageCommitted(rows: number): void {
    if (rows <= 0) return;
    this.changed += rows;
    if (!this.tables.length) return;
    this.sinceCheck += rows;
    if (this.sinceCheck < this.checkEveryRows || this.inFlight) return;
    this.sinceCheck = 0;
    this.inFlight = this.vacuumChurned().finally(() => {
      this.inFlight = null;
    });
  }

  /** The run ended: vacuums every churned table when the run changed rows (after one still in flight). */
  async runEnded(): Promise<void> {
    await this.inFlight;
    if (!this.changed) return;
    const tables = [...this.tables];
    for (const parent of this.partitioned) {
      try {
        tables.push(...(await this.pool.query<{ name: string }>(PARTITIONS_TO_VACUUM_SQL, [parent])).rows.map((r) => r.name));
      } catch (e) {
        this.log(`partitions of ${parent} to vacuum not found (${(e as Error).message}): all of them`);
        tables.push(parent);
      }
    }
    if (!tables.length) return;
    // The planner needs statistics to choose the covering index's index-only scan over the primary key's (which reads
    // the heap): with autovacuum off nothing else analyzes what a run wrote. Only where the run moved the statistics.
    let stale = new Set<string>();
    try {
      stale = new Set((await this.pool.query<{ name: string }>(STALE_STATISTICS_SQL, [tables])).rows.map((r) => r.name));
    } catch (e) {
      this.log(`statistics of the churned tables not read (${(e as Error).message}): vacuumed without analyze`);
    }
    const plain = tables.filter((t) => !stale.has(t));
    if (plain.length) await this.vacuum(plain.join(', '), 'end of run');
    if (stale.size) await this.vacuum([...stale].join(', '), 'end of run, statistics stale', true);
  }

  /** The tables whose dead tuples pass the threshold, vacuumed one after the other. */
  private async vacuumChurned(): Promise<void> {
    let stats: TableStats[];
    try {
      stats = (
        await this.pool.query<TableStats>(
          `select relname, n_live_tup::text, n_dead_tup::text from pg_stat_user_tables where schemaname = current_schema() and relname = any($1::text[])`,
          [this.tables],
        )
      ).rows;
    } catch (e) {
      this.log(`vacuum check failed: ${(e as Error).message}`);
      return;
    }
    for (const s of stats) {
      const dead = Number(s.n_dead_tup);
      const live = Number(s.n_live_tup);
      if (dead > this.deadFraction * live + this.deadThreshold) await this.vacuum(s.relname, `${dead} dead / ${live} live tuples`);
    }
  }

  private async vacuum(table: string, why: string, analyze = false): Promise<void> {
    const t0 = Date.now();
    try {
      // No parameters: the simple protocol, outside any transaction block, as VACUUM needs.
      await this.pool.query(`vacuum (skip_locked${analyze ? ', analyze' : ''}) ${table}`);
      this.log(`vacuumed ${analyze ? 'and analyzed ' : ''}${table} (${why}) in ${Date.now() - t0} ms`);
    } catch (e) {
      this.log(`vacuum of ${table} failed (${why}): ${(e as Error).message}`);
    }
  }
}
