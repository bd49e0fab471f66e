import { isoInstant } from './iso-instant';

describe('isoInstant', () => {
  it('writes what toISOString writes, around the epoch and at the edges of four-digit years', () => {
    for (const ms of [0, -1, 1, 999, 1000, 86_399_999, 86_400_000, 253402300799999, 253402300800000, -62167219200000, -62167219200001]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('writes what toISOString writes for 100,000 instants spread over 600 years, more days than it keeps', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const mismatches: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const ms = Math.floor((next() - 0.4) * 1.9e13);
      if (isoInstant(ms) !== new Date(ms).toISOString()) mismatches.push(ms);
    }
    expect(mismatches).toEqual([]);
  });
});
