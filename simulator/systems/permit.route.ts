/**
 * Permit system (排污许可): `GET /permit/api/v1/enterprises?updatedSince=&page=&pageSize=`
 * → `{total, page, pageSize, items}` ordered by updatedAt then creditCode;
 * `updatedSince` inclusive, compared as instants.
 */
import { parseInstant } from '../china-time';
import { BadRequest, intParam, json, type RouteHandler } from '../http-kit';
import { lowerBound } from '../source-data.store';

/** Path of the permit API. */
export const PERMIT_PATH = '/permit/api/v1/enterprises';

/** Serves one page of enterprises. */
export const permitRoute: RouteHandler = ({ url, store, faults }) => {
  const q = url.searchParams;
  const since = q.get('updatedSince');
  let sinceMs: number | null = null;
  if (since !== null && since !== '') {
    sinceMs = parseInstant(since);
    if (sinceMs === null) throw new BadRequest(`updatedSince must be an ISO 8601 time such as 2026-11-01T08:00:00+08:00, got '${since}'`);
  }
  const page = intParam(q, 'page', 1, 1, 1_000_000_000);
  const pageSize = intParam(q, 'pageSize', 100, 1, 1000);
  const view = faults.servedView('permit', store.versions.permit, store.permitView());
  const start = sinceMs === null ? 0 : lowerBound(view.keys, sinceMs);
  const total = view.records.length - start;
  const offset = start + (page - 1) * pageSize;
  const items = view.records.slice(offset, offset + pageSize);
  const repeated =
    page > 1
      ? view.records.slice(Math.max(start, offset - pageSize), Math.min(offset, view.records.length)).filter((r) => faults.isDuplicated('permit', r.creditCode))
      : [];
  return json(200, { total, page, pageSize, items: [...repeated, ...items].map((r) => faults.serve('permit', r)) });
};
