/**
 * A permit-system record of a small test enterprise in 370102 (general supervision,
 * simplified management, air, no permits), for the simulator's admin API; `extra`
 * overrides fields.
 */
export function minimalPermitRecord(creditCode: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    creditCode,
    name,
    divisionCode: '370102',
    industryCode: 'C2614',
    supervisionLevel: 'GENERAL',
    managementClass: 'SIMPLIFIED',
    basin: 'YELLOW_RIVER',
    pollutionTypes: ['AIR'],
    airSources: [],
    monitoringFacilities: [],
    permits: [],
    ...extra,
  };
}
