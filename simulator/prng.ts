/**
 * Deterministic pseudo-random numbers for the simulator.
 *
 * Everything the simulator generates or decides (records, faults) comes from these
 * functions, so the same seed always yields the same province and the same faults.
 */

/** Finalising mix of a 32-bit integer (murmur3 fmix32): spreads every input bit. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines two 32-bit values into one well-mixed 32-bit hash. */
export function combine32(a: number, b: number): number {
  return mix32((Math.imul(a | 0, 0x9e3779b1) ^ (b | 0)) + 0x7f4a7c15);
}

/** 32-bit FNV-1a hash of a string, then mixed. Stable across runs and platforms. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Hash of several parts (numbers or strings) into one 32-bit value. */
export function hashParts(...parts: Array<string | number>): number {
  let h = 0x2545f491;
  for (const p of parts) h = combine32(h, typeof p === 'number' ? p : hashString(p));
  return h;
}

/** Hash of several parts mapped to [0, 1): a per-item, reproducible "coin". */
export function hashUnit(...parts: Array<string | number>): number {
  return hashParts(...parts) / 4294967296;
}

/** Seeded generator (mulberry32 core) with the helpers the generator needs. */
export class Rng {
  private state: number;

  /** Starts a stream from a 32-bit seed. */
  constructor(seed: number) {
    this.state = mix32(seed ^ 0x6d2b79f5) | 0;
  }

  /** Next float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Float in [lo, hi). */
  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An element chosen with the given relative weights (same length as items). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Picks from `[value, weight]` pairs. */
  weightedPairs<T>(pairs: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }

  /** Each item independently kept with probability p (order preserved). */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.next() < p);
  }
}
