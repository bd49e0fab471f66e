import type { Pool } from 'pg';
import type { PgHj212Store } from '../gateway/hj212.store';
import {
  bindMonitoringDeviceRows,
  listMonitoringDevices,
  monitoringBindingProblem,
  type MonitoringBindResult,
  type MonitoringDeviceBinding,
  type MonitoringDeviceRow,
} from '../gateway/monitoring-device.store';
import { groupBy } from '../domain/group-by';
import { divisionPredicate, SqlParams, type Scope } from '../jurisdiction/scope';

/** Why a binding was refused: the message says what to fix. */
export class MonitoringBindingError extends Error {}

/** One hourly value of an outlet and pollutant, as `Enterprise.monitoringHours` serves it. */
export interface MonitoringHourRow {
  at: Date;
  outletCode: string;
  pollutantCode: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  flag: string | null;
  limit: number | null;
  /** A valid hour (flag `N`) whose average is above the bound limit. */
  exceeds: boolean;
  /** True until the platform's daily summary of the same outlet, pollutant and date has arrived. */
  provisional: boolean;
}

/**
 * Stewards' side of the HJ 212 gateway: binding DAUs to outlets of enterprises inside the
 * caller's jurisdiction (a SQL predicate, as everywhere), the device list, and hourly values.
 * `scope` null means the command line's operator, who may bind anywhere.
 */
export class MonitoringDeviceService {
  constructor(
    private readonly pool: Pool,
    private readonly readPool: Pool,
    private readonly store: PgHj212Store,
  ) {}

  async bind(scope: Scope | null, input: MonitoringDeviceBinding, boundBy: string | null): Promise<MonitoringBindResult> {
    const problem = monitoringBindingProblem(input);
    if (problem) throw new MonitoringBindingError(problem);
    const params = new SqlParams();
    const code = params.add(input.creditCode);
    const where = scope ? ` and ${divisionPredicate(scope, params)}` : '';
    const { rows } = await this.pool.query(`select 1 from enterprise e where e.credit_code = ${code}${where}`, params.values);
    if (rows.length === 0) throw new MonitoringBindingError(`enterprise ${input.creditCode} is unknown or outside your jurisdiction`);
    const result = await bindMonitoringDeviceRows(this.pool, input, boundBy);
    this.store.forget(input.mn);
    return result;
  }

  /** Bound devices inside `scope` and every unbound sender; `bound` filters. */
  list(scope: Scope | null, bound?: boolean | null): Promise<MonitoringDeviceRow[]> {
    return listMonitoringDevices(this.readPool, {
      bound,
      scopeSql: scope
        ? (col, first) => {
            const params = new SqlParams();
            for (let i = 1; i < first; i++) params.add(null);
            const pred = divisionPredicate(scope, params, 'e');
            return { sql: `exists (select 1 from enterprise e where e.credit_code = ${col} and ${pred})`, params: params.values.slice(first - 1) };
          }
        : undefined,
    });
  }

  /** Hourly values of enterprises from `from` (inclusive) to `to` (exclusive), oldest first, per credit code (at most 5,000 each). */
  async hours(creditCodes: readonly string[], from: Date, to: Date, pollutantCode?: string | null): Promise<MonitoringHourRow[][]> {
    const { rows } = await this.readPool.query<MonitoringHourRow & { creditCode: string }>(
      `select h.credit_code as "creditCode", h.hour as at, h.outlet_code as "outletCode", h.pollutant_code as "pollutantCode", h.avg, h.min, h.max, h.flag,
              l.limit_value as "limit", coalesce(h.flag = 'N' and h.avg > l.limit_value, false) as exceeds,
              not exists (select 1 from monitoring_day m where m.credit_code = h.credit_code and m.outlet_code = h.outlet_code
                             and m.pollutant_code = h.pollutant_code and m.day = (h.hour at time zone 'Asia/Shanghai')::date and not m.provisional) as provisional
         from unnest($1::text[]) as c(code)
         cross join lateral (select * from monitoring_hour h where h.credit_code = c.code and h.hour >= $2 and h.hour < $3
                               and ($4::text is null or h.pollutant_code = $4) order by h.hour, h.outlet_code, h.pollutant_code limit 5000) h
         left join monitoring_device d on d.credit_code = h.credit_code and d.outlet_code = h.outlet_code
         left join monitoring_device_limit l on l.mn = d.mn and l.pollutant_code = h.pollutant_code
        order by h.credit_code, h.hour, h.outlet_code, h.pollutant_code`,
      [creditCodes, from, to, pollutantCode ?? null],
    );
    return groupBy(creditCodes, rows, (r) => r.creditCode);
  }
}
