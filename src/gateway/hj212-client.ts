import net from 'node:net';
import { Hj212Framer } from './hj212-framer';
import { parseHj212Segment, type Hj212Packet } from './hj212-packet';

/**
 * The DAU side of one HJ 212 connection: writes bytes as given (so callers can split, merge or
 * corrupt packets) and collects the packets the other side answers with, in order.
 */
export class Hj212ClientConnection {
  private readonly framer = new Hj212Framer();
  private readonly received: Hj212Packet[] = [];
  private waiters: Array<{ n: number; resolve: (p: Hj212Packet[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  /** Resolves when the connection is closed by either side. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.framer.push(chunk)) if (ev.kind === 'packet' && ev.crcOk) this.received.push(parseHj212Segment(ev.segment));
      this.settle();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        for (const w of this.waiters) {
          clearTimeout(w.timer);
          w.reject(new Error(`connection closed with ${this.received.length} of ${w.n} answers`));
        }
        this.waiters = [];
        resolve();
      }),
    );
  }

  static connect(host: string, port: number): Promise<Hj212ClientConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => {
        s.off('error', reject);
        resolve(new Hj212ClientConnection(s));
      });
      s.once('error', reject);
    });
  }

  /** Every answer received so far. */
  get answers(): readonly Hj212Packet[] {
    return this.received;
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** Resolves once `n` answers in total have arrived (rejects after `timeoutMs` or on close). */
  waitForAnswers(n: number, timeoutMs = 10_000): Promise<Hj212Packet[]> {
    if (this.received.length >= n) return Promise.resolve(this.received.slice(0, n));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out with ${this.received.length} of ${n} answers`));
      }, timeoutMs);
      this.waiters.push({ n, resolve, reject, timer });
    });
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.received.length < w.n) return true;
      clearTimeout(w.timer);
      w.resolve(this.received.slice(0, w.n));
      return false;
    });
  }
}
