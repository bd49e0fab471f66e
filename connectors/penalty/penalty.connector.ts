import { FetchContext, SourceConnector } from '../../src/connectors/connector.types';
import { chinaDateOf } from '../../src/domain/china-date';
import { assertUtf8, parseCsvObjects } from './penalty-csv.parser';
import { PENALTY_EXPORT_PATH, fetchPenaltyWindows } from './penalty.client';
import { mapPenaltyRow } from './penalty.mapper';
import { PENALTY_HEADERS } from './penalty.types';

/**
 * The penalty system (行政处罚): a CSV export by modification window (at most
 * 31 days), UTF-8 with a byte-order mark and Chinese headers.
 */
export const penaltyConnector: SourceConnector = {
  manifest: {
    id: 'penalty',
    kind: 'code',
    title: '行政处罚系统 (penalty system)',
    owner: 'Provincial Department of Ecology and Environment — legal affairs division',
    schedule: '5 * * * *',
    produces: ['penalty'],
    volume: 'low',
    config: [
      { name: 'baseUrl', type: 'url', description: 'Base URL of the penalty system; defaults to HUB_SOURCES_URL' },
      {
        name: 'startDate',
        type: 'string',
        description: "First modification date the source holds (YYYY-MM-DD); without it a first run starts at the active rule set's window",
      },
      { name: 'overlapDays', type: 'integer', description: 'Days before the watermark every run re-reads (late entries)', default: 1 },
      { name: 'chunkSize', type: 'integer', description: 'Rows stored per transaction', default: 5000 },
    ],
  },
  async check(ctx: FetchContext) {
    const today = chinaDateOf(ctx.now);
    try {
      const body = await ctx.http.getBytes(`${ctx.baseUrl}${PENALTY_EXPORT_PATH}`, { modifiedFrom: today, modifiedTo: today });
      assertUtf8(body, 'penalty export');
      const { headers, rows } = await parseCsvObjects(body);
      const missing = PENALTY_HEADERS.filter((h) => !headers.includes(h));
      if (missing.length) return { ok: false, message: `penalty export lacks column(s) ${missing.join(', ')}`, details: { headers } };
      return {
        ok: true,
        message: `penalty export reachable; ${rows.length} case(s) modified today`,
        details: { bom: body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf, headers },
      };
    } catch (e) {
      return { ok: false, message: `penalty system unreachable: ${(e as Error).message}` };
    }
  },
  fetch: fetchPenaltyWindows,
  map: (native) => mapPenaltyRow(native),
};
