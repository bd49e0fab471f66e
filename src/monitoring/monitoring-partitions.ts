import type { Pool, PoolClient } from 'pg';
import { addDays } from '../domain/china-date';

type Queryable = Pool | PoolClient;

/** Days ahead of today whose month partitions the upkeep keeps created (about three months). */
export const MONITORING_PARTITIONS_AHEAD_DAYS = 92;

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
function monthOf(day: string): string {
  return day.slice(0, 7);
}

/**
 * Creates the month partitions of `monitoring_day` covering `from` … `to`
 * (dates `YYYY-MM-DD`) that are missing; returns how many it created. The
 * work is the SQL function `monitoring_day_ensure_partitions` (migration
 * `monitoring-day-partitioned`), safe when several processes call it at once.
 */
export async function ensureMonitoringPartitions(db: Queryable, from: string, to: string): Promise<number> {
  const res = await db.query<{ n: number }>(`select monitoring_day_ensure_partitions($1::date, $2::date) as n`, [from, to]);
  return Number(res.rows[0].n);
}

/**
 * Partition upkeep of the monitoring store, run when the hub opens and by a
 * daily task: every month from the start of the history window (the active
 * rule set's, plus a month for the connectors' overlap) through
 * {@link MONITORING_PARTITIONS_AHEAD_DAYS} after `today`. Old months are
 * kept (a later rule set with a longer window scores them).
 */
export async function maintainMonitoringPartitions(db: Queryable, today: string, windowDays: number): Promise<number> {
  return ensureMonitoringPartitions(db, addDays(today, -(windowDays + 31)), addDays(today, MONITORING_PARTITIONS_AHEAD_DAYS));
}

/**
 * What ingest calls before it writes monitoring rows: makes sure the months
 * of the rows have partitions. Remembers the months it has seen, so a sync
 * asks the database once per month per process (the upkeep has usually
 * created them; a backfill into months never seen creates them here).
 */
export class MonitoringPartitionGuard {
  private readonly known = new Set<string>();

  /** Ensures the partitions of the months of `days` (dates `YYYY-MM-DD`), on `db` (the page's connection). */
  async ensureFor(db: Queryable, days: Iterable<string>): Promise<void> {
    let lo: string | null = null;
    let hi: string | null = null;
    for (const d of days) {
      if (this.known.has(monthOf(d))) continue;
      if (lo === null || d < lo) lo = d;
      if (hi === null || d > hi) hi = d;
    }
    if (lo === null || hi === null) return;
    await ensureMonitoringPartitions(db, lo, hi);
    for (let m = `${monthOf(lo)}-01`; monthOf(m) <= monthOf(hi); m = addDays(m, 31).slice(0, 8) + '01') this.known.add(monthOf(m));
  }
}
