import { FetchContext, SourceConnector } from '../../src/connectors/connector.types';
import { addDays, chinaDateOf } from '../../src/domain/china-date';
import { MONITORING_DAILY_PATH, fetchMonitoringDays } from './monitoring.client';
import { mapMonitoringRow } from './monitoring.mapper';
import { MonitoringPage } from './monitoring.types';

/**
 * The online monitoring platform (在线监测): daily summaries per outlet and
 * pollutant, paged by date; recent dates are re-read because rows are revised late.
 * How far back it reads comes from the runner (the active rule set's window),
 * never from a constant of its own.
 */
export const monitoringConnector: SourceConnector = {
  manifest: {
    id: 'monitoring',
    kind: 'code',
    title: '污染源自动监控平台 (online monitoring platform)',
    owner: 'Provincial Environmental Monitoring Centre',
    schedule: '20 */2 * * *',
    produces: ['monitoring'],
    volume: 'high',
    config: [
      { name: 'baseUrl', type: 'url', description: 'Base URL of the monitoring platform; defaults to HUB_SOURCES_URL' },
      {
        name: 'rereadDays',
        type: 'integer',
        description: 'Dates up to the last complete one re-read on every run; also the overlap read before the history window',
        default: 3,
      },
      { name: 'pageSize', type: 'integer', description: 'Rows per page (1–5000)', default: 5000 },
    ],
  },
  async check(ctx: FetchContext) {
    const yesterday = addDays(chinaDateOf(ctx.now), -1);
    try {
      const body = await ctx.http.getJson<MonitoringPage>(`${ctx.baseUrl}${MONITORING_DAILY_PATH}`, { date: yesterday, page: 1, size: 1 });
      if (typeof body?.total !== 'number') return { ok: false, message: 'monitoring platform answered without a total' };
      return { ok: true, message: `monitoring platform reachable; ${body.total} rows for ${yesterday}`, details: { date: yesterday, total: body.total } };
    } catch (e) {
      return { ok: false, message: `monitoring platform unreachable: ${(e as Error).message}` };
    }
  },
  fetch: fetchMonitoringDays,
  map: (native) => mapMonitoringRow(native),
};
