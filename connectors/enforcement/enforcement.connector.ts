import { FetchContext, SourceConnector } from '../../src/connectors/connector.types';
import { ENFORCEMENT_FEED_PATH, fetchEnforcementBatches } from './enforcement.client';
import { mapEnforcementRecord } from './enforcement.mapper';
import { EnforcementBatch } from './enforcement.types';

/**
 * The enforcement system (环境执法): inspections and measures from a change
 * feed with an opaque cursor; the same record may arrive many times, the
 * latest version wins.
 */
export const enforcementConnector: SourceConnector = {
  manifest: {
    id: 'enforcement',
    kind: 'code',
    title: '环境执法系统 (enforcement system)',
    owner: 'Provincial Department of Ecology and Environment — enforcement bureau',
    schedule: '*/10 * * * *',
    produces: ['enforcement'],
    volume: 'medium',
    config: [
      { name: 'baseUrl', type: 'url', description: 'Base URL of the enforcement system; defaults to HUB_SOURCES_URL' },
      { name: 'limit', type: 'integer', description: 'Feed entries per batch (1–2000)', default: 2000 },
    ],
  },
  async check(ctx: FetchContext) {
    try {
      const body = await ctx.http.getJson<EnforcementBatch>(`${ctx.baseUrl}${ENFORCEMENT_FEED_PATH}`, { cursor: '', limit: 1 });
      if (!Array.isArray(body?.records) || typeof body.next_cursor !== 'string')
        return { ok: false, message: 'enforcement system answered without records/next_cursor' };
      return { ok: true, message: `enforcement change feed reachable${body.has_more ? ' and has entries' : ''}`, details: { hasMore: body.has_more } };
    } catch (e) {
      return { ok: false, message: `enforcement system unreachable: ${(e as Error).message}` };
    }
  },
  fetch: fetchEnforcementBatches,
  map: (native) => mapEnforcementRecord(native),
};
