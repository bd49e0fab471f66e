import net from 'node:net';

/** The outcome of {@link AddressRateLimiter.take}: allowed, or refused with the seconds until the next request is. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Options of {@link AddressRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests per minute per client address, also the burst a quiet address may spend at once. */
  perMinute: number;
  /** Addresses remembered at once (default 10,000); the least recently seen is forgotten first, so memory stays bounded. */
  maxAddresses?: number;
  /** The clock (ms), for unit specs. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The key an address is limited under: an IPv4 address (IPv4-mapped IPv6
 * included) as it is, an IPv6 address by its /64 network, which one client
 * usually holds whole.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (net.isIPv6(address)) {
    const [head, tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return `${groups
      .slice(0, 4)
      .map((g) => parseInt(g, 16).toString(16))
      .join(':')}::/64`;
  }
  return address;
}

/**
 * A token bucket per client address, held in memory and bounded: each
 * address may spend `perMinute` requests at once and earns them back
 * evenly over a minute. Past its bucket a request is refused with the
 * seconds until the next token.
 */
export class AddressRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.perMs = opts.perMinute / 60_000;
    this.max = opts.maxAddresses ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Spends one request of `address`'s bucket, or says how long it must wait. */
  take(address: string | undefined): RateDecision {
    const key = clientKey(address);
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.perMinute, at: now };
    b.tokens = Math.min(this.opts.perMinute, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    // Most recently seen last: the first key is the one to forget.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.max) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)) };
  }

  /** Addresses remembered now (bounded by `maxAddresses`). */
  get size(): number {
    return this.buckets.size;
  }
}
