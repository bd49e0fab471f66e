import { hj212CrcMatches } from './hj212-crc';

/** Most characters a data segment may have (HJ 212-2017 §6.3). */
export const HJ212_MAX_SEGMENT = 1024;
/** `##` + four length digits + segment + four CRC digits + `\r\n`: at most 1,036 bytes. */
export const HJ212_MAX_PACKET = 2 + 4 + HJ212_MAX_SEGMENT + 4 + 2;

/** One framed packet: the data segment and whether the CRC it carried matches. */
export interface Hj212Frame {
  kind: 'packet';
  /** The data segment, decoded as UTF-8. */
  segment: string;
  /** The four characters after the segment, as sent. */
  crcText: string;
  crcOk: boolean;
  /** Bytes of the whole packet on the wire. */
  bytes: number;
}

/** Bytes skipped while resynchronising, with the reason. */
export interface Hj212Garbage {
  kind: 'garbage';
  bytes: number;
  reason: 'no header' | 'length not four digits' | 'length over 1024' | 'no CRLF after CRC';
}

export type Hj212FramerEvent = Hj212Frame | Hj212Garbage;

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/**
 * Frames the HJ 212 byte stream of one TCP connection.
 *
 * TCP delivers bytes, not packets: one read may hold half a packet or three. `push` takes every
 * chunk as it arrives and returns the whole packets it completes, in order. On garbage (no `##`,
 * a length that is not four digits, no `\r\n` where the length says the packet ends) it skips to
 * the next `##` and goes on, reporting what it skipped. The bytes kept between calls never exceed
 * one packet (1,036 bytes), whatever the peer sends.
 */
export class Hj212Framer {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes waiting for the rest of a packet (always below {@link HJ212_MAX_PACKET}). */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): Hj212FramerEvent[] {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Hj212FramerEvent[] = [];
    let pos = 0;
    const skip = (to: number, reason: Hj212Garbage['reason']): void => {
      const last = out[out.length - 1];
      if (last && last.kind === 'garbage' && last.reason === reason) last.bytes += to - pos;
      else out.push({ kind: 'garbage', bytes: to - pos, reason });
      pos = to;
    };
    for (;;) {
      const at = buf.indexOf('##', pos, 'latin1');
      if (at < 0) {
        // Keep a trailing '#': it may be the first half of the next header.
        const keepFrom = buf.length > pos && buf[buf.length - 1] === HASH ? buf.length - 1 : buf.length;
        if (keepFrom > pos) skip(keepFrom, 'no header');
        break;
      }
      if (at > pos) skip(at, 'no header');
      if (buf.length - pos < 6) break;
      if (!isDigit(buf[pos + 2]) || !isDigit(buf[pos + 3]) || !isDigit(buf[pos + 4]) || !isDigit(buf[pos + 5])) {
        skip(pos + 1, 'length not four digits');
        continue;
      }
      const len = Number(buf.toString('latin1', pos + 2, pos + 6));
      if (len > HJ212_MAX_SEGMENT) {
        skip(pos + 1, 'length over 1024');
        continue;
      }
      const total = 6 + len + 4 + 2;
      if (buf.length - pos < total) break;
      if (buf[pos + total - 2] !== CR || buf[pos + total - 1] !== LF) {
        skip(pos + 1, 'no CRLF after CRC');
        continue;
      }
      const segBytes = buf.subarray(pos + 6, pos + 6 + len);
      const crcText = buf.toString('latin1', pos + 6 + len, pos + 10 + len);
      out.push({ kind: 'packet', segment: segBytes.toString('utf8'), crcText, crcOk: hj212CrcMatches(segBytes, crcText), bytes: total });
      pos += total;
    }
    // Copy what is left so a large chunk is not retained through a small slice of it.
    this.pending = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    buf = Buffer.alloc(0);
    return out;
  }
}
