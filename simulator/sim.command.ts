/**
 * `hub sim`: starts the simulator of the five source systems from the command line.
 *
 * `hub sim [--data DIR | --enterprises N --seed S] [--port N] [--host H] [--today D]
 *  [--monitoring-days N] [--fault-500 R] [--fault-timeout R] [--fault-timeout-ms MS]
 *  [--fault-malformed R] [--fault-duplicate R] [--fault-drop R] [--fault-retry-after S]
 *  [--fault-seed S] [--omit-malformed] [--identity-noise R] [--identity-noise-seed S]`
 */
import type { FaultConfig } from './fault-injection';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from './sim.server';

type FlagSpec = { key: string; kind: 'string' | 'int' | 'rate' | 'number' | 'bool'; fault?: keyof FaultConfig };

const FLAGS: Record<string, FlagSpec> = {
  '--data': { key: 'dataDir', kind: 'string' },
  '--enterprises': { key: 'enterprises', kind: 'int' },
  '--seed': { key: 'seed', kind: 'int' },
  '--port': { key: 'port', kind: 'int' },
  '--host': { key: 'host', kind: 'string' },
  '--today': { key: 'today', kind: 'string' },
  '--monitoring-days': { key: 'monitoringDays', kind: 'int' },
  '--fault-500': { key: 'error500Rate', kind: 'rate', fault: 'error500Rate' },
  '--fault-timeout': { key: 'timeoutRate', kind: 'rate', fault: 'timeoutRate' },
  '--fault-timeout-ms': { key: 'timeoutMs', kind: 'number', fault: 'timeoutMs' },
  '--fault-malformed': { key: 'malformedRate', kind: 'rate', fault: 'malformedRate' },
  '--fault-duplicate': { key: 'duplicateRate', kind: 'rate', fault: 'duplicateRate' },
  '--fault-drop': { key: 'dropRate', kind: 'rate', fault: 'dropRate' },
  '--fault-retry-after': { key: 'retryAfterSeconds', kind: 'int', fault: 'retryAfterSeconds' },
  '--fault-seed': { key: 'seed', kind: 'int', fault: 'seed' },
  '--omit-malformed': { key: 'omitMalformed', kind: 'bool', fault: 'omitMalformed' },
  '--identity-noise': { key: 'identityNoise', kind: 'rate' },
  '--identity-noise-seed': { key: 'identityNoiseSeed', kind: 'int' },
};

/** Usage text of `hub sim`. */
export const SIM_USAGE = `hub sim [--data DIR | --enterprises N --seed S] [options]
  ${Object.keys(FLAGS).join(' ')}`;

/**
 * Parses the arguments of `hub sim` into simulator options.
 * @throws Error listing the valid flags when a flag is unknown or a value is bad
 */
export function parseSimArgs(argv: readonly string[]): SimulatorOptions {
  const opts: Record<string, unknown> = {};
  const faults: Partial<Record<keyof FaultConfig, unknown>> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=')
        ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
        : [argv[i], undefined];
    const spec = FLAGS[flag];
    if (!spec) throw new Error(`unknown argument '${argv[i]}'; valid flags: ${Object.keys(FLAGS).join(', ')}`);
    let value: unknown = true;
    if (spec.kind !== 'bool') {
      const raw = inline ?? argv[++i];
      if (raw === undefined) throw new Error(`${flag} needs a value`);
      if (spec.kind === 'string') value = raw;
      else {
        const n = Number(raw);
        const ok =
          raw.trim() !== '' &&
          Number.isFinite(n) &&
          (spec.kind !== 'int' || Number.isInteger(n)) &&
          (spec.kind !== 'rate' || (n >= 0 && n <= 1)) &&
          n >= (spec.key === 'seed' ? -Infinity : 0);
        if (!ok)
          throw new Error(
            `${flag} must be ${spec.kind === 'rate' ? 'a share between 0 and 1' : spec.kind === 'int' ? 'an integer' : 'a number'}, got '${raw}'`,
          );
        value = n;
      }
    }
    if (spec.fault) faults[spec.fault] = value;
    else opts[spec.key] = value;
  }
  if (opts.dataDir !== undefined && opts.enterprises !== undefined) throw new Error('use either --data DIR or --enterprises N, not both');
  const out = opts as SimulatorOptions;
  if (Object.keys(faults).length) out.faults = faults as Partial<FaultConfig>;
  return out;
}

/** One line describing a running simulator. */
export function describeSimulator(sim: RunningSimulator): string {
  const c = sim.store.counts();
  return (
    `simulator listening on ${sim.url} — permit ${c.permit}, enforcement ${c.enforcement} (${c.enforcementRecords} records), ` +
    `penalty ${c.penalty}, monitoring ${c.monitoring}, credit ${c.credit}`
  );
}

/**
 * Runs `hub sim`: starts the server, prints its URL and record counts, and closes
 * cleanly on SIGINT/SIGTERM. Resolves once the server listens.
 */
export async function runSimCommand(argv: string[]): Promise<void> {
  const opts = parseSimArgs(argv);
  const sim = await startSimulator({ port: 4100, ...opts });
  console.log(describeSimulator(sim));
  let closing = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    console.log(`simulator: ${signal}, closing`);
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
