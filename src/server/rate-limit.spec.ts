import { AddressRateLimiter, clientKey } from './rate-limit';

describe('AddressRateLimiter', () => {
  it('lets an address spend its bucket, refuses the next with the seconds until a token, and refills over the minute', () => {
    let now = 0;
    const limiter = new AddressRateLimiter({ perMinute: 3, now: () => now });
    const taken = Array.from({ length: 5 }, () => limiter.take('10.0.0.1'));
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(taken[3]).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take('10.0.0.2').allowed).toBe(true);
    now += 20_000;
    expect(limiter.take('10.0.0.1').allowed).toBe(true);
    expect(limiter.take('10.0.0.1').allowed).toBe(false);
  });

  it('remembers a bounded number of addresses', () => {
    const limiter = new AddressRateLimiter({ perMinute: 1, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
  });

  it('keys IPv4-mapped addresses as IPv4 and IPv6 by its /64', () => {
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('2001:db8:0:1::5')).toBe(clientKey('2001:db8:0:1:ffff::9'));
    expect(clientKey('2001:db8:0:1::5')).not.toBe(clientKey('2001:db8:0:2::5'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
