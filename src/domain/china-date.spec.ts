import { CHINA_TIME_ZONE, InvalidDateError, addDays, chinaDateOf, dateArg, endOfChinaDay, isCalendarDate, maxDate, requireDate } from './china-date';

describe('China dates (the one calendar of the hub)', () => {
  it('counts days across month, year and leap-day boundaries: 2023-11-29 is 1,097 days before 2026-11-30, 2023-12-03 1,093', () => {
    expect(addDays('2026-11-30', -1097)).toBe('2023-11-29');
    expect(addDays('2026-11-30', -1093)).toBe('2023-12-03');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('takes calendar dates in UTC+8', () => {
    expect(CHINA_TIME_ZONE).toBe('Asia/Shanghai');
    expect(chinaDateOf(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(chinaDateOf(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(chinaDateOf(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(endOfChinaDay('2026-11-30').toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('tells calendar dates from other strings', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2026-12-31']) expect(isCalendarDate(ok)).toBe(true);
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-2-3',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      20261130,
      null,
    ]) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });

  it('rejects dates that are not on the calendar with the field named', () => {
    expect(() => requireDate('2026-02-30', 'asOf')).toThrow(InvalidDateError);
    expect(() => requireDate('2026-02-30', 'asOf')).toThrow(/asOf '2026-02-30' is not a calendar date/);
    expect(() => addDays('2026-02-30', 1)).toThrow(/not a calendar date/);
    expect(requireDate('2024-02-29')).toBe('2024-02-29');
  });

  it('keeps the later date and reads GraphQL Date arguments', () => {
    expect(maxDate(null, '2026-01-01')).toBe('2026-01-01');
    expect(maxDate('2026-01-02', '2026-01-01')).toBe('2026-01-02');
    expect(maxDate(null, null)).toBeNull();
    expect(dateArg(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(dateArg(undefined)).toBeUndefined();
  });
});
