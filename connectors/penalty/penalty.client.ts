import { BackfillProgress, FetchContext, FetchedPage, HistoryWindow } from '../../src/connectors/connector.types';
import { addDays, chinaDateOf, isCalendarDate, maxDate } from '../../src/domain/china-date';
import { assertUtf8, parseCsvObjects } from './penalty-csv.parser';
import { PENALTY_HEADERS, PENALTY_OPTIONAL_HEADERS, PenaltyCursor } from './penalty.types';

/** Path of the CSV export. */
export const PENALTY_EXPORT_PATH = '/penalty/export.csv';

/** Longest window the export accepts, in days (both ends inclusive). */
export const PENALTY_MAX_WINDOW_DAYS = 31;

/** The windows a run walks: from `start` to `today`, each at most `maxDays` long (inclusive). */
export function penaltyWindows(start: string, today: string, maxDays = PENALTY_MAX_WINDOW_DAYS): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  let from = start;
  while (from <= today) {
    const end = addDays(from, maxDays - 1);
    const to = end < today ? end : today;
    out.push({ from, to });
    from = addDays(to, 1);
  }
  return out;
}

/**
 * The first modification date the store must hold: the configured `startDate`
 * (a source that holds nothing older), else the history window's first date
 * (the active rule set's window) minus `overlapDays`. A penalty is modified on
 * or after its decision date, so this covers every decision inside the window.
 */
export function penaltyHistoryStart(config: FetchContext['config'], history: HistoryWindow | undefined): string {
  const configured = config.startDate;
  if (typeof configured === 'string' && configured !== '') {
    if (!isCalendarDate(configured)) throw new Error(`penalty config 'startDate' is not a date YYYY-MM-DD: ${JSON.stringify(configured)}`);
    return configured;
  }
  if (!history) throw new Error("connector 'penalty' reads by date and needs the history window (FetchContext.history) from the runner");
  return addDays(history.from, -Number(config.overlapDays ?? 1));
}

/** Where a run's forward walk starts: `overlapDays` before the watermark, or the history start on a first run. */
export function penaltyRunStart(cursor: PenaltyCursor | null, config: FetchContext['config'], history: HistoryWindow | undefined): string {
  if (cursor?.watermark) return addDays(cursor.watermark, -Number(config.overlapDays ?? 1));
  return penaltyHistoryStart(config, history);
}

function daysBetween(from: string, to: string): number {
  return to < from ? 0 : Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
}

/**
 * Walks the CSV export window by window, from the watermark to today (China
 * time). A window's rows are yielded in chunks; only the last chunk of a
 * window carries the window's end as the new watermark, so the watermark is
 * always the end of a fully committed window. When the history start lies
 * before the earliest date covered (a rule set with a longer window), the
 * missing windows are walked afterwards, newest first, moving `earliest` down.
 */
export async function* fetchPenaltyWindows(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const chunk = Number(ctx.config.chunkSize ?? 5000);
  const today = chinaDateOf(ctx.now);
  const saved = (ctx.cursor ?? null) as PenaltyCursor | null;
  const start = penaltyHistoryStart(ctx.config, ctx.history);
  const cursor: PenaltyCursor = { watermark: saved?.watermark ?? null, earliest: saved?.watermark ? (saved.earliest ?? null) : null };
  const forwardFrom = penaltyRunStart(saved, ctx.config, ctx.history);
  const total = daysBetween(start, today);
  const progress = (): BackfillProgress => {
    const lo = cursor.earliest && cursor.earliest > start ? cursor.earliest : start;
    const done = cursor.earliest && cursor.watermark ? daysBetween(lo, cursor.watermark < today ? cursor.watermark : today) : 0;
    return { from: start, to: today, done, total, coveredFrom: cursor.earliest ?? null };
  };
  const forward = penaltyWindows(forwardFrom, today).map((w) => ({ ...w, back: false }));
  // A cursor saved before coverage was recorded covers what its forward walk starts at.
  const covered = saved?.watermark ? (saved.earliest ?? (forwardFrom < start ? start : forwardFrom)) : start;
  const back =
    covered > start
      ? penaltyWindows(start, addDays(covered, -1))
          .reverse()
          .map((w) => ({ ...w, back: true }))
      : [];
  for (const w of [...forward, ...back]) {
    const body = await ctx.http.getBytes(`${ctx.baseUrl}${PENALTY_EXPORT_PATH}`, { modifiedFrom: w.from, modifiedTo: w.to });
    assertUtf8(body, 'penalty export');
    const { headers, rows } = await parseCsvObjects(body, [...PENALTY_HEADERS, ...PENALTY_OPTIONAL_HEADERS]);
    if (headers.length && PENALTY_HEADERS.some((h) => !headers.includes(h))) {
      throw new Error(`penalty export header changed: expected ${PENALTY_HEADERS.join(',')}, got ${headers.join(',')}`);
    }
    for (let i = 0; i < rows.length || i === 0; i += chunk) {
      const last = i + chunk >= rows.length;
      if (last) {
        if (w.back) cursor.earliest = w.from;
        else {
          cursor.watermark = maxDate(cursor.watermark, w.to);
          if (!cursor.earliest || w.from < cursor.earliest) cursor.earliest = w.from;
        }
      }
      yield { items: rows.slice(i, i + chunk), cursor: { ...cursor } satisfies PenaltyCursor, backfill: progress() };
    }
  }
}
