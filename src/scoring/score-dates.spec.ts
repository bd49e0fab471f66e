import { addDays, chinaDateOf, daysBetween, endOfChinaDay, inWindow, requireDate } from './score-dates';

describe('score dates (China time)', () => {
  it('applies the spec window asOf − 1095 < d ≤ asOf: 2023-11-29 is out, 2023-12-03 is in as of 2026-11-30', () => {
    expect(daysBetween('2023-11-29', '2026-11-30')).toBe(1097);
    expect(daysBetween('2023-12-03', '2026-11-30')).toBe(1093);
    expect(inWindow('2023-11-29', '2026-11-30', 1095)).toBe(false);
    expect(inWindow('2023-12-03', '2026-11-30', 1095)).toBe(true);
    expect(inWindow(addDays('2026-11-30', -1095), '2026-11-30', 1095)).toBe(false);
    expect(inWindow(addDays('2026-11-30', -1094), '2026-11-30', 1095)).toBe(true);
    expect(inWindow('2026-12-01', '2026-11-30', 1095)).toBe(false);
  });

  it('takes calendar dates in UTC+8', () => {
    expect(chinaDateOf(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(chinaDateOf(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(endOfChinaDay('2026-11-30').toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('rejects dates that are not on the calendar', () => {
    expect(() => requireDate('2026-02-30')).toThrow(/not a calendar date/);
    expect(requireDate('2024-02-29')).toBe('2024-02-29');
  });
});
