import { wilsonInterval } from './supervision-stats.service';

describe('wilsonInterval', () => {
  it('matches the published 95 % Wilson score intervals', () => {
    // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611
    const a = wilsonInterval(81, 263);
    expect([a.low, a.high].map((x) => x!.toFixed(4))).toEqual(['0.2553', '0.3662']);
    const b = wilsonInterval(15, 148);
    expect([b.low, b.high].map((x) => x!.toFixed(4))).toEqual(['0.0624', '0.1605']);
    const c = wilsonInterval(0, 20);
    expect(c.rate).toBe(0);
    expect(c.low).toBe(0);
    expect(c.high!.toFixed(4)).toBe('0.1611');
  });

  it('stays inside [0, 1] and is empty without observations', () => {
    const all = wilsonInterval(10, 10);
    expect(all.rate).toBe(1);
    expect(all.high).toBe(1);
    expect(all.low!).toBeGreaterThan(0.69);
    expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
  });
});
