import type { Pool } from 'pg';
import { withTransaction } from '../db/database';
import { deriveHours, type Hj212HourWritten } from './hj212.store';

/** A permitted limit of one pollutant at a bound outlet. */
export interface MonitoringLimitInput {
  /** HJ 212 pollutant code (`a21026` SO₂, `w01018` COD…). */
  pollutantCode: string;
  limit: number;
  unit?: string | null;
}

/** A DAU bound to an enterprise outlet by a data steward. */
export interface MonitoringDeviceBinding {
  mn: string;
  creditCode: string;
  outletCode: string;
  /** The access password (`PW`) the DAU sends in every packet. */
  password: string;
  limits: MonitoringLimitInput[];
}

/** What binding did: the packets it had kept unbound and now took in, and the hours they gave. */
export interface MonitoringBindResult {
  mn: string;
  packetsAccepted: number;
  packetsWrongPassword: number;
  hours: Hj212HourWritten[];
}

/** What is wrong with a binding, or null when it can be stored. */
export function monitoringBindingProblem(b: MonitoringDeviceBinding): string | null {
  if (!/^[\x21-\x7e]{1,24}$/.test(b.mn) || b.mn.includes(';') || b.mn.includes('&')) return `mn '${b.mn}' must be 1 to 24 printable characters without ; or &`;
  if (!b.outletCode || b.outletCode.length > 64) return `outletCode must be 1 to 64 characters`;
  if (!/^[\x21-\x7e]{1,16}$/.test(b.password) || b.password.includes(';')) return `password must be 1 to 16 printable characters (HJ 212 uses 6)`;
  if (b.limits.length === 0) return 'at least one pollutant limit is needed';
  const seen = new Set<string>();
  for (const l of b.limits) {
    if (!/^[A-Za-z0-9]{2,8}$/.test(l.pollutantCode)) return `pollutantCode '${l.pollutantCode}' is not an HJ 212 code`;
    if (seen.has(l.pollutantCode)) return `pollutantCode '${l.pollutantCode}' is listed twice`;
    seen.add(l.pollutantCode);
    if (!Number.isFinite(l.limit) || l.limit <= 0) return `limit of ${l.pollutantCode} must be a positive number`;
  }
  return null;
}

/**
 * Binds (or re-binds) a DAU to an outlet with its limits, then takes in what the MN already sent:
 * its kept packets become `ACCEPTED` (or `WRONG_PASSWORD` when their `PW` differs), their hourly
 * values and the provisional daily summaries of the outlet are derived, in one transaction.
 * Checking the caller's right to bind this enterprise is the caller's job.
 */
export async function bindMonitoringDeviceRows(pool: Pool, b: MonitoringDeviceBinding, boundBy: string | null): Promise<MonitoringBindResult> {
  const problem = monitoringBindingProblem(b);
  if (problem) throw new Error(problem);
  return withTransaction(pool, async (client) => {
    await client.query(`delete from monitoring_device where credit_code = $1 and outlet_code = $2 and mn <> $3`, [b.creditCode, b.outletCode, b.mn]);
    await client.query(
      `insert into monitoring_device (mn, credit_code, outlet_code, password, bound_by) values ($1, $2, $3, $4, $5)
       on conflict (mn) do update set credit_code = excluded.credit_code, outlet_code = excluded.outlet_code,
         password = excluded.password, bound_by = excluded.bound_by, bound_at = now()`,
      [b.mn, b.creditCode, b.outletCode, b.password, boundBy],
    );
    await client.query(`delete from monitoring_device_limit where mn = $1`, [b.mn]);
    await client.query(
      `insert into monitoring_device_limit (mn, pollutant_code, limit_value, unit)
       select $1, x.pollutant_code, x.limit_value, x.unit from jsonb_to_recordset($2::jsonb) as x(pollutant_code text, limit_value float8, unit text)`,
      [b.mn, JSON.stringify(b.limits.map((l) => ({ pollutant_code: l.pollutantCode, limit_value: l.limit, unit: l.unit ?? null })))],
    );
    const { rows } = await client.query<{ status: string; n: string }>(
      `with u as (
         update hj212_packet p set status = case when coalesce(substring(p.segment from '(?:^|;)PW=([^;]*)'), '') = $2 then 'ACCEPTED' else 'WRONG_PASSWORD' end
          where p.mn = $1 and p.status <> 'ACCEPTED' returning p.status)
       select status, count(*) as n from u group by status`,
      [b.mn, b.password],
    );
    const hours = await deriveHours(client, `p.mn = $1`, [b.mn]);
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { mn: b.mn, packetsAccepted: n('ACCEPTED'), packetsWrongPassword: n('WRONG_PASSWORD'), hours };
  });
}

/** One row of the stewards' device list: bound DAUs and MNs that sent packets unbound. */
export interface MonitoringDeviceRow {
  mn: string;
  bound: boolean;
  creditCode: string | null;
  outletCode: string | null;
  boundAt: Date | null;
  lastPacketAt: Date | null;
  packets: number;
  lastStatus: string | null;
  limits: MonitoringLimitInput[];
}

/**
 * Bound devices and unbound senders, each with its last packet time and packet count.
 * `bound` filters (true: bound only, false: unbound only); `scopeSql` is a predicate over the
 * device's `credit_code` (the caller's jurisdiction, `$1`…), applied to bound devices only —
 * unbound MNs have no enterprise yet and are listed for every steward.
 */
export async function listMonitoringDevices(
  pool: Pool,
  opts: { bound?: boolean | null; scopeSql?: (creditCodeColumn: string, firstParam: number) => { sql: string; params: unknown[] } } = {},
): Promise<MonitoringDeviceRow[]> {
  const scope = opts.scopeSql ? opts.scopeSql('d.credit_code', 1) : { sql: 'true', params: [] };
  const bound = opts.bound ?? null;
  const { rows } = await pool.query(
    `select coalesce(d.mn, s.mn) as mn, d.mn is not null as bound, d.credit_code, d.outlet_code, d.bound_at,
            s.last_packet_at, coalesce(s.packets, 0)::int as packets, s.last_status,
            coalesce((select jsonb_agg(jsonb_build_object('pollutantCode', l.pollutant_code, 'limit', l.limit_value, 'unit', l.unit) order by l.pollutant_code)
                        from monitoring_device_limit l where l.mn = d.mn), '[]') as limits
       from monitoring_device d full join hj212_sender s on s.mn = d.mn
      where (d.mn is null or (${scope.sql}))
        and ($${scope.params.length + 1}::boolean is null or (d.mn is not null) = $${scope.params.length + 1}::boolean)
      order by bound desc, mn`,
    [...scope.params, bound],
  );
  return rows.map((r) => ({
    mn: r.mn,
    bound: r.bound,
    creditCode: r.credit_code,
    outletCode: r.outlet_code,
    boundAt: r.bound_at,
    lastPacketAt: r.last_packet_at,
    packets: r.packets,
    lastStatus: r.last_status,
    limits: r.limits,
  }));
}

/** Credit codes of the enterprises with at least one bound device. */
export async function boundCreditCodes(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ c: string }>(`select distinct credit_code as c from monitoring_device order by 1`);
  return rows.map((r) => r.c);
}
