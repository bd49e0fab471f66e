import { ClientError } from './client-error';

/**
 * Calendar dates in China Standard Time (UTC+8), the hub's one calendar:
 * the source systems count their dates in it, scores are computed as of a
 * date in it (domain.md §3) and the daily tasks run on it. Dates are
 * `YYYY-MM-DD` strings; arithmetic goes through UTC midnights. The SQL does the
 * same arithmetic on `date` values and converts instants with
 * {@link CHINA_TIME_ZONE}.
 */

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The IANA zone of China Standard Time, for SQL (`at time zone`) and cron schedules. */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/** Thrown for a date a client or a configuration gave that is not a real calendar date. */
export class InvalidDateError extends ClientError {}

/**
 * True when `s` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is
 * not one). Arithmetic, not `Date`: it runs for every date of every record.
 */
export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (m < 1 || m > 12 || d < 1) return false;
  if (y < 1) return false; // PostgreSQL has no year 0000
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}

/** Checks `value` is a real calendar date `YYYY-MM-DD` and returns it; else {@link InvalidDateError} naming `field`. */
export function requireDate(value: string, field = 'date'): string {
  if (!isCalendarDate(value)) throw new InvalidDateError(`${field} '${value}' is not a calendar date (YYYY-MM-DD)`);
  return value;
}

/** The China-time calendar date of an instant. */
export function chinaDateOf(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today in China. */
export function chinaToday(now: Date = new Date()): string {
  return chinaDateOf(now);
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${requireDate(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant after the China-time day `date` (its next midnight in UTC+8). */
export function endOfChinaDay(date: string): Date {
  return new Date(Date.parse(`${requireDate(date)}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS);
}

/** The later of two dates (either may be null). */
export function maxDate(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** A GraphQL `Date` argument (graphql-scalars hands a JS Date at UTC midnight) as `YYYY-MM-DD`. */
export function dateArg(value: Date | string | null | undefined, field = 'asOf'): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return requireDate(value, field);
  return value.toISOString().slice(0, 10);
}
