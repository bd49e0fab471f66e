import { Rng, hashString, hashUnit } from './prng';
import { addYears, dateToDay, dayToDate, isoChina, parseInstant } from './china-time';

describe('prng', () => {
  it('repeats a stream for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('keeps helpers in range and roughly uniform', () => {
    const r = new Rng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const v = r.int(0, 3);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(3);
      counts[v]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
    let heads = 0;
    for (let i = 0; i < 10_000; i++) if (r.weighted(['a', 'b'], [9, 1]) === 'a') heads++;
    expect(heads).toBeGreaterThan(8_700);
    expect(heads).toBeLessThan(9_300);
  });

  it('hashes strings stably into [0, 1)', () => {
    expect(hashString('370102')).toBe(hashString('370102'));
    expect(hashString('370102')).not.toBe(hashString('370103'));
    const u = hashUnit(7, 'permit', '91370102MA3C4R5X2B');
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
    expect(hashUnit(7, 'permit', '91370102MA3C4R5X2B')).toBe(u);
  });
});

describe('china time', () => {
  it('round-trips dates and rejects impossible ones', () => {
    expect(dayToDate(dateToDay('2026-02-28')!)).toBe('2026-02-28');
    expect(dateToDay('2026-02-30')).toBeNull();
    expect(dateToDay('2026-2-3')).toBeNull();
    expect(dayToDate(addYears(dateToDay('2024-02-29')!, 1))).toBe('2025-02-28');
  });

  it('formats and parses instants with the +08:00 zone', () => {
    const ms = Date.parse('2026-11-01T00:30:00Z');
    expect(isoChina(ms)).toBe('2026-11-01T08:30:00+08:00');
    expect(parseInstant('2026-11-01T08:30:00+08:00')).toBe(ms);
    expect(parseInstant('2026-11-01T08:30:00 08:00')).toBe(ms); // an unencoded '+' in a query string
    expect(parseInstant('2026-11-01')).toBe(Date.parse('2026-10-31T16:00:00Z'));
    expect(parseInstant('yesterday')).toBeNull();
    expect(parseInstant('2026-02-30T00:00:00+08:00')).toBeNull();
  });
});
