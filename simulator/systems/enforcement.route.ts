/**
 * Enforcement system (环境执法): `GET /enforcement/api/records?cursor=&limit=`
 * → `{records, next_cursor, has_more}`, replaying the change log from an opaque cursor.
 */
import { BadRequest, intParam, json, type RouteHandler } from '../http-kit';

/** Path of the enforcement API. */
export const ENFORCEMENT_PATH = '/enforcement/api/records';

interface Cursor {
  /** Offset of the next entry to serve. */
  end: number;
  /** Offset where the previous batch started (its duplicated records are repeated). */
  start: number;
}

/** Encodes a cursor (opaque to clients). */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`v1:${c.end}:${c.start}`).toString('base64url');
}

function decodeCursor(raw: string | null, logLength: number): Cursor {
  if (raw === null || raw === '') return { end: 0, start: 0 };
  const m = /^v1:(\d+):(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw new BadRequest(`cursor '${raw}' is not a cursor this system issued`);
  const end = Number(m[1]);
  const start = Number(m[2]);
  if (start > end || end > logLength) throw new BadRequest(`cursor '${raw}' points past the end of the change feed`);
  return { end, start };
}

/** Serves one batch of the change feed. */
export const enforcementRoute: RouteHandler = ({ url, store, faults }) => {
  const q = url.searchParams;
  const limit = intParam(q, 'limit', 500, 1, 2000);
  const log = faults.servedList('enforcement', 'enforcement', store.versions.enforcement, store.enforcementView());
  const cursor = decodeCursor(q.get('cursor'), log.length);
  const batch = log.slice(cursor.end, cursor.end + limit);
  // At the end of the feed the cursor stays put, so a client can poll it for later changes.
  const repeated = batch.length ? log.slice(cursor.start, cursor.end).filter((r) => faults.isDuplicated('enforcement', r.record_id)) : [];
  const end = cursor.end + batch.length;
  return json(200, {
    records: [...repeated, ...batch].map((r) => faults.serve('enforcement', r)),
    next_cursor: encodeCursor(batch.length ? { end, start: cursor.end } : cursor),
    has_more: end < log.length,
  });
};
