/**
 * `hub dau-sim`: plays the DAUs of the monitored outlets of `hub sim`'s generated province
 * against an HJ 212 gateway.
 *
 * `hub dau-sim --target HOST:PORT --enterprises N --seed S [--print-bindings] [--today D]
 *  [--devices N] [--rtd-interval-s S] [--minute-interval-s S] [--hour-interval-s S] [--first-hour YYYYMMDDhh]
 *  [--exceed-share R] [--fault-split R] [--fault-merge R] [--fault-bad-crc R] [--fault-2005 R]
 *  [--fault-lowercase-crc R] [--fault-withhold R] [--fault-reconnect R] [--duration-s S]`
 */
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

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
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
  });
  await sim.start();
  out(`dau-sim: ${devices.length} DAUs connected to ${a.host}:${a.port}`);
  const report = () => {
    const l = [...sim.stats.latenciesMs].sort((x, y) => x - y);
    const s = sim.stats;
    out(
      `dau-sim: packets ${s.distinctPackets} (hourly ${s.hourlyPackets}, exceeding hours ${s.exceedingHours}), answers ${s.answers}, ` +
        `CRC refusals ${s.crcRefusals}, repeats ${s.repeatsSent}, reconnects ${s.reconnects}, unanswered ${sim.unanswered()}, ` +
        `answer p50 ${percentile(l, 50)} ms p99 ${percentile(l, 99)} ms`,
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
  sim.halt();
  await sim.drain(15_000);
  report();
  sim.stop();
}
