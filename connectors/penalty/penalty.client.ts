import { FetchContext, FetchedPage } from '../../src/connectors/connector.types';
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

/** Where a run starts: `overlapDays` before the watermark, or the configured first-run start. */
export function penaltyRunStart(cursor: PenaltyCursor | null, config: FetchContext['config'], today: string): string {
  if (cursor?.watermark) return addDays(cursor.watermark, -Number(config.overlapDays ?? 1));
  const configured = config.startDate;
  if (typeof configured === 'string' && configured !== '') {
    if (!isCalendarDate(configured)) throw new Error(`penalty config 'startDate' is not a date YYYY-MM-DD: ${JSON.stringify(configured)}`);
    return configured;
  }
  return addDays(today, -Number(config.lookbackDays ?? 1130));
}

/**
 * Walks the CSV export window by window, from the watermark to today (China
 * time). A window's rows are yielded in chunks; only the last chunk of a
 * window carries the window's end as the new watermark, so the watermark is
 * always the end of a fully committed window.
 */
export async function* fetchPenaltyWindows(ctx: FetchContext): AsyncIterable<FetchedPage> {
  const chunk = Number(ctx.config.chunkSize ?? 5000);
  const today = chinaDateOf(ctx.now);
  const cursor = (ctx.cursor ?? null) as PenaltyCursor | null;
  let watermark = cursor?.watermark ?? null;
  for (const w of penaltyWindows(penaltyRunStart(cursor, ctx.config, today), today)) {
    const body = await ctx.http.getBytes(`${ctx.baseUrl}${PENALTY_EXPORT_PATH}`, { modifiedFrom: w.from, modifiedTo: w.to });
    assertUtf8(body, 'penalty export');
    const { headers, rows } = await parseCsvObjects(body, [...PENALTY_HEADERS, ...PENALTY_OPTIONAL_HEADERS]);
    if (headers.length && PENALTY_HEADERS.some((h) => !headers.includes(h))) {
      throw new Error(`penalty export header changed: expected ${PENALTY_HEADERS.join(',')}, got ${headers.join(',')}`);
    }
    const done = maxDate(watermark, w.to);
    for (let i = 0; i < rows.length || i === 0; i += chunk) {
      const last = i + chunk >= rows.length;
      yield { items: rows.slice(i, i + chunk), cursor: { watermark: last ? done : watermark } satisfies PenaltyCursor };
    }
    watermark = done;
  }
}
