import { withCheckChar } from '../domain/credit-code';
import { isCalendarDate, isZonedDateTime, validateRecord } from './record-validator';
import { UnifiedRecord } from '../connectors/unified-record';

const code = withCheckChar('91370102MA3C4R5X2');
const ctx = { divisionCodes: new Set(['370102']) };

describe('record validator', () => {
  it('knows real calendar dates and zoned times', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-12-31')).toBe(true);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-00-10')).toBe(false);
    expect(isCalendarDate('2026-01-00')).toBe(false);
    expect(isZonedDateTime('2026-03-02T10:00:00+08:00')).toBe(true);
    expect(isZonedDateTime('2026-03-02T10:00:00')).toBe(false);
  });

  it('accepts a good penalty and names each problem of a bad one', () => {
    const good: UnifiedRecord = { kind: 'penalty', creditCode: code, sourceId: 'P1', data: { caseNo: 'P1', decisionDate: '2026-04-10', amount: 125000, dailyConsecutive: false, status: 'DECIDED', modifiedAt: '2026-04-10T09:00:00+08:00' } };
    expect(validateRecord(good, ctx)).toEqual([]);
    const bad = { ...good, data: { ...good.data, amount: 'abc', decisionDate: '2026-13-01', status: 'PAID' } } as unknown as UnifiedRecord;
    const problems = validateRecord(bad, ctx);
    expect(problems).toEqual([
      `field 'decisionDate' is not a real date (YYYY-MM-DD): "2026-13-01"`,
      `field 'amount' must be a number, got string "abc"`,
      `field 'status' must be one of FILED|DECIDED|EXECUTED|REVOKED, got "PAID"`,
    ]);
  });

  it('requires the fields of each kind', () => {
    const rec = { kind: 'monitoring', creditCode: code, sourceId: 'x', data: { outletCode: 'DA001', date: '2026-11-01', validHours: 25, exceedHours: 1.5 } } as unknown as UnifiedRecord;
    const problems = validateRecord(rec, ctx);
    expect(problems).toContain(`missing required field 'pollutantCode'`);
    expect(problems).toContain(`field 'validHours' must be at most 24, got 25`);
    expect(problems).toContain(`field 'exceedHours' must be a whole number, got 1.5`);
  });

  it('checks enterprise divisions and permit periods', () => {
    const rec: UnifiedRecord = { kind: 'enterprise', creditCode: code, sourceId: code, data: { name: 'x', divisionCode: '370199', pollutionTypes: [], airSources: [], monitoringFacilities: [], permits: [{ permitNo: 'A', validFrom: '2026-01-02', validTo: '2026-01-01', status: 'VALID' }] } };
    const problems = validateRecord(rec, ctx);
    expect(problems).toContain(`field 'divisionCode' is not a known division code: "370199"`);
    expect(problems).toContain('permits[0] is valid from 2026-01-02 after it ends on 2026-01-01');
  });
});
