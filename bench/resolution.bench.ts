/**
 * Benchmark of entity resolution (issue 20): the generated province synced into an
 * empty store twice, each in a process of its own — without identity noise and with
 * a share of noisy references (default 5 %: records naming their enterprise by
 * organisation code, permit number or a name typed differently) — printing the
 * sync's wall time and peak RSS of both, and for the noisy run the precision and
 * recall of automatic links and the counts linked / queued / quarantined / lost,
 * against the simulator's truth. Asserts nothing.
 *
 * Monitoring history is short (30 days unless --monitoring-days says otherwise): the
 * bench measures resolution's cost on a full sync, not the monitoring volume, which
 * is the same with and without noise (bench/monitoring.bench.ts measures that).
 *
 *   npm run build && node dist/bench/resolution.bench.js [--enterprises N | --full] [--noise R] [--monitoring-days D] [--connectors a,b]
 *   (default 20,000 enterprises; --full is the 260,000-enterprise province; RESOLUTION_BENCH_ENTERPRISES=N also sets the scale)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHubServices } from '../src/app/hub-services';
import { applyMemoryBudget } from '../src/app/memory-budget';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/project-root';
import { TruthRecord, evaluateResolution, formatResolutionFigures, ResolutionFigures } from '../src/resolution/resolution-evaluation';
import { freshBenchDatabase, machineLine, peakRssMb, spawnSimulator, runBench } from './support/bench-env';

const ALL_CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];

interface RunResult {
  noise: number;
  seconds: number;
  peakRssMb: number;
  records: number;
  failed: string[];
  figures?: { all: ResolutionFigures; bySource: Record<string, ResolutionFigures> };
}

/** One sync in this process: simulator with `noise`, fresh database, every connector as hub sync runs them. */
async function child(n: number, noise: number, seed: string, monitoringDays: number, connectors: string[]): Promise<void> {
  applyMemoryBudget();
  const sim = await spawnSimulator([
    '--enterprises',
    String(n),
    '--seed',
    seed,
    '--monitoring-days',
    String(monitoringDays),
    ...(noise > 0 ? ['--identity-noise', String(noise)] : []),
  ]);
  const bench = await freshBenchDatabase(`resolution_${noise > 0 ? 'noisy' : 'clean'}`);
  try {
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url, HUB_SYNC_CONCURRENCY: process.env.HUB_SYNC_CONCURRENCY }), bench.db, {});
    if (connectors.includes('credit-rating'))
      await services.declarativeConnectors.register(
        JSON.parse(fs.readFileSync(path.join(projectRoot(), 'connectors', 'credit-rating.declarative.json'), 'utf8')),
      );
    const t0 = process.hrtime.bigint();
    const runs = await services.runner.syncAll(connectors, 'bench', { skipPostSync: true });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const result: RunResult = {
      noise,
      seconds,
      peakRssMb: peakRssMb(),
      records: runs.reduce((s, r) => s + r.fetched, 0),
      failed: runs.filter((r) => r.status !== 'SUCCEEDED').map((r) => `${r.connectorId}: ${r.error}`),
    };
    if (noise > 0) {
      const truth = ((await (await fetch(`${sim.url}/admin/truth`)).json()) as { records: TruthRecord[] }).records;
      result.figures = await evaluateResolution(bench.db.pool, truth);
    }
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await bench.drop();
    await sim.stop();
  }
}

function runChild(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [__filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`run ${args.join(' ')} exited ${code}:\n${out}`));
      else resolve(JSON.parse(line.slice(7)) as RunResult);
    });
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: process.env.RESOLUTION_BENCH_ENTERPRISES ?? '20000' },
      full: { type: 'boolean' },
      noise: { type: 'string', default: '0.05' },
      'monitoring-days': { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      connectors: { type: 'string', default: ALL_CONNECTORS.join(',') },
      child: { type: 'boolean' },
    },
  });
  const n = values.full ? 260_000 : Number(values.enterprises);
  const noise = Number(values.noise);
  const monitoringDays = Number(values['monitoring-days']);
  const connectors = values.connectors!.split(',').filter(Boolean);
  if (values.child) return child(n, noise, values.seed!, monitoringDays, connectors);

  console.log(
    `entity resolution benchmark: ${n} enterprises, ${(noise * 100).toFixed(1)} % noisy references, connectors ${connectors.join(', ')} — ${machineLine()}`,
  );
  console.log(
    `monitoring history: ${monitoringDays} days (short on purpose: this bench measures resolution within a full sync, not the monitoring volume, which noise does not change)`,
  );
  const base = [
    '--child',
    '--enterprises',
    String(n),
    '--seed',
    values.seed!,
    '--monitoring-days',
    String(monitoringDays),
    '--connectors',
    connectors.join(','),
  ];
  const clean = await runChild([...base, '--noise', '0']);
  const noisy = await runChild([...base, '--noise', String(noise)]);
  for (const r of [clean, noisy]) {
    console.log(
      `sync ${r.noise > 0 ? 'with noise   ' : 'without noise'}: ${r.seconds.toFixed(1)} s, ${r.records} records, peak RSS ${r.peakRssMb} MB${r.failed.length ? `, FAILED ${r.failed.join('; ')}` : ''}`,
    );
  }
  console.log(`time with / without noise: ${(noisy.seconds / clean.seconds).toFixed(3)}×`);
  console.log(`peak RSS with / without noise: ${(noisy.peakRssMb / clean.peakRssMb).toFixed(3)}×`);
  const f = noisy.figures!;
  console.log(`precision of automatic links: ${(f.all.precision * 100).toFixed(3)} %`);
  console.log(`recall of automatic links: ${(f.all.recall * 100).toFixed(2)} %`);
  const accounted = f.all.autoLinked + f.all.stewardLinked + f.all.queued + f.all.quarantined;
  console.log(`accounted for: ${accounted} of ${f.all.noisy} noisy records (linked + queued + quarantined)`);
  console.log(`noisy ${f.all.noisy}: linked ${f.all.autoLinked}, queued ${f.all.queued}, quarantined ${f.all.quarantined}, lost ${f.all.lost}`);
  for (const l of formatResolutionFigures(f)) console.log(l);
}

runBench(main);
