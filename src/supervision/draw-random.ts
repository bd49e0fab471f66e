import { createHash } from 'node:crypto';

/**
 * The draw's source of randomness, specified so that anyone can recompute a
 * plan: a SHA-256 counter-mode stream over a text key.
 *
 * Block `i` (i = 0, 1, 2, …) is `SHA-256(UTF-8(key + ":" + i))`, `i` written in
 * decimal. The stream is the blocks' bytes in order, read as big-endian
 * unsigned 32-bit words. {@link DrawStream.nextInt}`(n)` takes words until one
 * is below `2^32 - (2^32 mod n)` (rejection sampling, so every value is equally
 * likely) and returns it modulo `n`. Nothing else (no Math.random, no clock)
 * enters a draw.
 */
export class DrawStream {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(readonly key: string) {}

  /** The next unsigned 32-bit word of the stream. */
  nextWord(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.key}:${this.counter}`, 'utf8').digest();
      this.counter++;
      this.offset = 0;
    }
    const w = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return w;
  }

  /** A uniform integer in [0, n), n between 1 and 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError(`nextInt needs an integer in [1, 2^32], got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const w = this.nextWord();
      if (w < limit) return w % n;
    }
  }
}

/** SHA-256 of a text, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
