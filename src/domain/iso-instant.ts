const DAY_MS = 86_400_000;
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `YYYY-MM-DDT` of the UTC days met lately (bounded: cleared when full). */
const dayPrefixes = new Map<number, string>();
const MAX_DAYS = 4096;

/**
 * The instant `ms` (milliseconds since the epoch) as `Date.prototype.toISOString`
 * writes it (`2026-11-30T08:05:07.042Z`, UTC), but about ten times faster:
 * the day's `YYYY-MM-DDT` is kept for the days met lately and the time of day
 * is arithmetic. The API answers hundreds of instants a page (a seed-search
 * page of 50 enterprises carries 600 history points); `toISOString` took
 * 1.5–2.5 µs each on the bench machine. Years outside 0000–9999 (written
 * `±YYYYYY`) go through `toISOString` itself.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const text = new Date(day * DAY_MS).toISOString();
    if (text.length !== 24) return new Date(ms).toISOString();
    prefix = text.slice(0, 11);
    if (dayPrefixes.size >= MAX_DAYS) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`;
}
