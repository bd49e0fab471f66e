/**
 * `hub dau-sim`: plays the DAUs of the monitored outlets of `hub sim`'s generated province
 * against an HJ 212 gateway.
 *
 * `hub dau-sim --target HOST:PORT --enterprises N --seed S [--print-bindings] [--today D]
 *  [--devices N] [--rtd-interval-s S] [--minute-interval-s S] [--hour-interval-s S] [--first-hour YYYYMMDDhh]
 *  [--exceed-share R] [--fault-split R] [--fault-merge R] [--fault-bad-crc R] [--fault-2005 R]
 *  [--fault-lowercase-crc R] [--fault-withhold R] [--fault-reconnect R] [--duration-s S]`
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { bindingFile, provinceDaus } from './dau-devices';
import { DauSimulator, NO_DAU_FAULTS, type DauFaults } from './dau.simulator';

/** Parsed arguments of `hub dau-sim`. */
export interface DauSimArgs {
  host: string;
  port: number;
  enterprises: number;
  seed: number;
  today?: string;
  devices?: number;
  printBindings: boolean;
  rtdIntervalS: number;
  minuteIntervalS: number;
  hourIntervalS: number;
  firstHour?: string;
  exceedShare: number;
  durationS: number | null;
  faults: DauFaults;
}

const RATES: Record<string, keyof DauFaults> = {
  '--fault-split': 'split',
  '--fault-merge': 'merge',
  '--fault-bad-crc': 'badCrc',
  '--fault-2005': 'dialect2005',
  '--fault-lowercase-crc': 'lowercaseCrc',
  '--fault-withhold': 'withhold',
  '--fault-reconnect': 'reconnect',
};
const NUMBERS: Record<string, keyof DauSimArgs> = {
  '--enterprises': 'enterprises',
  '--seed': 'seed',
  '--devices': 'devices',
  '--rtd-interval-s': 'rtdIntervalS',
  '--minute-interval-s': 'minuteIntervalS',
  '--hour-interval-s': 'hourIntervalS',
  '--exceed-share': 'exceedShare',
  '--duration-s': 'durationS',
};

export const DAU_SIM_USAGE = `hub dau-sim --target HOST:PORT --enterprises N --seed S [--print-bindings] [--today YYYY-MM-DD] [--first-hour YYYYMMDDhh]
  ${[...Object.keys(NUMBERS), ...Object.keys(RATES)].join(' ')}`;

/** Parses `hub dau-sim` arguments; throws with the valid flags on a bad one. */
export function parseDauSimArgs(argv: readonly string[]): DauSimArgs {
  const a: DauSimArgs = {
    host: '127.0.0.1',
    port: 4212,
    enterprises: 0,
    seed: 1,
    printBindings: false,
    rtdIntervalS: 0,
    minuteIntervalS: 60,
    hourIntervalS: 3600,
    exceedShare: 0.05,
    durationS: null,
    faults: { ...NO_DAU_FAULTS },
  };
  let target = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (v: string, rate = false) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || (rate && (n < 0 || n > 1)))
        throw new Error(`${flag} must be ${rate ? 'a share between 0 and 1' : 'a number'}, got '${v}'`);
      return n;
    };
    if (flag === '--print-bindings') a.printBindings = true;
    else if (flag === '--target') {
      const m = /^(.+):(\d+)$/.exec(value());
      if (!m) throw new Error('--target must be HOST:PORT');
      a.host = m[1];
      a.port = Number(m[2]);
      target = true;
    } else if (flag === '--today') a.today = value();
    else if (flag === '--first-hour') {
      const v = value();
      if (!/^\d{10}$/.test(v)) throw new Error('--first-hour must be YYYYMMDDhh (China time)');
      a.firstHour = `${v}0000`;
    } else if (RATES[flag]) a.faults[RATES[flag]] = num(value(), true);
    else if (NUMBERS[flag]) (a as unknown as Record<string, number>)[NUMBERS[flag]] = num(value(), NUMBERS[flag] === 'exceedShare');
    else throw new Error(`unknown argument '${flag}'\n${DAU_SIM_USAGE}`);
  }
  if (!a.enterprises) throw new Error(`--enterprises N is required\n${DAU_SIM_USAGE}`);
  if (!target && !a.printBindings) throw new Error(`--target HOST:PORT is required\n${DAU_SIM_USAGE}`);
  return a;
}

/** The first minute of sending (connections, first packets, the hub's first look-ups) is reported apart from the steady state after it. */
const RAMP_UP_MS = 60_000;

/** Milliseconds at percentile `p` of a histogram of milliseconds (0 when empty). */
function ms(h: { count: number; percentile(p: number): number }, p: number): number {
  return h.count ? h.percentile(p) : 0;
}

/** p50/p99/max in ms of an event-loop delay histogram (nanoseconds), then a fresh one begins. */
function takeDelay(h: IntervalHistogram): string {
  const r = h.count ? `p50 ${(h.percentile(50) / 1e6).toFixed(0)} ms p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms max ${(h.max / 1e6).toFixed(0)} ms` : 'n/a';
  h.reset();
  return r;
}

/** Runs `hub dau-sim`; resolves when `--duration-s` has passed (or at once for `--print-bindings`). */
export async function runDauSimCommand(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const a = parseDauSimArgs(argv);
  const devices = provinceDaus({ enterprises: a.enterprises, seed: a.seed, today: a.today, limit: a.devices });
  if (a.printBindings) {
    out(bindingFile(devices));
    return;
  }
  const sim = new DauSimulator({
    host: a.host,
    port: a.port,
    devices,
    seed: a.seed,
    rtdIntervalMs: a.rtdIntervalS * 1000,
    minuteIntervalMs: a.minuteIntervalS * 1000,
    hourIntervalMs: a.hourIntervalS * 1000,
    firstHour: a.firstHour,
    exceedShare: a.exceedShare,
    faults: a.faults,
    rampUpMs: RAMP_UP_MS,
  });
  // The simulator's own event-loop delay: time its DAUs' answers wait to be read (it inflates the latencies measured here).
  const delay = { window: monitorEventLoopDelay({ resolution: 10 }), steady: monitorEventLoopDelay({ resolution: 10 }) };
  delay.window.enable();
  await sim.start();
  out(`dau-sim: ${devices.length} DAUs connected to ${a.host}:${a.port}`);
  const rampUp = setTimeout(() => delay.steady.enable(), RAMP_UP_MS);
  const report = () => {
    const s = sim.stats;
    const { all, steady } = s.latency;
    const w = sim.takeWindow();
    out(
      `dau-sim: packets ${s.distinctPackets} (hourly ${s.hourlyPackets}, exceeding hours ${s.exceedingHours}), answers ${s.answers}, ` +
        `CRC refusals ${s.crcRefusals}, repeats ${s.repeatsSent}, reconnects ${s.reconnects}, unanswered ${sim.unanswered()}, ` +
        `answer p50 ${ms(all, 50)} ms p99 ${ms(all, 99)} ms; after the first 60 s p50 ${ms(steady, 50)} ms p99 ${ms(steady, 99)} ms (n=${steady.count}); ` +
        `last window p50 ${w.p50} ms p99 ${w.p99} ms max ${w.max} ms (n=${w.count}); simulator event-loop delay last window ${takeDelay(delay.window)}`,
    );
  };
  const ticker = setInterval(report, 10_000);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (a.durationS !== null) setTimeout(stop, a.durationS * 1000);
  });
  clearInterval(ticker);
  clearTimeout(rampUp);
  const steadyDelay = takeDelay(delay.steady);
  sim.halt();
  await sim.drain(15_000);
  report();
  out(`dau-sim: simulator event-loop delay after the first 60 s: ${steadyDelay}`);
  delay.window.disable();
  delay.steady.disable();
  sim.stop();
}
