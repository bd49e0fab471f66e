import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { dateToDay } from '../../simulator/china-time';
import { GeneratedProvince } from '../../simulator/province.generator';
import { descriptorOf, fieldOf } from '../../src/ingest/record-descriptors';

/** A value of a COPY row: text, number, boolean, null or a text array. */
export type Cell = string | number | boolean | null | string[];

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) v = `{${v.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  const s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** COPY rows into a table (CSV), streamed in chunks of 5,000; returns how many. */
export async function copyRows(client: PoolClient, table: string, columns: string[], rows: Iterable<Cell[]>): Promise<number> {
  let n = 0;
  const chunks = (function* () {
    let buf: string[] = [];
    for (const r of rows) {
      buf.push(r.map(csvCell).join(','));
      n++;
      if (buf.length >= 5000) {
        yield buf.join('\n') + '\n';
        buf = [];
      }
    }
    if (buf.length) yield buf.join('\n') + '\n';
  })();
  await pipeline(Readable.from(chunks), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)));
  return n;
}

const CREDIT_LEVEL: Record<string, string> = { 绿标: 'green', 蓝标: 'blue', 黄标: 'yellow', 红标: 'red', 黑标: 'black' };

/**
 * COPYs a generated province straight into the store's typed tables
 * (enterprises, permits, the latest version of each enforcement record,
 * penalties, monitoring days; credit ratings with `credit`), set-based
 * instead of through the connectors. Returns the rows per table.
 */
export async function copyProvince(client: PoolClient, province: GeneratedProvince, opts: { credit?: boolean } = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const enterpriseColumns = descriptorOf('enterprise').columns;
  counts.enterprise = await copyRows(
    client,
    'enterprise',
    // The typed columns ingest writes, each holding the generated permit record's field of that name (fieldOf), as ingest's rows do.
    enterpriseColumns.map((c) => c.name),
    province.permit.map((p) => enterpriseColumns.map((c) => ((p as unknown as Record<string, Cell | undefined>)[fieldOf(c)] ?? null) as Cell)),
  );
  counts.permit = await copyRows(
    client,
    'permit',
    ['credit_code', 'permit_no', 'valid_from', 'valid_to', 'status'],
    province.permit.flatMap((p) => p.permits.map((x) => [p.creditCode, x.permitNo, x.validFrom, x.validTo, x.status] as Cell[])),
  );
  const latest = new Map(province.enforcement.map((r) => [r.record_id, r]));
  counts.enforcement = await copyRows(
    client,
    'enforcement_record',
    ['record_id', 'credit_code', 'kind', 'event_date', 'finding', 'measure_type', 'status', 'modified_at'],
    [...latest.values()].map((r) => [r.record_id, r.credit_code, r.kind, r.date, r.finding ?? null, r.measure_type ?? null, r.status, r.modified_at]),
  );
  counts.penalty = await copyRows(
    client,
    'penalty',
    ['case_no', 'credit_code', 'decision_date', 'amount', 'daily_consecutive', 'status', 'modified_at'],
    province.penalty.map((p) => [p.caseNo, p.creditCode, p.decisionDate, p.amount, p.dailyConsecutive, p.status, p.modifiedAt]),
  );
  const mon = province.monitoring;
  counts.monitoring = await copyRows(
    client,
    'monitoring_day',
    ['credit_code', 'outlet_code', 'pollutant_code', 'day', 'valid_hours', 'exceed_hours', 'daily_mean', 'limit_value', 'unit'],
    (function* () {
      for (const date of mon.dates()) {
        for (const r of mon.rowsFor(dateToDay(date)!))
          yield [r.creditCode, r.outletCode, r.pollutantCode, r.date, r.validHours, r.exceedHours, r.dailyMean, r.limit, r.unit];
      }
    })(),
  );
  if (opts.credit) {
    counts.credit = await copyRows(
      client,
      'credit_rating',
      ['credit_code', 'connector_id', 'level', 'rated_on', 'source_updated_at'],
      province.credit.map((c) => [c.uscc, 'credit-rating', CREDIT_LEVEL[c.level], c.ratedOn, c.updatedAt]),
    );
  }
  return counts;
}
