import net from 'node:net';
import { dataAnswerSegment, QnRtn, requestAnswerSegment, type QnRtnCode } from './hj212-answer';
import { Hj212Framer, type Hj212Frame } from './hj212-framer';
import { encodeHj212Packet, formatHj212Segment, parseHj212Segment, type Hj212Packet } from './hj212-packet';
import { Hj212Reassembler } from './hj212-reassembly';
import type { Hj212DeviceDirectory, Hj212PacketSink, Hj212PacketStatus } from './hj212.store';

/** Options of {@link Hj212Gateway}; every limit has a default fit for tens of thousands of DAUs. */
export interface Hj212GatewayOptions {
  directory: Hj212DeviceDirectory;
  sink: Hj212PacketSink;
  /** Connections accepted at once; more are refused by the kernel's accept (default 30,000). */
  maxConnections?: number;
  /** A connection silent this long is closed (default 65 min: just over the hourly upload). */
  idleTimeoutMs?: number;
  /** A packet begun but not finished within this time closes the connection (default 30 s). */
  partialPacketTimeoutMs?: number;
  /** Packets of one connection waiting to be stored before it stops reading (default 64). */
  maxQueuedPackets?: number;
  /** Answer bytes a peer leaves unread before it is disconnected (default 64 KiB). */
  maxUnreadAnswerBytes?: number;
  log?: (line: string) => void;
}

/** Counters of one gateway since it started (also what `/metrics` may export). */
export interface Hj212GatewayStats {
  connections: number;
  connectionsTotal: number;
  packets: number;
  stored: number;
  repeats: number;
  crcErrors: number;
  unreadable: number;
  garbageBytes: number;
  answers: number;
  closedIdle: number;
  closedSlow: number;
  storeErrors: number;
}

interface Connection {
  socket: net.Socket;
  framer: Hj212Framer;
  reassembler: Hj212Reassembler;
  chain: Promise<void>;
  queued: number;
  partialSince: number | null;
  peer: string;
}

/**
 * The HJ 212 TCP gateway: DAUs connect, send packets, and get answers whenever `Flag` asks.
 *
 * Each connection frames its own byte stream and handles its packets in order; the store is a
 * narrow {@link Hj212PacketSink} (batched across connections) and the device check a
 * {@link Hj212DeviceDirectory}, so the gateway knows nothing of ingest or scoring. An answer 9014
 * goes out only after the packet is committed. A repeat is answered like the original and not
 * stored again. A bad CRC is answered with 9011 `QnRtn=9` and not stored; an unknown MN is stored
 * (kept for the steward to bind) and answered with `QnRtn=4`; a wrong password `QnRtn=3`.
 *
 * A slow or hostile peer cannot stall the others: its buffer holds at most one packet, it stops
 * being read when its packets queue up, it is closed when idle, when it dribbles a packet for too
 * long, or when it does not read its answers, and the number of connections is capped.
 */
export class Hj212Gateway {
  readonly stats: Hj212GatewayStats = {
    connections: 0,
    connectionsTotal: 0,
    packets: 0,
    stored: 0,
    repeats: 0,
    crcErrors: 0,
    unreadable: 0,
    garbageBytes: 0,
    answers: 0,
    closedIdle: 0,
    closedSlow: 0,
    storeErrors: 0,
  };
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private sweep: NodeJS.Timeout | null = null;
  private readonly o: Required<Omit<Hj212GatewayOptions, 'log'>> & Pick<Hj212GatewayOptions, 'log'>;

  constructor(options: Hj212GatewayOptions) {
    this.o = {
      maxConnections: 30_000,
      idleTimeoutMs: 65 * 60_000,
      partialPacketTimeoutMs: 30_000,
      maxQueuedPackets: 64,
      maxUnreadAnswerBytes: 64 * 1024,
      ...options,
    };
    this.server = net.createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 }, (s) => this.accept(s));
    this.server.maxConnections = this.o.maxConnections;
    this.server.on('error', (e) => this.o.log?.(`hj212 gateway: ${e.message}`));
  }

  /** Starts listening; resolves with the port (pass 0 for any free port). */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const sweepMs = Math.max(50, Math.min(5_000, Math.floor(this.o.partialPacketTimeoutMs / 2)));
        this.sweep = setInterval(() => this.sweepPartials(), sweepMs);
        this.sweep.unref();
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops accepting, closes every connection after its queued packets are handled. */
  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.chain.catch(() => undefined)));
    for (const c of this.connections) c.socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const c: Connection = {
      socket,
      framer: new Hj212Framer(),
      reassembler: new Hj212Reassembler({ maxPending: 16 }),
      chain: Promise.resolve(),
      queued: 0,
      partialSince: null,
      peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    };
    this.connections.add(c);
    this.stats.connections++;
    this.stats.connectionsTotal++;
    socket.setTimeout(this.o.idleTimeoutMs, () => {
      this.stats.closedIdle++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(c);
      this.stats.connections--;
    });
  }

  private onData(c: Connection, chunk: Buffer): void {
    for (const ev of c.framer.push(chunk)) {
      if (ev.kind === 'garbage') {
        this.stats.garbageBytes += ev.bytes;
        continue;
      }
      c.queued++;
      if (c.queued >= this.o.maxQueuedPackets) c.socket.pause();
      c.chain = c.chain
        .then(() => this.handle(c, ev))
        .catch((e) => {
          this.stats.storeErrors++;
          this.o.log?.(`hj212 gateway: packet from ${c.peer} not stored: ${(e as Error).message}`);
        })
        .finally(() => {
          c.queued--;
          if (c.socket.isPaused() && c.queued < this.o.maxQueuedPackets / 2 && !c.socket.destroyed) c.socket.resume();
        });
    }
    c.partialSince = c.framer.buffered > 0 ? (c.partialSince ?? Date.now()) : null;
  }

  private sweepPartials(): void {
    const cutoff = Date.now() - this.o.partialPacketTimeoutMs;
    for (const c of this.connections) {
      if (c.partialSince !== null && c.partialSince < cutoff) {
        this.stats.closedSlow++;
        c.socket.destroy();
      }
    }
  }

  private answer(c: Connection, segment: string): void {
    if (c.socket.destroyed) return;
    c.socket.write(encodeHj212Packet(segment));
    this.stats.answers++;
    if (c.socket.writableLength > this.o.maxUnreadAnswerBytes) {
      this.stats.closedSlow++;
      c.socket.destroy();
    }
  }

  private refuse(c: Connection, p: Hj212Packet, code: QnRtnCode): void {
    if (p.wantsAnswer) this.answer(c, requestAnswerSegment(p, code));
  }

  private async handle(c: Connection, frame: Hj212Frame): Promise<void> {
    this.stats.packets++;
    let part: Hj212Packet;
    try {
      part = parseHj212Segment(frame.segment);
    } catch {
      if (!frame.crcOk) this.stats.crcErrors++;
      else this.stats.unreadable++;
      return;
    }
    if (!frame.crcOk) {
      this.stats.crcErrors++;
      this.refuse(c, part, QnRtn.CRC_ERROR);
      return;
    }
    // Answers and commands from the hub's side (ST=91) are not data.
    if (part.st === '91') return;
    if (!part.mn) {
      this.stats.unreadable++;
      this.refuse(c, part, QnRtn.UNKNOWN_MN);
      return;
    }
    const whole = c.reassembler.add(part);
    if (whole === null) {
      if (part.wantsAnswer) this.answer(c, dataAnswerSegment(part));
      return;
    }
    const device = await this.o.directory.device(part.mn);
    const status: Hj212PacketStatus = device === null ? 'UNBOUND' : device.password !== part.pw ? 'WRONG_PASSWORD' : 'ACCEPTED';
    const segment = whole === part ? frame.segment : formatHj212Segment(whole);
    const { stored } = await this.o.sink.store({ packet: whole, segment, status, receivedAt: new Date(), peer: c.peer });
    if (stored) this.stats.stored++;
    else this.stats.repeats++;
    if (status === 'UNBOUND') this.refuse(c, part, QnRtn.UNKNOWN_MN);
    else if (status === 'WRONG_PASSWORD') this.refuse(c, part, QnRtn.WRONG_PASSWORD);
    else if (part.wantsAnswer) this.answer(c, dataAnswerSegment(part));
  }
}
