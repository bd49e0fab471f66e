/**
 * Penalty system (行政处罚): `GET /penalty/export.csv?modifiedFrom=&modifiedTo=`
 * → UTF-8 CSV with a byte-order mark and a Chinese header, the cases whose
 * modification date (China time) lies in the inclusive window of at most 31 days.
 */
import { dateToDay } from '../china-time';
import { BadRequest, type RouteHandler } from '../http-kit';
import { chinaDayRange, lowerBound } from '../source-data.store';

/** Path of the penalty export. */
export const PENALTY_PATH = '/penalty/export.csv';

/** Header row of the export. */
export const PENALTY_CSV_HEADER = '案件编号,统一社会信用代码,决定日期,罚款金额,按日连续处罚,状态,修改时间';

/** The party-name column, appended to the header when any case in the system carries a party name. */
export const PENALTY_PARTY_NAME_HEADER = '当事人名称';

/** Longest window, in days (inclusive of both ends). */
export const PENALTY_MAX_WINDOW_DAYS = 31;

const STATUS_LABEL: Record<string, string> = { FILED: '已立案', DECIDED: '已决定', EXECUTED: '已执行', REVOKED: '已撤销' };

/** Quotes a CSV field per RFC 4180 when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** One CSV line (without line break) of a penalty record as served; `withPartyName` adds the 当事人名称 cell. */
export function penaltyCsvLine(r: Record<string, unknown>, withPartyName = false): string {
  const amount = typeof r.amount === 'number' ? r.amount.toFixed(2) : text(r.amount);
  const daily = r.dailyConsecutive === true ? '是' : r.dailyConsecutive === false ? '否' : text(r.dailyConsecutive);
  const status = STATUS_LABEL[text(r.status)] ?? text(r.status);
  const cells = [text(r.caseNo), text(r.creditCode), text(r.decisionDate), amount, daily, status, text(r.modifiedAt)];
  if (withPartyName) cells.push(text(r.partyName));
  return cells.map(csvField).join(',');
}

function dateParam(q: URLSearchParams, name: string): number {
  const raw = q.get(name);
  if (raw === null || raw === '') throw new BadRequest(`${name} is required (a date YYYY-MM-DD)`);
  const day = dateToDay(raw);
  if (day === null) throw new BadRequest(`${name} must be a date YYYY-MM-DD, got '${raw}'`);
  return day;
}

/** Serves the CSV export of a modification window. */
export const penaltyRoute: RouteHandler = ({ url, store, faults }) => {
  const q = url.searchParams;
  const from = dateParam(q, 'modifiedFrom');
  const to = dateParam(q, 'modifiedTo');
  if (to < from) throw new BadRequest('modifiedTo must not be before modifiedFrom');
  const days = to - from + 1;
  if (days > PENALTY_MAX_WINDOW_DAYS) {
    throw new BadRequest(`modifiedFrom..modifiedTo spans ${days} days; the window is at most ${PENALTY_MAX_WINDOW_DAYS} days`);
  }
  const view = faults.servedView('penalty', store.versions.penalty, store.penaltyView());
  const [startMs, endMs] = chinaDayRange(from, to);
  const rows = view.records.slice(lowerBound(view.keys, startMs), lowerBound(view.keys, endMs));
  const repeated = rows.filter((r) => faults.isDuplicated('penalty', r.caseNo));
  const withPartyName = store.penaltyHasPartyNames();
  const lines = [withPartyName ? `${PENALTY_CSV_HEADER},${PENALTY_PARTY_NAME_HEADER}` : PENALTY_CSV_HEADER];
  for (const r of [...rows, ...repeated]) lines.push(penaltyCsvLine(faults.serve('penalty', r) as unknown as Record<string, unknown>, withPartyName));
  return {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="penalty-export.csv"' },
    body: Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8'),
  };
};
