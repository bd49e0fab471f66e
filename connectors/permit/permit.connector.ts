import { FetchContext, SourceConnector } from '../../src/connectors/connector.types';
import { fetchPermitPages } from './permit.client';
import { mapPermitRecord } from './permit.mapper';
import { PermitPage } from './permit.types';

/**
 * The permit system (排污许可): enterprise master data and permits, by page
 * number, filtered by an `updatedSince` watermark.
 */
export const permitConnector: SourceConnector = {
  manifest: {
    id: 'permit',
    kind: 'code',
    title: '排污许可管理信息平台 (permit system)',
    owner: 'Provincial Department of Ecology and Environment — permit division',
    schedule: '*/15 * * * *',
    produces: ['enterprise'],
    volume: 'medium',
    config: [
      { name: 'baseUrl', type: 'url', description: 'Base URL of the permit system; defaults to HUB_SOURCES_URL' },
      { name: 'pageSize', type: 'integer', description: 'Records per page (1–1000)', default: 1000 },
      { name: 'overlapSeconds', type: 'integer', description: 'How far before the watermark each run starts re-reading', default: 300 },
    ],
  },
  async check(ctx: FetchContext) {
    try {
      const body = await ctx.http.getJson<PermitPage>(`${ctx.baseUrl}/permit/api/v1/enterprises`, { page: 1, pageSize: 1 });
      return { ok: true, message: `permit system reachable; it holds ${body.total} enterprises`, details: { total: body.total } };
    } catch (e) {
      return { ok: false, message: `permit system unreachable: ${(e as Error).message}` };
    }
  },
  fetch: fetchPermitPages,
  map: (native) => mapPermitRecord(native),
};
