import type { Pool } from 'pg';
import { ClientError } from '../domain/client-error';
import { requireDate } from '../domain/china-date';
import { groupBy } from '../domain/group-by';
import { divisionPredicate, SqlParams, type Scope } from '../jurisdiction/scope';

/** Longest range `Enterprise.monitoringDays` answers, in days (both ends inclusive): the score's window and some. */
export const MONITORING_DAYS_MAX_RANGE = 1100;

/** One daily summary of an outlet and pollutant, as `Enterprise.monitoringDays` serves it. */
export interface MonitoringDayRow {
  /** `YYYY-MM-DD` (China time). */
  date: string;
  outletCode: string;
  pollutantCode: string;
  validHours: number;
  exceedHours: number;
  dailyMean: number | null;
  limit: number | null;
  /** Derived by the HJ 212 gateway from hourly values; false once the platform's official summary arrived. */
  provisional: boolean;
}

/** Thrown for a range `monitoringDays` does not answer; names the argument. */
export class MonitoringRangeError extends ClientError {}

/**
 * Checks a `from` … `to` range of dates (inclusive): calendar dates, `from` ≤
 * `to`, at most {@link MONITORING_DAYS_MAX_RANGE} days. Throws a
 * {@link MonitoringRangeError} naming the argument at fault.
 */
export function checkMonitoringRange(from: string, to: string): void {
  requireDate(from, 'from');
  requireDate(to, 'to');
  if (to < from) throw new MonitoringRangeError(`to (${to}) is before from (${from})`, { argument: 'to', value: to });
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days > MONITORING_DAYS_MAX_RANGE)
    throw new MonitoringRangeError(`from … to spans ${days} days; at most ${MONITORING_DAYS_MAX_RANGE} days per request (ask for less, or in parts)`, {
      argument: 'from',
      limit: MONITORING_DAYS_MAX_RANGE,
      value: days,
    });
}

/**
 * Per-enterprise reads of the monitoring store (`monitoring_day`, partitioned
 * by month): the daily summaries of many enterprises over a date range in one
 * statement, so only the months of the range are read (partition pruning)
 * and each enterprise's rows come from the primary key. The caller's
 * jurisdiction is a SQL predicate: enterprises outside it get no rows.
 */
export class MonitoringDayService {
  constructor(private readonly readPool: Pool) {}

  /** Daily summaries of `creditCodes` from `from` to `to` (inclusive), by date, outlet, pollutant; one list per code. */
  async days(creditCodes: readonly string[], from: string, to: string, pollutantCode: string | null | undefined, scope?: Scope): Promise<MonitoringDayRow[][]> {
    checkMonitoringRange(from, to);
    const params = new SqlParams();
    const codes = params.add(creditCodes);
    const lo = params.add(from);
    const hi = params.add(to);
    const pollutant = params.add(pollutantCode ?? null);
    const inScope =
      scope && scope.level !== 'PROVINCE'
        ? `and exists (select 1 from enterprise e where e.credit_code = m.credit_code and ${divisionPredicate(scope, params, 'e')})`
        : '';
    const { rows } = await this.readPool.query<MonitoringDayRow & { creditCode: string }>(
      `select m.credit_code as "creditCode", to_char(m.day, 'YYYY-MM-DD') as date, m.outlet_code as "outletCode", m.pollutant_code as "pollutantCode",
              m.valid_hours as "validHours", m.exceed_hours as "exceedHours", m.daily_mean as "dailyMean", m.limit_value as "limit", m.provisional
         from monitoring_day m
        where m.credit_code = any(${codes}::text[]) and m.day >= ${lo}::date and m.day <= ${hi}::date
          and (${pollutant}::text is null or m.pollutant_code = ${pollutant}::text) ${inScope}
        order by m.credit_code, m.day, m.outlet_code, m.pollutant_code`,
      params.values,
    );
    return groupBy(creditCodes, rows, (r) => r.creditCode);
  }
}
