import { FetchContext, FetchedPage } from '../../src/connectors/connector.types';
import { addDays, chinaDateOf, maxDate } from '../../src/domain/china-date';
import { MonitoringCursor, MonitoringPage } from './monitoring.types';

/** Path of the daily summaries. */
export const MONITORING_DAILY_PATH = '/monitoring/api/daily';

/**
 * The dates a run reads, oldest first: from `rereadDays` before the last
 * complete date (or `lookbackDays` back on a first run) through yesterday,
 * the last date whose summaries are complete (China time).
 */
export function monitoringDates(cursor: MonitoringCursor | null, config: FetchContext['config'], today: string): string[] {
  const yesterday = addDays(today, -1);
  const start = cursor?.lastComplete ? addDays(cursor.lastComplete, -(Number(config.rereadDays ?? 3) - 1)) : addDays(today, -Number(config.lookbackDays ?? 30));
  const out: string[] = [];
  for (let d = start; d <= yesterday; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Reads the daily summaries date by date, page by page. A date counts as
 * complete (and moves the cursor) only with its last page, so a rerun after a
 * crash re-reads the date it was in; re-reads are recognised as unchanged.
 */
export async function* fetchMonitoringDays(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const size = Number(ctx.config.pageSize ?? 5000);
  const cursor = (ctx.cursor ?? null) as MonitoringCursor | null;
  let lastComplete = cursor?.lastComplete ?? null;
  for (const date of monitoringDates(cursor, ctx.config, chinaDateOf(ctx.now))) {
    for (let page = 1; ; page++) {
      const body = await ctx.http.getJson<MonitoringPage>(`${ctx.baseUrl}${MONITORING_DAILY_PATH}`, { date, page, size });
      if (!body || !Array.isArray(body.rows) || typeof body.total !== 'number')
        throw new Error(`monitoring platform answered without rows/total (date ${date}, page ${page})`);
      const last = page * size >= body.total || body.rows.length === 0;
      if (last) lastComplete = maxDate(lastComplete, date);
      yield { items: body.rows, cursor: { lastComplete } satisfies MonitoringCursor };
      if (last) break;
    }
  }
}
