import { MappingError } from '../../src/connectors/connector.types';
import { UnifiedRecord } from '../../src/connectors/unified-record';
import { MonitoringNativeRow } from './monitoring.types';

/** The source id of a daily row: creditCode/outletCode/pollutantCode/date. */
export function monitoringSourceId(r: Pick<MonitoringNativeRow, 'creditCode' | 'outletCode' | 'pollutantCode' | 'date'>): string {
  return `${r.creditCode}/${r.outletCode}/${r.pollutantCode}/${r.date}`;
}

/**
 * Maps a daily summary row onto the unified `monitoring` record. Pure. The
 * identity fields must be strings (they make the source id); the measured
 * values pass through for the ingest validator to judge.
 */
export function mapMonitoringRow(native: unknown): UnifiedRecord<'monitoring'> {
  if (!native || typeof native !== 'object' || Array.isArray(native)) throw new MappingError('monitoring row is not a JSON object');
  const n = native as MonitoringNativeRow;
  for (const f of ['creditCode', 'outletCode', 'pollutantCode', 'date'] as const) {
    if (typeof n[f] !== 'string' || n[f] === '') throw new MappingError(`field '${f}' is missing or not a string: ${JSON.stringify(n[f] ?? null)}`);
  }
  return {
    kind: 'monitoring',
    creditCode: n.creditCode,
    sourceId: monitoringSourceId(n),
    data: {
      outletCode: n.outletCode,
      pollutantCode: n.pollutantCode,
      date: n.date,
      validHours: n.validHours,
      exceedHours: n.exceedHours,
      dailyMean: n.dailyMean ?? null,
      limit: n.limit ?? null,
      unit: n.unit ?? null,
    },
  };
}
