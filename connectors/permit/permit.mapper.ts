import { MappingError } from '../../src/connectors/connector.types';
import { UnifiedRecord } from '../../src/connectors/unified-record';
import { PermitNativeRecord } from './permit.types';

/**
 * Maps a permit-system record onto the unified `enterprise` record. Pure: no
 * I/O, no clock. Values pass through as sent; the ingest validator judges them.
 */
export function mapPermitRecord(native: unknown): UnifiedRecord<'enterprise'> {
  if (!native || typeof native !== 'object' || Array.isArray(native)) throw new MappingError('permit record is not a JSON object');
  const n = native as PermitNativeRecord;
  return {
    kind: 'enterprise',
    creditCode: n.creditCode,
    sourceId: n.creditCode,
    data: {
      name: n.name,
      divisionCode: n.divisionCode,
      address: n.address ?? null,
      // Only some enterprises have an old registration number on file.
      ...(n.registrationNo ? { registrationNo: n.registrationNo } : {}),
      longitude: n.longitude ?? null,
      latitude: n.latitude ?? null,
      industryCode: n.industryCode ?? null,
      supervisionLevel: (n.supervisionLevel ?? null) as UnifiedRecord<'enterprise'>['data']['supervisionLevel'],
      managementClass: (n.managementClass ?? null) as UnifiedRecord<'enterprise'>['data']['managementClass'],
      basin: (n.basin ?? null) as UnifiedRecord<'enterprise'>['data']['basin'],
      pollutionTypes: n.pollutionTypes ?? [],
      airSources: n.airSources ?? [],
      monitoringFacilities: n.monitoringFacilities ?? [],
      permits: (n.permits ?? []) as UnifiedRecord<'enterprise'>['data']['permits'],
      updatedAt: n.updatedAt ?? null,
    },
  };
}
