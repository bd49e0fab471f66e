import { ClientError } from '../domain/client-error';

/**
 * Calendar dates of the score: China Standard Time (UTC+8), `YYYY-MM-DD`.
 * Pure helpers; the SQL does the same arithmetic on `date` values.
 */

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Thrown for a date a client gave that is not a real calendar date. */
export class InvalidDateError extends ClientError {}

/** The China-time calendar date of an instant. */
export function chinaDateOf(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today in China. */
export function chinaToday(now: Date = new Date()): string {
  return chinaDateOf(now);
}

/** Checks `YYYY-MM-DD` is a real calendar date and returns it. */
export function requireDate(value: string, field = 'date'): string {
  const m = DATE_RE.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new InvalidDateError(`${field} '${value}' is not a calendar date (YYYY-MM-DD)`);
  }
  return value;
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${requireDate(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${requireDate(b)}T00:00:00Z`) - Date.parse(`${requireDate(a)}T00:00:00Z`)) / DAY_MS);
}

/** The first instant after the China-time day `date` (its next midnight in UTC+8). */
export function endOfChinaDay(date: string): Date {
  return new Date(Date.parse(`${requireDate(date)}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS);
}

/** Whether an event on `eventDate` counts at `asOf` under a rolling window: asOf − windowDays < d ≤ asOf. */
export function inWindow(eventDate: string, asOf: string, windowDays: number): boolean {
  const age = daysBetween(eventDate, asOf);
  return age >= 0 && age < windowDays;
}

/** A GraphQL `Date` argument (graphql-scalars hands a JS Date at UTC midnight) as `YYYY-MM-DD`. */
export function dateArg(value: Date | string | null | undefined): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return requireDate(value, 'asOf');
  return value.toISOString().slice(0, 10);
}
