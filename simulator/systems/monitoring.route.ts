/**
 * Online monitoring platform (在线监测): `GET /monitoring/api/daily?date=&page=&size=`
 * → `{date, page, size, total, rows}`, rows ordered by creditCode, outletCode, pollutantCode.
 */
import { dateToDay } from '../china-time';
import { BadRequest, intParam, json, type RouteHandler } from '../http-kit';
import { recordId } from '../source-record.types';

/** Path of the monitoring API. */
export const MONITORING_PATH = '/monitoring/api/daily';

/** Serves one page of a date's daily summaries. */
export const monitoringRoute: RouteHandler = ({ url, store, faults }) => {
  const q = url.searchParams;
  const date = q.get('date');
  if (date === null || date === '') throw new BadRequest('date is required (a date YYYY-MM-DD)');
  if (dateToDay(date) === null) throw new BadRequest(`date must be a date YYYY-MM-DD, got '${date}'`);
  const page = intParam(q, 'page', 1, 1, 1_000_000_000);
  const size = intParam(q, 'size', 1000, 1, 5000);
  const all = faults.servedList('monitoring', `monitoring|${date}`, store.versions.monitoring, store.monitoringRowsFor(date));
  const offset = (page - 1) * size;
  const rows = all.slice(offset, offset + size);
  const repeated =
    page > 1
      ? all
          .slice(Math.max(0, offset - size), Math.min(offset, all.length))
          .filter((r) => faults.isDuplicated('monitoring', recordId('monitoring', r as unknown as Record<string, unknown>)))
      : [];
  return json(200, { date, page, size, total: all.length, rows: [...repeated, ...rows].map((r) => faults.serve('monitoring', r)) });
};
