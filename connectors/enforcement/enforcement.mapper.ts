import { MappingError } from '../../src/connectors/connector.types';
import { EnforcementData, RecordIdentity, UnifiedRecord } from '../../src/connectors/unified-record';
import { EnforcementNativeRecord } from './enforcement.types';

/**
 * Maps an enforcement-system record (inspection or measure) onto the unified
 * `enforcement` record. Pure. A `WITHDRAWN` record is kept as such: it stays
 * in the store and the scoring engine deducts nothing for it.
 */
export function mapEnforcementRecord(native: unknown): UnifiedRecord<'enforcement'> {
  if (!native || typeof native !== 'object' || Array.isArray(native)) throw new MappingError('enforcement record is not a JSON object');
  const n = native as EnforcementNativeRecord;
  if (typeof n.record_id !== 'string' || n.record_id === '')
    throw new MappingError(`field 'record_id' is missing or not a string: ${JSON.stringify(n.record_id)}`);
  return {
    kind: 'enforcement',
    creditCode: n.credit_code,
    sourceId: n.record_id,
    data: {
      recordId: n.record_id,
      kind: n.kind,
      date: n.date,
      finding: n.kind === 'INSPECTION' ? (n.finding ?? null) : null,
      measureType: n.kind === 'MEASURE' ? (n.measure_type ?? null) : null,
      status: n.status,
      modifiedAt: n.modified_at,
    } as EnforcementData,
    ...identityOf(n),
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The optional identity fields of older offices (entity resolution links the record by them); nothing when none is set. */
function identityOf(n: EnforcementNativeRecord): { identity?: RecordIdentity } {
  const identity: RecordIdentity = {};
  if (text(n.enterprise_name)) identity.name = n.enterprise_name;
  if (text(n.org_code)) identity.orgCode = n.org_code;
  if (text(n.permit_no)) identity.permitNo = n.permit_no;
  if (text(n.registration_no)) identity.registrationNo = n.registration_no;
  if (text(n.division_code)) identity.divisionCode = n.division_code;
  if (text(n.enterprise_address)) identity.address = n.enterprise_address;
  return Object.keys(identity).length ? { identity } : {};
}
