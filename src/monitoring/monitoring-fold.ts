import type { Pool } from 'pg';

/**
 * What a transaction runs to write monitoring days without maintaining the
 * month aggregates statement by statement: the months it writes are queued
 * in `monitoring_fold_pending` and {@link foldPendingMonitoringMonths} rebuilds
 * them (migration `monitoring-deferred-fold`). For a bulk read of history,
 * where every page would otherwise update the month rows it touches.
 */
export const DEFER_MONITORING_AGGREGATES_SQL = `set local hub.monitoring_aggregates = 'deferred'`;

/** What {@link foldPendingMonitoringMonths} did. */
export interface MonitoringFoldSummary {
  /** Months rebuilt. */
  months: number;
  /** `monitoring_month` rows they hold now. */
  monthRows: number;
  /** Outlet extents changed. */
  outlets: number;
  ms: number;
}

/**
 * Rebuilds every month queued by deferred writes, one transaction per month
 * (`monitoring_fold_month`, which waits for the writes of its month in
 * flight), then the outlets' extents (`monitoring_fold_outlets`), which
 * takes the folded months off the queue. Exact whenever it runs: a month
 * written again while or after it is folded is queued again. Cheap when
 * nothing is queued (one read of a table of a few rows).
 */
export async function foldPendingMonitoringMonths(pool: Pick<Pool, 'query'>, log?: (line: string) => void): Promise<MonitoringFoldSummary> {
  const t0 = Date.now();
  const queued = await pool.query<{ month: string; folded: boolean }>(`select month::text, folded from monitoring_fold_pending order by month`);
  if (!queued.rows.length) return { months: 0, monthRows: 0, outlets: 0, ms: Date.now() - t0 };
  const months = queued.rows.filter((r) => !r.folded).map((r) => r.month);
  let monthRows = 0;
  for (const month of months) {
    const t = Date.now();
    const n = Number((await pool.query<{ n: number }>(`select monitoring_fold_month($1::date) as n`, [month])).rows[0].n);
    monthRows += n;
    log?.(`folded monitoring month ${month.slice(0, 7)}: ${n} month rows in ${Date.now() - t} ms`);
  }
  const outlets = Number((await pool.query<{ n: number }>(`select monitoring_fold_outlets() as n`)).rows[0].n);
  const summary = { months: months.length, monthRows, outlets, ms: Date.now() - t0 };
  if (summary.months) log?.(`folded ${summary.months} monitoring month(s), ${outlets} outlet extents changed, in ${summary.ms} ms`);
  return summary;
}
