import { BackfillProgress, FetchContext, FetchedPage, HistoryWindow, requireHistory } from '../../src/connectors/connector.types';
import { addDays, chinaDateOf, maxDate } from '../../src/domain/china-date';
import { MonitoringCursor, MonitoringPage } from './monitoring.types';

/** Path of the daily summaries. */
export const MONITORING_DAILY_PATH = '/monitoring/api/daily';

/** Dates folded into one committed page at most (a 1,095-day backfill of a small or sparse source is not a thousand commits). */
const DATES_PER_PAGE = 100;

/** The dates one run reads: `forward` oldest first, then `back` (dates before the covered range) newest first. */
export interface MonitoringPlan {
  /** First date the store must hold: the history window's first date minus the re-read overlap. */
  start: string;
  /** Yesterday, the last date whose summaries are complete (China time). */
  end: string;
  forward: string[];
  back: string[];
}

/**
 * The dates a run reads. A first run reads from the history window's start
 * (the active rule set's window, plus `rereadDays` of overlap) through
 * yesterday, oldest first. Later runs re-read `rereadDays` dates up to the last
 * complete one and read on to yesterday; when the window now starts before
 * the earliest date covered (a rule set with a longer window was activated),
 * the missing dates are read too, newest first, so the covered range stays
 * contiguous and a crash resumes where it stopped.
 */
export function monitoringPlan(cursor: MonitoringCursor | null, config: FetchContext['config'], today: string, history: HistoryWindow): MonitoringPlan {
  const end = addDays(today, -1);
  const reread = Math.max(1, Number(config.rereadDays ?? 3));
  const start = addDays(history.from, -reread);
  const forward: string[] = [];
  const back: string[] = [];
  if (!cursor?.lastComplete) {
    for (let d = start; d <= end; d = addDays(d, 1)) forward.push(d);
    return { start, end, forward, back };
  }
  const from = addDays(cursor.lastComplete, -(reread - 1));
  for (let d = from; d <= end; d = addDays(d, 1)) forward.push(d);
  // A cursor from before coverage was recorded covers what its re-read starts at.
  const covered = cursor.earliest ?? (from < start ? start : from);
  for (let d = addDays(covered, -1); d >= start; d = addDays(d, -1)) back.push(d);
  return { start, end, forward, back };
}

/** Dates of [start, end] inside the covered range [earliest, lastComplete]. */
function coveredCount(start: string, end: string, c: MonitoringCursor): number {
  if (!c.lastComplete || !c.earliest) return 0;
  const lo = c.earliest > start ? c.earliest : start;
  const hi = c.lastComplete < end ? c.lastComplete : end;
  return hi < lo ? 0 : Math.round((Date.parse(hi) - Date.parse(lo)) / 86_400_000) + 1;
}

/**
 * Reads the daily summaries date by date, page by page (rows of several
 * dates folded into one page, see `DATES_PER_PAGE`). A date counts as
 * read (and moves the cursor: `lastComplete` up, `earliest` down) only with
 * its last page, so a rerun after a crash re-reads the date it was in;
 * re-reads are recognised as unchanged. Every page reports the backfill's
 * progress: the dates of the history window (plus overlap) the store covers.
 */
export async function* fetchMonitoringDays(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const size = Number(ctx.config.pageSize ?? 5000);
  const saved = (ctx.cursor ?? null) as MonitoringCursor | null;
  const plan = monitoringPlan(saved, ctx.config, chinaDateOf(ctx.now), requireHistory(ctx, 'monitoring'));
  const total = Math.round((Date.parse(plan.end) - Date.parse(plan.start)) / 86_400_000) + 1;
  const cursor: { lastComplete: string | null; earliest: string | null } = {
    lastComplete: saved?.lastComplete ?? null,
    earliest: saved?.lastComplete ? (saved.earliest ?? null) : null,
  };
  const progress = (): BackfillProgress => ({
    from: plan.start,
    to: plan.end,
    done: coveredCount(plan.start, plan.end, cursor),
    total,
    coveredFrom: cursor.earliest,
  });
  // Rows of several dates share a committed page until it holds `size` rows or DATES_PER_PAGE dates
  // (a small province's 1,095-date backfill is not a thousand small commits).
  let rows: unknown[] = [];
  let datesDone = 0;
  const dates = [...plan.forward.map((d) => ({ d, back: false })), ...plan.back.map((d) => ({ d, back: true }))];
  for (const { d: date, back } of dates) {
    for (let page = 1; ; page++) {
      const body = await ctx.http.getJson<MonitoringPage>(`${ctx.baseUrl}${MONITORING_DAILY_PATH}`, { date, page, size });
      if (!body || !Array.isArray(body.rows) || typeof body.total !== 'number')
        throw new Error(`monitoring platform answered without rows/total (date ${date}, page ${page})`);
      const last = page * size >= body.total || body.rows.length === 0;
      if (last) {
        if (back) cursor.earliest = date;
        else {
          cursor.lastComplete = maxDate(cursor.lastComplete, date);
          if (cursor.earliest === null || date < cursor.earliest) cursor.earliest = date;
        }
        datesDone++;
      }
      for (const r of body.rows) rows.push(r);
      if (rows.length >= size || datesDone >= DATES_PER_PAGE) {
        yield { items: rows, cursor: { ...cursor }, backfill: progress() };
        rows = [];
        datesDone = 0;
      }
      if (last) break;
    }
  }
  if (rows.length || datesDone) yield { items: rows, cursor: { ...cursor }, backfill: progress() };
}
