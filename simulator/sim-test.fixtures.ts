/**
 * Test helpers of the simulator's specs: a small hand-made data folder whose
 * records exercise the edge cases of each API (ties, zones, CSV quoting).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCheckChar } from '../src/domain/credit-code';

/** A valid credit code registered in `division`, distinguished by `n`. */
export function code(n: number, division = '370102'): string {
  return withCheckChar(`91${division}MA${String(n).padStart(7, '0')}`);
}

/** Codes used by the fixtures. */
export const C = [1, 2, 3, 4, 5].map((n) => code(n));

function permit(c: string, updatedAt: string, name = '济南测试化工有限公司'): object {
  return {
    creditCode: c,
    name,
    divisionCode: '370102',
    address: '山东省济南市历下区工业路1号',
    longitude: 117.05,
    latitude: 36.67,
    industryCode: 'C2614',
    supervisionLevel: 'GENERAL',
    managementClass: 'SIMPLIFIED',
    basin: 'XIAOQING_RIVER',
    pollutionTypes: ['AIR'],
    airSources: ['VOCS'],
    monitoringFacilities: [],
    permits: [{ permitNo: `${c}001P`, validFrom: '2024-01-01', validTo: '2028-12-31', status: 'VALID' }],
    updatedAt,
  };
}

/** The fixture records, per system. */
export const FIXTURES = {
  permit: [
    permit(C[2], '2026-11-02T09:00:00+08:00'),
    permit(C[1], '2026-11-01T08:00:00+08:00', '济南"鲁星",化工有限公司'),
    permit(C[0], '2026-11-01T00:00:00Z'), // same instant as C[1]: tie broken by creditCode
    permit(C[3], '2026-10-01T08:00:00+08:00'),
  ],
  enforcement: [
    {
      record_id: 'ENF-2026-000002',
      kind: 'MEASURE',
      credit_code: C[0],
      date: '2026-10-02',
      measure_type: 'SEAL_SEIZE',
      status: 'ACTIVE',
      modified_at: '2026-10-02T10:00:00+08:00',
    },
    {
      record_id: 'ENF-2026-000001',
      kind: 'INSPECTION',
      credit_code: C[0],
      date: '2026-10-01',
      finding: 'VIOLATION',
      status: 'ACTIVE',
      modified_at: '2026-10-01T10:00:00+08:00',
    },
    {
      record_id: 'ENF-2026-000002',
      kind: 'MEASURE',
      credit_code: C[0],
      date: '2026-10-02',
      measure_type: 'SEAL_SEIZE',
      status: 'WITHDRAWN',
      modified_at: '2026-10-20T10:00:00+08:00',
    },
    {
      record_id: 'ENF-2026-000003',
      kind: 'INSPECTION',
      credit_code: C[1],
      date: '2026-10-03',
      finding: 'NONE',
      status: 'ACTIVE',
      modified_at: '2026-10-03T10:00:00+08:00',
    },
    {
      record_id: 'ENF-2026-000004',
      kind: 'MEASURE',
      credit_code: C[2],
      date: '2026-10-04',
      measure_type: 'ORDER_CORRECTION',
      status: 'ACTIVE',
      modified_at: '2026-10-04T10:00:00+08:00',
    },
  ],
  penalty: [
    {
      caseNo: '鲁环罚〔2026〕12号',
      creditCode: C[0],
      decisionDate: '2026-10-10',
      amount: 125000,
      dailyConsecutive: false,
      status: 'DECIDED',
      modifiedAt: '2026-10-10T09:00:00+08:00',
    },
    {
      caseNo: '鲁环罚〔2026〕13号,附"补正"',
      creditCode: C[1],
      decisionDate: '2026-10-11',
      amount: 1200000.5,
      dailyConsecutive: true,
      status: 'EXECUTED',
      modifiedAt: '2026-10-31T23:30:00+08:00',
    },
    {
      caseNo: '鲁环罚〔2026〕14号',
      creditCode: C[2],
      decisionDate: '2026-10-12',
      amount: 5000,
      dailyConsecutive: false,
      status: 'REVOKED',
      modifiedAt: '2026-10-31T17:30:00Z',
    },
    {
      caseNo: '鲁环罚〔2026〕15号',
      creditCode: C[3],
      decisionDate: '2026-09-30',
      amount: 80000,
      dailyConsecutive: false,
      status: 'FILED',
      modifiedAt: '2026-10-01T00:10:00+08:00',
    },
  ],
  monitoring: [
    {
      creditCode: C[1],
      outletCode: 'DW001',
      date: '2026-11-01',
      pollutantCode: 'w21003',
      validHours: 24,
      exceedHours: 0,
      dailyMean: 3.1,
      limit: 8,
      unit: 'mg/L',
    },
    {
      creditCode: C[0],
      outletCode: 'DA001',
      date: '2026-11-01',
      pollutantCode: 'a21026',
      validHours: 24,
      exceedHours: 2,
      dailyMean: 55.2,
      limit: 50,
      unit: 'mg/m3',
    },
    {
      creditCode: C[0],
      outletCode: 'DA001',
      date: '2026-11-01',
      pollutantCode: 'a21002',
      validHours: 24,
      exceedHours: 0,
      dailyMean: 40,
      limit: 100,
      unit: 'mg/m3',
    },
    {
      creditCode: C[0],
      outletCode: 'DA001',
      date: '2026-11-02',
      pollutantCode: 'a21026',
      validHours: 12,
      exceedHours: 0,
      dailyMean: 20,
      limit: 50,
      unit: 'mg/m3',
    },
  ],
  credit: [
    { uscc: C[0], level: '黄标', ratedOn: '2026-02-01', updatedAt: '2026-02-01T10:00:00+08:00' },
    { uscc: C[1], level: '绿标', ratedOn: '2026-02-01', updatedAt: '2026-02-02T10:00:00+08:00' },
    { uscc: C[2], level: '黑标', ratedOn: '2026-03-01', updatedAt: '2026-03-01T10:00:00+08:00' },
  ],
};

/** Writes the fixtures into a fresh temporary data folder (without credit.json when asked). */
export function writeFixtureDir(opts: { withoutCredit?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-fixtures-'));
  for (const [system, records] of Object.entries(FIXTURES)) {
    if (system === 'credit' && opts.withoutCredit) continue;
    writeFileSync(join(dir, `${system}.json`), JSON.stringify(records, null, 2));
  }
  return dir;
}
