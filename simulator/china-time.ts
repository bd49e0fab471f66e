/**
 * Calendar dates and timestamps in China Standard Time (UTC+8), as the source
 * systems use them. Dates are handled as day numbers (days since 1970-01-01) for speed.
 */

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** `YYYY-MM-DD` of a day number. */
export function dayToDate(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Day number of a real calendar date `YYYY-MM-DD`, or null when it is not one (e.g. 2026-02-30). */
export function dateToDay(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** ISO 8601 timestamp with the +08:00 zone for an instant (ms since epoch), second precision. */
export function isoChina(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + CST_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+08:00`
  );
}

/** The instant (ms) of `seconds` after midnight China time on a day. */
export function chinaInstant(day: number, seconds: number): number {
  return day * DAY_MS - CST_OFFSET_MS + seconds * 1000;
}

/** China-time day number of an instant. */
export function chinaDayOf(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

/** Today's day number in China time. */
export function todayInChina(): number {
  return chinaDayOf(Date.now());
}

/**
 * Parses an ISO 8601 date or date-time (a zone-less time is read as China time;
 * a bare date as its midnight in China). Returns ms since epoch, or null.
 * A space in place of '+' (an unencoded '+' in a query string) is tolerated.
 */
export function parseInstant(text: string): number | null {
  const s = text.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  if (!ISO_RE.test(s)) return null;
  const datePart = s.slice(0, 10);
  if (dateToDay(datePart) === null) return null;
  let withZone = s;
  if (s.length === 10) withZone = `${s}T00:00:00+08:00`;
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) withZone = `${s}+08:00`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms;
}

/** Adds whole years to a day number (Feb 29 falls back to Feb 28). */
export function addYears(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear() + years;
  const m = d.getUTCMonth();
  let dd = d.getUTCDate();
  if (m === 1 && dd === 29 && new Date(Date.UTC(y, 1, 29)).getUTCMonth() !== 1) dd = 28;
  return Date.UTC(y, m, dd) / DAY_MS;
}

/** The current time as ISO 8601 with +08:00. */
export function nowIsoChina(): string {
  return isoChina(Date.now());
}

export { DAY_MS };
