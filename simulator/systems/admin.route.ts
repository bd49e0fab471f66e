/**
 * Admin API of the simulator (JSON): live record changes, statistics, faults.
 *
 * - `POST /admin/records/<system>` body: array of records in fixture format → upsert counts
 * - `GET /admin/stats` → record counts per system and the fault configuration
 * - `GET /admin/faults`, `PUT /admin/faults` (replace), `PATCH /admin/faults` (merge)
 * - `GET /admin/malformed` → ids of the records currently served malformed, per system
 * - `GET /admin/truth` → `{records: [{system, recordId, creditCode, variant}]}`: the enterprise each
 *   record made noisy by `--identity-noise` really names (empty without noise)
 * - `POST /admin/inspections` body: `[{creditCode, date}]`, a work list → the enforcement system
 *   records an inspection of each, its finding following the enterprise's hidden profile → `{records}`
 */
import { BadRequest, json, type RouteContext, type SimResponse } from '../http-kit';
import { SYSTEM_NAMES, recordId, type SystemName } from '../source-record.types';
import { type InspectionOrder, performInspections } from '../enforcement-work';

/** Ids of the records that the current fault configuration serves malformed, per system. */
export function malformedIds(ctx: Pick<RouteContext, 'store' | 'faults'>): Record<SystemName, string[]> {
  const { store, faults } = ctx;
  const out: Record<SystemName, string[]> = { permit: [], enforcement: [], penalty: [], monitoring: [], credit: [] };
  if (faults.config.malformedRate === 0 || faults.config.omitMalformed) return out;
  const pick = (system: SystemName, records: Iterable<object>): void => {
    const seen = new Set<string>();
    for (const r of records) {
      const id = recordId(system, r as Record<string, unknown>);
      if (!seen.has(id) && faults.isMalformed(system, id)) out[system].push(id);
      seen.add(id);
    }
  };
  pick('permit', store.permitView().records);
  pick('enforcement', store.enforcementView());
  pick('penalty', store.penaltyView().records);
  for (const date of store.monitoringDates()) pick('monitoring', store.monitoringRowsFor(date));
  pick('credit', store.creditView().records);
  return out;
}

/** Handles `/admin/...`; returns null when the path is not an admin path. */
export function adminRoute(ctx: RouteContext): SimResponse | null {
  const { method, url, store, faults, body } = ctx;
  const path = url.pathname.replace(/\/+$/, '');
  const records = /^\/admin\/records\/([a-z]+)$/.exec(path);
  if (records) {
    if (method !== 'POST') return json(405, { error: `use POST on ${path}` }, { allow: 'POST' });
    const system = records[1] as SystemName;
    if (!SYSTEM_NAMES.includes(system)) throw new BadRequest(`system '${records[1]}' is unknown; valid: ${SYSTEM_NAMES.join(', ')}`);
    try {
      return json(200, store.upsert(system, body));
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  if (path === '/admin/stats' && method === 'GET') {
    return json(200, { counts: store.counts(), faults: faults.config, monitoringDates: store.monitoringDates() });
  }
  if (path === '/admin/faults') {
    try {
      if (method === 'GET') return json(200, faults.config);
      if (method === 'PUT') return json(200, faults.replace(body ?? {}));
      if (method === 'PATCH') return json(200, faults.merge(body ?? {}));
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
    return json(405, { error: 'use GET, PUT or PATCH on /admin/faults' }, { allow: 'GET, PUT, PATCH' });
  }
  if (path === '/admin/malformed' && method === 'GET') return json(200, malformedIds(ctx));
  if (path === '/admin/truth' && method === 'GET') return json(200, { records: store.truth });
  if (path === '/admin/inspections') {
    if (method !== 'POST') return json(405, { error: `use POST on ${path}` }, { allow: 'POST' });
    if (!Array.isArray(body)) throw new BadRequest('body must be a JSON array of {creditCode, date}');
    try {
      return json(200, { records: performInspections(store, body as InspectionOrder[]) });
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  return null;
}
