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

/**
 * A permit-system record of a KEY-managed (重点管理) power enterprise (D4411, 工业路1号) in the county of its
 * credit code (general supervision, air, no permits), as the scoring and resolution tests post it; `extra`
 * overrides fields (its permits, its `updatedAt`).
 */
export function keyPermitRecord(creditCode: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return minimalPermitRecord(creditCode, name, {
    divisionCode: creditCode.slice(2, 8),
    address: '工业路1号',
    industryCode: 'D4411',
    managementClass: 'KEY',
    ...extra,
  });
}
