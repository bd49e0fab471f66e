import { withCheckChar } from '../domain/credit-code';
import { isCalendarDate } from '../domain/china-date';
import { descriptorOf } from './record-descriptors';
import { isZonedDateTime, storablePayload, storageProblems, unstorableText, validateRecord } from './record-validator';
import { UnifiedRecord } from '../connectors/unified-record';

const code = withCheckChar('91370102MA3C4R5X2');
const ctx = { divisionCodes: new Set(['370102']) };

describe('record validator', () => {
  it('knows zoned times on real calendar dates', () => {
    expect(isZonedDateTime('2026-02-30T10:00:00+08:00')).toBe(false);
    expect(isZonedDateTime('2026-03-02T10:00:00+08:00')).toBe(true);
    expect(isZonedDateTime('2026-03-02T10:00:00')).toBe(false);
  });

  it('accepts a good penalty and names each problem of a bad one', () => {
    const good: UnifiedRecord = {
      kind: 'penalty',
      creditCode: code,
      sourceId: 'P1',
      data: { caseNo: 'P1', decisionDate: '2026-04-10', amount: 125000, dailyConsecutive: false, status: 'DECIDED', modifiedAt: '2026-04-10T09:00:00+08:00' },
    };
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
    const rec = {
      kind: 'monitoring',
      creditCode: code,
      sourceId: 'x',
      data: { outletCode: 'DA001', date: '2026-11-01', validHours: 25, exceedHours: 1.5 },
    } as unknown as UnifiedRecord;
    const problems = validateRecord(rec, ctx);
    expect(problems).toContain(`missing required field 'pollutantCode'`);
    expect(problems).toContain(`field 'validHours' must be at most 24, got 25`);
    expect(problems).toContain(`field 'exceedHours' must be a whole number, got 1.5`);
  });

  it('checks enterprise divisions and permit periods', () => {
    const rec: UnifiedRecord = {
      kind: 'enterprise',
      creditCode: code,
      sourceId: code,
      data: {
        name: 'x',
        divisionCode: '370199',
        pollutionTypes: [],
        airSources: [],
        monitoringFacilities: [],
        permits: [{ permitNo: 'A', validFrom: '2026-01-02', validTo: '2026-01-01', status: 'VALID' }],
      },
    };
    const problems = validateRecord(rec, ctx);
    expect(problems).toContain(`field 'divisionCode' is not a known division code: "370199"`);
    expect(problems).toContain('permits[0] is valid from 2026-01-02 after it ends on 2026-01-01');
  });

  it('names the text the store cannot hold: NUL, lone surrogates, indexed text over its byte limit', () => {
    expect(unstorableText('ok 有限公司 \u{1F600}')).toBeNull(); // a surrogate pair is a character
    expect(unstorableText('a\u0000b')).toMatch(/NUL/);
    expect(unstorableText('a\uDBFF')).toMatch(/lone surrogate \(U\+DBFF\) at character 1/);
    expect(unstorableText('\uDC00a')).toMatch(/lone surrogate \(U\+DC00\) at character 0/);
    const d = descriptorOf('enterprise');
    const rec = {
      kind: 'enterprise',
      creditCode: code,
      sourceId: code,
      data: {
        name: '甲'.repeat(867),
        divisionCode: '370102',
        pollutionTypes: ['A\u0000'],
        airSources: [],
        monitoringFacilities: [],
        permits: [{ permitNo: 'P'.repeat(501), validFrom: '2026-01-01', validTo: '2027-01-01', status: 'VALID' }],
      },
    } as UnifiedRecord<'enterprise'>;
    const raw = { name: 'x', nested: [{ ['k\u0000']: 'v' }, '\uD800'] };
    expect(storageProblems(d as never, code, d.row(rec), d.children!.rows(rec), raw, JSON.stringify(raw))).toEqual([
      `field 'name' is 2601 bytes in UTF-8; the store's index holds at most 2600`,
      `field 'pollutionTypes' contains a NUL character (U+0000), which the store cannot hold`,
      `field 'permits[0].permitNo' is 501 bytes in UTF-8; the store's index holds at most 500`,
      `payload key "k\\u0000" contains a NUL character (U+0000), which the store cannot hold`,
      `payload field 'nested[1]' contains a lone surrogate (U+D800) at character 0, which is not a character`,
    ]);
    const fine = { ...rec, data: { ...rec.data, name: '甲'.repeat(866), pollutionTypes: [], permits: [] } } as UnifiedRecord<'enterprise'>;
    expect(storageProblems(d as never, code, d.row(fine), [], { a: '\\u0000 is text here' }, JSON.stringify({ a: '\\u0000 is text here' }))).toEqual([]);
    expect(storablePayload(raw)).toEqual({ name: 'x', nested: [{ 'k\uFFFD': 'v' }, '\uFFFD'] });
  });

  it('refuses what the typed columns cannot hold: year 0000, amounts past numeric(16, 2)', () => {
    expect(isCalendarDate('0000-01-01')).toBe(false);
    const p: UnifiedRecord = {
      kind: 'penalty',
      creditCode: code,
      sourceId: 'P1',
      data: { caseNo: 'P1', decisionDate: '2026-04-10', amount: 1e15, dailyConsecutive: false, status: 'DECIDED', modifiedAt: '2026-04-10T09:00:00+08:00' },
    };
    expect(validateRecord(p, ctx)).toEqual([`field 'amount' must be at most 99999999999999, got 1000000000000000`]);
  });
});
