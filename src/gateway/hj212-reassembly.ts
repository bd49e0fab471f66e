import { formatHj212Segment, parseHj212Segment, type Hj212Packet } from './hj212-packet';

interface PendingMessage {
  parts: Map<number, Hj212Packet>;
  pnum: number;
  firstSeenMs: number;
}

/** Limits of the split-message store of one connection or one gateway. */
export interface Hj212ReassemblyLimits {
  /** Messages kept waiting for their missing parts; the oldest is dropped beyond this. */
  maxPending: number;
  /** A message whose parts do not all arrive within this time is dropped. */
  maxAgeMs: number;
}

const DEFAULTS: Hj212ReassemblyLimits = { maxPending: 64, maxAgeMs: 120_000 };

/**
 * Puts split messages back together (`Flag` with the `D` bit, `PNUM` parts, `PNO` of each, one
 * `QN` shared by the parts of one message).
 *
 * `add` returns the whole message once its last part arrives — the first part's header with the
 * `CP` items of all parts in `PNO` order — and null while parts are missing. A repeated part
 * replaces the earlier copy. Memory is bounded by {@link Hj212ReassemblyLimits}.
 */
export class Hj212Reassembler {
  private readonly pending = new Map<string, PendingMessage>();
  private readonly limits: Hj212ReassemblyLimits;

  constructor(
    limits: Partial<Hj212ReassemblyLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  add(part: Hj212Packet): Hj212Packet | null {
    if (!part.split || part.pnum === null || part.pno === null) return part;
    this.expire();
    const key = `${part.mn ?? ''}\u0000${part.qn ?? ''}\u0000${part.cn ?? ''}`;
    let msg = this.pending.get(key);
    if (!msg || msg.pnum !== part.pnum) {
      if (!msg && this.pending.size >= this.limits.maxPending) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
      }
      msg = { parts: new Map(), pnum: part.pnum, firstSeenMs: this.now() };
      this.pending.set(key, msg);
    }
    msg.parts.set(part.pno, part);
    if (msg.parts.size < msg.pnum) return null;
    this.pending.delete(key);
    const ordered = [...msg.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    const cpText = ordered
      .map((p) => p.cpText)
      .filter((t) => t !== '')
      .join(';');
    const first = ordered[0];
    // Re-read the joined CP so items, DataTime and pollutants cover every part.
    const whole = parseHj212Segment(formatHj212Segment({ ...first, flag: (first.flag ?? 0) & ~2, cpText }));
    return { ...whole, wantsAnswer: ordered.some((p) => p.wantsAnswer) };
  }

  private expire(): void {
    const cutoff = this.now() - this.limits.maxAgeMs;
    for (const [key, msg] of this.pending) {
      if (msg.firstSeenMs >= cutoff) break;
      this.pending.delete(key);
    }
  }
}
