/**
 * Credit evaluation system (环境信用评价): `GET /credit/ratings?updatedAfter=`
 * → a bare JSON array of ratings with updatedAt strictly after `updatedAfter`, ordered by updatedAt.
 */
import { parseInstant } from '../china-time';
import { BadRequest, json, type RouteHandler } from '../http-kit';
import { lowerBound } from '../source-data.store';

/** Path of the credit API. */
export const CREDIT_PATH = '/credit/ratings';

/** Serves the ratings changed after a time (all when absent). */
export const creditRoute: RouteHandler = ({ url, store, faults }) => {
  const after = url.searchParams.get('updatedAfter');
  let afterMs: number | null = null;
  if (after !== null && after !== '') {
    afterMs = parseInstant(after);
    if (afterMs === null) throw new BadRequest(`updatedAfter must be an ISO 8601 time such as 2026-11-01T08:00:00+08:00, got '${after}'`);
  }
  const view = faults.servedView('credit', store.versions.credit, store.creditView());
  const items = view.records.slice(afterMs === null ? 0 : lowerBound(view.keys, afterMs, true));
  const repeated = items.filter((r) => faults.isDuplicated('credit', r.uscc));
  return json(
    200,
    [...items, ...repeated].map((r) => faults.serve('credit', r)),
  );
};
