/**
 * Plays DAUs against an HJ 212 gateway over real TCP: real-time, minute and hourly packets at
 * configurable intervals, with faults drawn deterministically from the seed (split and merged
 * segments, bad CRC, 2005-dialect packets, lowercase CRC, repeats after a withheld answer,
 * reconnects) and a share of exceeding hours.
 */
import net from 'node:net';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Hj212Framer } from '../../src/gateway/hj212-framer';
import { encodeHj212Packet, parseHj212Segment } from '../../src/gateway/hj212-packet';
import { combine32, hashString } from '../prng';
import type { SimulatedDau } from './dau-devices';

/** Shares (0–1) of packets that get each fault. */
export interface DauFaults {
  split: number;
  merge: number;
  badCrc: number;
  dialect2005: number;
  lowercaseCrc: number;
  /** The DAU acts as if the answer never came and sends the packet again. */
  withhold: number;
  /** After an answer, the DAU drops the connection and reconnects. */
  reconnect: number;
}

export const NO_DAU_FAULTS: DauFaults = { split: 0, merge: 0, badCrc: 0, dialect2005: 0, lowercaseCrc: 0, withhold: 0, reconnect: 0 };

/** Options of {@link DauSimulator}. */
export interface DauSimulatorOptions {
  host: string;
  port: number;
  devices: readonly SimulatedDau[];
  seed: number;
  /** Real-time data every this many ms (0 = none). */
  rtdIntervalMs: number;
  /** Minute data every this many ms (0 = none). */
  minuteIntervalMs: number;
  /** One hourly packet every this many ms of real time (0 = none); its DataTime advances one hour each time. */
  hourIntervalMs: number;
  /** DataTime of the first hourly packet (China time, `YYYYMMDDhh0000`); default: 48 hours before now. */
  firstHour?: string;
  /** Share of hours whose averages exceed the limit (drawn per device and hour). */
  exceedShare: number;
  faults: DauFaults;
  /** A packet not answered within this time is sent again (default 10 s, as the standard). */
  answerTimeoutMs?: number;
  /** Packets first sent within this time of the start of sending are the ramp-up's, the later ones the steady state's (default 60 s). */
  rampUpMs?: number;
}

/** What the simulator did, for checks and benchmarks. */
export interface DauSimulatorStats {
  connected: number;
  /** Distinct packets meant to be stored (good CRC, not counting repeats). */
  distinctPackets: number;
  /** Hourly packets among them, and their exceeding hours (pollutant-hours above the limit). */
  hourlyPackets: number;
  exceedingHours: number;
  writes: number;
  answers: number;
  crcRefusals: number;
  repeatsSent: number;
  reconnects: number;
  /**
   * Milliseconds from writing a packet to reading its answer (at least 1), for every answered
   * packet: `all` of them, `steady` those first sent after the ramp-up, `window` since the last
   * {@link DauSimulator.takeWindow}. Histograms, so a report costs no sort of every latency.
   */
  latency: { all: RecordableHistogram; steady: RecordableHistogram; window: RecordableHistogram };
}

const U32 = 4294967296;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `YYYYMMDDhhmmss` (China time) of an instant; with milliseconds for a QN. */
export function chinaStamp(ms: number, withMillis = false): string {
  const d = new Date(ms + 8 * 3600_000);
  const s = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return withMillis ? s + pad(d.getUTCMilliseconds(), 3) : s;
}

function stampToMs(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) throw new Error(`not a DataTime: ${stamp}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5], +m[6]);
}

const CODE_2005: Record<string, string> = { a34013: '01', a21026: '02', a21002: '03', w01018: '011', w21003: '060' };

interface Outgoing {
  qn: string;
  segment: string;
  /** When it was first sent (whether it belongs to the ramp-up), and when last written. */
  firstSentAt: number;
  sentAt: number;
  tries: number;
  timer: NodeJS.Timeout | null;
}

/** One simulated DAU's connection and schedule. */
class Dau {
  private socket: net.Socket | null = null;
  private framer = new Hj212Framer();
  private readonly waiting = new Map<string, Outgoing>();
  private readonly timers: NodeJS.Timeout[] = [];
  private seq = 0;
  private readonly sent = { '2011': 0, '2051': 0, '2061': 0 };
  private stopped = false;
  private halted = false;
  private reconnectDue = false;
  /** Answers this DAU has had: the reconnect fault is drawn per answer from the seed, not from the clock-derived QN. */
  private answersSeen = 0;
  private qnMs = 0;

  constructor(
    private readonly d: SimulatedDau,
    private readonly sim: DauSimulator,
    private readonly o: DauSimulatorOptions,
  ) {}

  private draw(...parts: number[]): number {
    let h = combine32(this.d.key, this.o.seed);
    for (const p of parts) h = combine32(h, p);
    return h / U32;
  }

  /** Opens the DAU's connection. */
  open(): Promise<void> {
    return this.connect();
  }

  /** Starts the DAU's schedules (staggered over each interval). */
  schedule(): void {
    const every = (ms: number, kind: number, fn: () => void) => {
      if (ms <= 0) return;
      // Stagger devices over the interval so they do not all send at once.
      const first = Math.floor(this.draw(kind, 0xfeed) * ms);
      const t0 = setTimeout(() => {
        fn();
        const t = setInterval(fn, ms);
        this.timers.push(t);
      }, first);
      this.timers.push(t0);
    };
    every(this.o.rtdIntervalMs, 1, () => this.sendData('2011'));
    every(this.o.minuteIntervalMs, 2, () => this.sendData('2051'));
    every(this.o.hourIntervalMs, 3, () => this.sendData('2061'));
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.o.host, port: this.o.port });
      s.setNoDelay(true);
      s.once('connect', () => {
        this.sim.stats.connected++;
        resolve();
      });
      s.once('error', (e) => {
        if (!this.socket || this.socket === s) reject(e);
      });
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('close', () => {
        this.sim.stats.connected--;
        if (this.socket === s) this.socket = null;
      });
      this.socket = s;
      this.framer = new Hj212Framer();
    });
  }

  private onData(chunk: Buffer): void {
    for (const ev of this.framer.push(chunk)) {
      if (ev.kind !== 'packet' || !ev.crcOk) continue;
      const a = parseHj212Segment(ev.segment);
      const out = a.qn ? this.waiting.get(a.qn) : undefined;
      if (!out) continue;
      const rtn = a.items.flat().find(([k]) => k === 'QnRtn')?.[1];
      if (a.cn === '9011' && rtn === '9') {
        this.sim.stats.crcRefusals++;
        this.clear(out);
        this.transmit(out, false);
        continue;
      }
      // A withheld answer: the DAU acts as if it never came and repeats the packet.
      if (out.tries === 1 && this.draw(hashString(out.qn), 0x77) < this.o.faults.withhold) {
        this.clear(out);
        this.sim.stats.repeatsSent++;
        this.transmit(out, false);
        continue;
      }
      this.sim.stats.answers++;
      this.sim.recordAnswer(out.firstSentAt, Date.now() - out.sentAt);
      this.clear(out);
      this.waiting.delete(out.qn);
      // A drawn reconnect waits until no packet of this DAU awaits its answer (none is cut off),
      // so it happens whatever the answers' timing (at the latest once the DAU has halted and drained).
      if (this.draw(this.answersSeen++, 0x99) < this.o.faults.reconnect) this.reconnectDue = true;
      if (this.reconnectDue && this.waiting.size === 0 && !this.stopped) {
        this.reconnectDue = false;
        this.sim.stats.reconnects++;
        const s = this.socket;
        this.socket = null;
        s?.end();
        void this.connect().catch(() => undefined);
      }
    }
  }

  private clear(out: Outgoing): void {
    if (out.timer) clearTimeout(out.timer);
    out.timer = null;
  }

  private nextQn(): string {
    // QN is to the millisecond and unique per device.
    this.qnMs = Math.max(Date.now(), this.qnMs + 1);
    return chinaStamp(this.qnMs, true);
  }

  private values(cn: string, dataTime: string, legacy: boolean): string {
    const items: string[] = [];
    const hourExceeds = cn === '2061' && this.draw(hashString(dataTime), 0xe1) < this.o.exceedShare;
    this.d.limits.forEach((l, i) => {
      const code = legacy ? (CODE_2005[l.pollutantCode] ?? l.pollutantCode) : l.pollutantCode;
      const r = this.draw(hashString(dataTime), i, 0x5a);
      const exceed = hourExceeds && i === 0;
      const avg = Math.round(l.limit * (exceed ? 1.1 + r * 0.6 : 0.2 + r * 0.6) * 100) / 100;
      if (cn === '2011') items.push(`${code}-Rtd=${avg},${code}-Flag=N`);
      else items.push(`${code}-Min=${Math.round(avg * 80) / 100},${code}-Avg=${avg},${code}-Max=${Math.round(avg * 120) / 100},${code}-Flag=N`);
    });
    if (hourExceeds) this.sim.stats.exceedingHours++;
    return items.join(';');
  }

  private sendData(cn: '2011' | '2051' | '2061'): void {
    if (this.stopped || this.halted) return;
    const n = ++this.seq;
    // DataTime advances on a simulated clock per kind, so a fast run still sends distinct intervals.
    const first = this.o.firstHour ?? chinaStamp(Math.floor((Date.now() - 48 * 3600_000) / 3600_000) * 3600_000).slice(0, 10) + '0000';
    const step = cn === '2061' ? 3600_000 : cn === '2051' ? 60_000 : 30_000;
    const idx = this.sent[cn]++;
    const dataTime = chinaStamp(stampToMs(first) + idx * step);
    if (cn === '2061') this.sim.stats.hourlyPackets++;
    const legacy = this.draw(n, 0x2005) < this.o.faults.dialect2005;
    const qn = this.nextQn();
    const flag = legacy ? 1 : 5;
    const segment = `QN=${qn};ST=${this.d.st};CN=${cn};PW=${this.d.password};MN=${this.d.mn};Flag=${flag};CP=&&DataTime=${dataTime};${this.values(cn, dataTime, legacy)}&&`;
    const out: Outgoing = { qn, segment, firstSentAt: Date.now(), sentAt: 0, tries: 0, timer: null };
    this.waiting.set(qn, out);
    this.sim.stats.distinctPackets++;
    this.transmit(out, this.draw(n, 0xbad) < this.o.faults.badCrc);
  }

  private transmit(out: Outgoing, corrupt: boolean, mayHold = true): void {
    if (this.stopped) return;
    const s = this.socket;
    if (!s || s.destroyed || s.connecting) {
      // Not connected right now: try again shortly (a reconnect is under way).
      out.timer = setTimeout(() => {
        if (!this.socket && !this.stopped) void this.connect().catch(() => undefined);
        this.transmit(out, false);
      }, 200);
      return;
    }
    out.tries++;
    const draw = (salt: number) => this.draw(hashString(out.qn), out.tries, salt);
    const lower = draw(0x10c) < this.o.faults.lowercaseCrc;
    let wire = encodeHj212Packet(out.segment, { lowercaseCrc: lower });
    if (corrupt) {
      const good = wire.toString('latin1', wire.length - 6, wire.length - 2);
      const bad = ((parseInt(good, 16) + 1) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
      wire = encodeHj212Packet(out.segment, { crc: bad });
    }
    if (this.held) {
      // Merged segments: the held packet and this one leave in one write.
      wire = Buffer.concat([this.held.wire, wire]);
      const h = this.held;
      this.held = null;
      clearTimeout(h.timer);
      h.out.tries++;
      h.out.sentAt = Date.now();
      this.arm(h.out);
    } else if (mayHold && draw(0x3e6) < this.o.faults.merge) {
      const held = { wire, out, timer: setTimeout(() => this.flushHeld(), 50) };
      this.held = held;
      out.tries--;
      return;
    }
    out.sentAt = Date.now();
    this.sim.stats.writes++;
    if (draw(0x5b1) < this.o.faults.split && wire.length > 8) {
      const a = 1 + Math.floor(draw(0x5b2) * (wire.length - 2));
      s.write(wire.subarray(0, a));
      setImmediate(() => {
        if (!s.destroyed) s.write(wire.subarray(a));
      });
    } else s.write(wire);
    this.arm(out);
  }

  private arm(out: Outgoing): void {
    out.timer = setTimeout(() => {
      if (out.tries >= 4) {
        this.waiting.delete(out.qn);
        return;
      }
      this.sim.stats.repeatsSent++;
      this.transmit(out, false);
    }, this.o.answerTimeoutMs ?? 10_000);
  }

  private held: { wire: Buffer; out: Outgoing; timer: NodeJS.Timeout } | null = null;

  private flushHeld(): void {
    const h = this.held;
    this.held = null;
    if (h && !this.stopped) this.transmit(h.out, false, false);
  }

  /** What is still waiting for an answer (for diagnostics). */
  pending(): Array<{ mn: string; qn: string; tries: number; held: boolean; connected: boolean }> {
    return [...this.waiting.values()].map((w) => ({
      mn: this.d.mn,
      qn: w.qn,
      tries: w.tries,
      held: this.held?.out === w,
      connected: !!this.socket && !this.socket.destroyed,
    }));
  }

  /** Packets sent and not yet answered. */
  get unanswered(): number {
    return this.waiting.size;
  }

  /** Stops sending new packets; answers still awaited are still handled. */
  halt(): void {
    this.halted = true;
    for (const t of this.timers) clearTimeout(t);
  }

  stop(): void {
    this.stopped = true;
    this.halt();
    for (const w of this.waiting.values()) this.clear(w);
    this.socket?.destroy();
  }
}

/** Runs a fleet of simulated DAUs. */
export class DauSimulator {
  readonly stats: DauSimulatorStats = {
    connected: 0,
    distinctPackets: 0,
    hourlyPackets: 0,
    exceedingHours: 0,
    writes: 0,
    answers: 0,
    crcRefusals: 0,
    repeatsSent: 0,
    reconnects: 0,
    latency: { all: createHistogram(), steady: createHistogram(), window: createHistogram() },
  };
  private readonly daus: Dau[];
  /** Packets first sent from this time on count in the steady state (set when sending starts). */
  private steadyFrom = Infinity;

  constructor(private readonly o: DauSimulatorOptions) {
    this.daus = o.devices.map((d) => new Dau(d, this, o));
  }

  /**
   * Connects every DAU (a few hundred at a time), then starts their schedules. None sends while
   * the fleet connects: tens of thousands of connects keep this process busy for seconds (each
   * connect searches the kernel's ephemeral ports), and answers read that late would be counted
   * against the gateway.
   */
  async start(): Promise<void> {
    for (let i = 0; i < this.daus.length; i += 200) await Promise.all(this.daus.slice(i, i + 200).map((d) => d.open()));
    for (const d of this.daus) d.schedule();
    this.steadyFrom = Date.now() + (this.o.rampUpMs ?? 60_000);
  }

  /** Counts one answer's latency (of a packet first sent at `firstSentAt`). */
  recordAnswer(firstSentAt: number, ms: number): void {
    const v = Math.max(1, ms);
    const l = this.stats.latency;
    l.all.record(v);
    l.window.record(v);
    if (firstSentAt >= this.steadyFrom) l.steady.record(v);
  }

  /** The answer latencies since the last call (a fresh window starts). */
  takeWindow(): { count: number; p50: number; p99: number; max: number } {
    const w = this.stats.latency.window;
    const r = { count: w.count, p50: w.count ? w.percentile(50) : 0, p99: w.count ? w.percentile(99) : 0, max: w.count ? w.max : 0 };
    w.reset();
    return r;
  }

  /** Packets sent and still waiting for their answer. */
  unanswered(): number {
    return this.daus.reduce((n, d) => n + d.unanswered, 0);
  }

  /** The packets still waiting for an answer, per DAU (for diagnostics). */
  pending(): ReturnType<Dau['pending']> {
    return this.daus.flatMap((d) => d.pending());
  }

  /** Resolves once every packet sent so far is answered (or `timeoutMs` passed). */
  async drain(timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.unanswered() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.unanswered() === 0;
  }

  /** Stops every schedule; packets in flight still get their answers and repeats. */
  halt(): void {
    for (const d of this.daus) d.halt();
  }

  stop(): void {
    for (const d of this.daus) d.stop();
  }
}
