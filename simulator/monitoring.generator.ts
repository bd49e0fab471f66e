/**
 * Lazily generated online-monitoring data. Three years of a province are about 70 million
 * daily rows at 260,000 enterprises; instead of holding them as objects, the generator
 * keeps one small "channel" per outlet and pollutant and derives the row of any date from
 * hashes of (channel, day), so every request sees the same rows and memory holds only
 * the channels and one row count per date.
 *
 * The world it draws: outlets that start reporting late in the window and outlets that
 * stop (decommissioned, or a recent gap), outages of days to weeks on an outlet, chronic
 * exceeders on one outlet, sloppy reporters, and late revisions: a share of channel-days
 * is first served as a preliminary summary (fewer valid hours, no exceedance yet) and
 * revised to its final values once the date is {@link REVISION_LAG_DAYS} days old by
 * the simulator's clock, so a connector must re-read recent dates.
 */
import { combine32 } from './prng';
import { dayToDate } from './china-time';
import type { MonitoringRow } from './source-record.types';

/** One outlet × pollutant of a monitored enterprise, with its behaviour. */
export interface MonitoringChannel {
  creditCode: string;
  outletCode: string;
  pollutantCode: string;
  limit: number;
  unit: string;
  /** Per-channel hash seed (exceedance decisions). */
  key: number;
  /** Per-outlet hash seed (missing / low-valid-hours days affect the whole outlet). */
  outletKey: number;
  /** Probability that a reported day exceeds the limit. */
  exceedP: number;
  /** Probability that the outlet reports nothing on a day. */
  missingP: number;
  /** Probability that the outlet reports fewer than 20 valid hours on a day. */
  lowP: number;
  /** First and last day index (0-based within the window) the outlet reports. */
  firstIdx: number;
  lastIdx: number;
  /** Outages of the outlet: inclusive [first, last] day index ranges without any row (shared by its channels). */
  outages?: ReadonlyArray<readonly [number, number]>;
  /** Probability that a day's row is first served preliminary and revised later. */
  revisedP?: number;
}

/** Days after a date until its revised rows replace the preliminary ones (a date of yesterday or today is preliminary). */
export const REVISION_LAG_DAYS = 2;

const U32 = 4294967296;

/** Derives the daily rows of a window of days from channels (sorted by creditCode, outletCode, pollutantCode). */
export class MonitoringGenerator {
  /** Row count per day index, computed once. */
  private readonly counts: number[];

  /**
   * @param channels channels in serving order
   * @param firstDay day number of the first date of the window
   * @param days number of dates in the window
   */
  constructor(
    readonly channels: readonly MonitoringChannel[],
    readonly firstDay: number,
    readonly days: number,
  ) {
    this.counts = [];
    for (let i = 0; i < days; i++) {
      let n = 0;
      for (const c of channels) if (this.present(c, i)) n++;
      this.counts.push(n);
    }
  }

  /** The dates of the window, oldest first. */
  dates(): string[] {
    return Array.from({ length: this.days }, (_, i) => dayToDate(this.firstDay + i));
  }

  /** Number of rows of a day (0 outside the window). */
  countFor(day: number): number {
    const i = day - this.firstDay;
    return i >= 0 && i < this.days ? this.counts[i] : 0;
  }

  /** Total rows over the window. */
  total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  private present(c: MonitoringChannel, i: number): boolean {
    if (i < c.firstIdx || i > c.lastIdx) return false;
    if (c.outages) for (const [a, b] of c.outages) if (i >= a && i <= b) return false;
    return combine32(c.outletKey, i) / U32 >= c.missingP;
  }

  /** True when `day`'s rows served on `clockDay` may still be preliminary (later revised). */
  isPreliminary(day: number, clockDay: number): boolean {
    return clockDay - day < REVISION_LAG_DAYS;
  }

  /**
   * The rows of a day, in serving order (empty outside the window), as served
   * on `clockDay` (default: the day after the window, i.e. today): within
   * {@link REVISION_LAG_DAYS} of it, revised channel-days show their preliminary values.
   */
  rowsFor(day: number, clockDay = this.firstDay + this.days): MonitoringRow[] {
    const preliminary = this.isPreliminary(day, clockDay);
    const i = day - this.firstDay;
    if (i < 0 || i >= this.days) return [];
    const date = dayToDate(day);
    const rows: MonitoringRow[] = [];
    for (const c of this.channels) {
      if (!this.present(c, i)) continue;
      const o = combine32(c.outletKey, i);
      const lowDraw = combine32(o, 7) / U32;
      let validHours = 24;
      if (lowDraw < c.lowP) validHours = combine32(o, 11) % 20;
      else if (lowDraw > 0.97) validHours = 20 + (combine32(o, 13) % 4);
      const e = combine32(c.key, i);
      const exceeds = validHours > 0 && e / U32 < c.exceedP;
      let exceedHours = 0;
      let ratio = 0.15 + (combine32(e, 3) / U32) * 0.7;
      if (exceeds) {
        const cap = c.exceedP > 0.3 ? validHours : Math.min(validHours, 6);
        exceedHours = 1 + (combine32(e, 5) % cap);
        ratio = 1.05 + (combine32(e, 9) / U32) * 0.8;
      }
      if (preliminary && c.revisedP && combine32(e, 17) / U32 < c.revisedP) {
        // Data still arriving: fewer valid hours and no exceedance counted yet; the final row follows.
        validHours = Math.min(validHours, 8 + (combine32(e, 19) % 12));
        exceedHours = 0;
        ratio = Math.min(ratio, 0.95);
      }
      rows.push({
        creditCode: c.creditCode,
        outletCode: c.outletCode,
        date,
        pollutantCode: c.pollutantCode,
        validHours,
        exceedHours,
        dailyMean: validHours === 0 ? 0 : Math.round(c.limit * ratio * 10) / 10,
        limit: c.limit,
        unit: c.unit,
      });
    }
    return rows;
  }
}

/** Orders monitoring channels and rows by credit code, outlet and pollutant (the feed's key order). */
export function compareChannelKey(
  a: { creditCode: string; outletCode: string; pollutantCode: string },
  b: { creditCode: string; outletCode: string; pollutantCode: string },
): number {
  return a.creditCode < b.creditCode
    ? -1
    : a.creditCode > b.creditCode
      ? 1
      : a.outletCode < b.outletCode
        ? -1
        : a.outletCode > b.outletCode
          ? 1
          : a.pollutantCode < b.pollutantCode
            ? -1
            : a.pollutantCode > b.pollutantCode
              ? 1
              : 0;
}
