/**
 * `npm run bench`: runs every benchmark of the project on the generated
 * province (260,000 enterprises unless --enterprises says otherwise), each in
 * its own process, one after another, and writes bench/RESULTS.md with the
 * machine, the exact commands, their full output, wall times and — where a
 * benchmark is repeated (--runs) — the median and spread of its wall time.
 * Benchmarks print figures; nothing here asserts a target.
 *
 *   npm run bench [-- --enterprises N] [--runs R] [--only name,name]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/config/project-root';
import { runBench } from './support/bench-env';

interface BenchSpec {
  name: string;
  script: string;
  args: (n: number) => string[];
  /** What it measures, for the results table. */
  about: string;
  /** Worth repeating at full scale (cheap enough). */
  repeat: boolean;
  /** Needs `npm i` in bench/postgraphile first. */
  needsPostgraphile?: boolean;
  /** The headline figures, read from the output: a label and a pattern whose first group is the number. */
  figures: { label: string; pattern: RegExp; unit: string }[];
}

const BENCHES: BenchSpec[] = [
  {
    name: 'permit-sync',
    script: 'permit-sync.bench.js',
    args: (n) => ['--enterprises', String(n)],
    about: 'permit system sync into an empty store: enterprises/s, peak RSS (target ≤ 30 s)',
    repeat: true,
    figures: [
      { label: 'sync', pattern: /^time:\s+([\d.]+) s/m, unit: 's' },
      { label: 'peak RSS', pattern: /^peak RSS \(hub\):\s+(\d+) MB/m, unit: 'MB' },
    ],
  },
  {
    name: 'full-sync',
    script: 'full-sync.bench.js',
    args: (n) => ['--enterprises', String(n)],
    about: 'all five systems into an empty store as hub sync runs them, vs bare COPY: records/s per connector, peak RSS (targets ≤ 120 s, ≤ 3× COPY, ≤ 400 MB)',
    repeat: false,
    figures: [
      { label: 'sync (wall)', pattern: /^all \(wall\)\s+\d+\s+([\d.]+)/m, unit: 's' },
      { label: 'records/s', pattern: /^all \(wall\)\s+\d+\s+[\d.]+\s+(\d+)/m, unit: '' },
      { label: 'peak RSS', pattern: /peak RSS of the hub process during the sync: (\d+) MB/, unit: 'MB' },
      { label: 'bare COPY', pattern: /into the same tables: ([\d.]+) s/, unit: 's' },
      { label: 'sync / COPY', pattern: /full sync \/ bare COPY: ([\d.]+)×/, unit: '×' },
    ],
  },
  {
    name: 'resolution',
    script: 'resolution.bench.js',
    // The province's scale (the bench alone defaults to 20,000; --full is 260,000); 30 days of monitoring, which noise does not change.
    args: (n) => ['--enterprises', String(n), '--monitoring-days', '30'],
    about:
      'entity resolution: full sync without and with 5 % noisy references; precision, recall, linked/queued/quarantined (targets ≥ 99.9 %, ≥ 95 %, nothing lost, time and RSS within 10 %)',
    repeat: false,
    figures: [
      { label: 'precision', pattern: /^precision of automatic links: ([\d.]+) %/m, unit: '%' },
      { label: 'recall', pattern: /^recall of automatic links: ([\d.]+) %/m, unit: '%' },
      { label: 'time noisy/clean', pattern: /^time with \/ without noise: ([\d.]+)×/m, unit: '×' },
      { label: 'RSS noisy/clean', pattern: /^peak RSS with \/ without noise: ([\d.]+)×/m, unit: '×' },
      { label: 'lost', pattern: /quarantined \d+, lost (\d+)$/m, unit: '' },
    ],
  },
  {
    name: 'monitoring',
    script: 'monitoring.bench.js',
    args: (n) => ['--enterprises', String(n)],
    about:
      'three years of monitoring (1,095 dates) for N enterprises: sync into an empty store (rows/s, peak RSS), rescore --all at that volume, per-enterprise monitoringDays p95, table+index size and bytes per row',
    repeat: false,
    figures: [
      { label: 'sync (wall)', pattern: /^sync \(wall\): ([\d.]+) s/m, unit: 's' },
      { label: 'monitoring rows/s', pattern: /^monitoring rows\/s: (\d+)/m, unit: '' },
      { label: 'peak RSS', pattern: /peak RSS of the hub process during the sync: (\d+) MB/, unit: 'MB' },
      { label: 'rescore --all', pattern: /^rescore --all \(steady\): ([\d.]+) s/m, unit: 's' },
      { label: 'monitoringDays p95', pattern: /p95 ([\d.]+) ms/, unit: 'ms' },
      { label: 'bytes/row', pattern: /^bytes per monitoring row: (\d+)/m, unit: 'B' },
    ],
  },
  {
    name: 'supervision',
    script: 'supervision.bench.js',
    args: (n) => ['--enterprises', String(n)],
    about:
      'random-inspection draw for the province with 5,000 inspectors (target ≤ 10 s); dispatch of one warning per 20 enterprises as tasks, and their escalation; supervisionStats for the province (target ≤ 500 ms)',
    repeat: false,
    figures: [
      { label: 'draw (province)', pattern: /^draw \(province[^)]*\)\s+([\d.]+) s/m, unit: 's' },
      { label: 'dispatch', pattern: /^dispatch \([^)]*\)\s+([\d.]+) s/m, unit: 's' },
      { label: 'escalate', pattern: /^escalate overdue tasks\s+([\d.]+) s/m, unit: 's' },
      { label: 'supervisionStats (province)', pattern: /^supervisionStats \(province, \d[^)]*\)\s+median (\d+) ms/m, unit: 'ms' },
    ],
  },
  {
    name: 'rescore',
    script: 'rescore.bench.js',
    args: (n) => ['--enterprises', String(n)],
    about: 'rescore --all and incremental 1,000-enterprise batches (targets ≤ 10 s, ≤ 200 ms)',
    repeat: false,
    figures: [
      { label: 'rescore --all (first)', pattern: /^rescore --all \(first scoring\)\s+([\d.]+) s/m, unit: 's' },
      { label: 'rescore --all (steady)', pattern: /^rescore --all \(steady state\)\s+([\d.]+) s/m, unit: 's' },
      { label: 'incremental 1,000 (median of 5)', pattern: /^incremental 1,000: median (\d+) ms/m, unit: 'ms' },
      { label: 'incremental 1,000 all changed', pattern: /^incremental 1,000 with changes: (\d+) ms/m, unit: 'ms' },
    ],
  },
  {
    name: 'search',
    script: 'search.bench.js',
    args: (n) => ['--enterprises', String(n), '--clients', '8', '--seconds', '15'],
    about: 'seed search p50/p95/p99 (one client; then 8) and requests/s vs PostGraphile 4.14.1 (targets p95 ≤ 20 ms, ≥ 1.5×)',
    repeat: false,
    needsPostgraphile: true,
    figures: [
      { label: 'p50 (1 client)', pattern: /^hub\s+1 client:\s+p50 ([\d.]+) ms/m, unit: 'ms' },
      { label: 'p95 (1 client)', pattern: /^hub\s+1 client:.*p95 ([\d.]+) ms/m, unit: 'ms' },
      { label: 'p99 (1 client)', pattern: /^hub\s+1 client:.*p99 ([\d.]+) ms/m, unit: 'ms' },
      { label: 'hub req/s', pattern: /^throughput:\s+hub (\d+) req\/s/m, unit: '' },
      { label: 'PostGraphile req/s', pattern: /PostGraphile (\d+) req\/s, ratio/, unit: '' },
      { label: 'ratio', pattern: /ratio ([\d.]+)×/, unit: '×' },
      { label: 'SQL statements/request', pattern: /^SQL statements\/req:\s+(\d+) at first: 50/m, unit: '' },
    ],
  },
  {
    name: 'realtime',
    script: 'realtime.bench.js',
    args: () => ['--runs', '10', '--subscribers', '5000'],
    about: 'commit → subscriber latency, 5,000 subscribers (target ≤ 1 s p95)',
    repeat: true,
    figures: [
      { label: 'scoreChanged p95', pattern: /scoreChanged\s+p50 [\d.]+ ms, p95 ([\d.]+) ms/, unit: 'ms' },
      { label: 'warningRaised p95', pattern: /warningRaised\s+p50 [\d.]+ ms, p95 ([\d.]+) ms/, unit: 'ms' },
      { label: '5,000 subscribers: commit → last receipt', pattern: /→ last receipt (\d+) ms/, unit: 'ms' },
      { label: 'RSS per subscriber', pattern: /\(([\d.]+) KB per subscriber\)/, unit: 'KB' },
    ],
  },
  {
    name: 'hj212',
    script: 'hj212.bench.js',
    // Scale from HJ212_BENCH_DEVICES / HJ212_BENCH_SECONDS / HJ212_BENCH_INTERVAL_S (default 20,000 DAUs, 300 s, every 10 s).
    args: () => [],
    about:
      'hub dau-sim with 20,000 DAUs (minute data) against one hub serve for 5 minutes: packets/s, lost/duplicated, sent → answer and → commit p50/p99, hub RSS, exceedance → subscriber (targets ≥ 1,000/s, p99 answer ≤ 200 ms, ≤ 2 s, ≤ 500 MB)',
    repeat: false,
    figures: [
      { label: 'packets/s sustained', pattern: /^packets\/s sustained:\s+(\d+)/m, unit: '/s' },
      { label: 'lost', pattern: /; lost (\d+), duplicated/, unit: '' },
      { label: 'duplicated', pattern: /, duplicated (\d+);/, unit: '' },
      { label: 'sent → answer p50', pattern: /^sent → answer received:\s+p50 (\d+) ms/m, unit: 'ms' },
      { label: 'sent → answer p99', pattern: /^sent → answer received:\s+p50 \d+ ms, p99 (\d+) ms/m, unit: 'ms' },
      { label: 'sent → commit p50', pattern: /^sent → row committed:\s+p50 (\d+) ms/m, unit: 'ms' },
      { label: 'sent → commit p99', pattern: /^sent → row committed:\s+p50 \d+ ms, p99 (\d+) ms/m, unit: 'ms' },
      { label: 'hub RSS (peak)', pattern: /^hub RSS:\s+peak (\d+) MB/m, unit: 'MB' },
      { label: 'exceedance → subscriber (max of 3)', pattern: /^exceedance → subscriber:.*\(max (\d+) ms\)/m, unit: 'ms' },
    ],
  },
];

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => resolve({ code, out, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const { values } = parseArgs({
    options: { enterprises: { type: 'string', default: '260000' }, runs: { type: 'string', default: '3' }, only: { type: 'string' } },
  });
  const n = Number(values.enterprises);
  const runs = Math.max(1, Number(values.runs));
  const only = values.only ? new Set(values.only.split(',')) : null;
  const root = projectRoot();
  const dist = path.join(root, 'dist', 'bench');
  const started = new Date();
  const sections: string[] = [];
  const summary: string[] = [];
  const figureRows: string[] = [];
  for (const b of BENCHES) {
    if (only && !only.has(b.name)) continue;
    if (b.needsPostgraphile && !fs.existsSync(path.join(root, 'bench', 'postgraphile', 'node_modules'))) {
      console.log(`== installing PostGraphile for the ${b.name} benchmark (bench/postgraphile)`);
      await run('npm', ['install', '--no-audit', '--no-fund'], path.join(root, 'bench', 'postgraphile'));
    }
    const args = [path.join(dist, b.script), ...b.args(n)];
    const times: number[] = [];
    const outputs: string[] = [];
    const reps = b.repeat ? runs : 1;
    for (let i = 0; i < reps; i++) {
      console.log(`\n== ${b.name} (${i + 1}/${reps}): node ${path.relative(root, args[0])} ${args.slice(1).join(' ')}`);
      const r = await run(process.execPath, args, root);
      times.push(r.seconds);
      outputs.push(`exit ${r.code}, ${r.seconds.toFixed(1)} s wall\n\n${r.out.trim()}`);
    }
    for (const f of b.figures) {
      const values = outputs
        .map((o) => f.pattern.exec(o)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number);
      const shown = values.length ? values.map((v) => `${v}${f.unit === '×' ? '×' : ''}`).join(', ') : 'not printed';
      const spread = values.length > 1 ? ` — median ${median(values)}, range ${Math.min(...values)}–${Math.max(...values)}` : '';
      figureRows.push(`| ${b.name} | ${f.label} | ${shown}${f.unit && f.unit !== '×' ? ` ${f.unit}` : ''}${spread} |`);
    }
    summary.push(`| ${b.name} | ${b.about} | ${reps} | ${times.map((t) => t.toFixed(1)).join(', ')} s |`);
    sections.push(
      `## ${b.name}\n\n${b.about}\n\n\`\`\`\nnode dist/bench/${b.script} ${b.args(n).join(' ')}\n\`\`\`\n\n${outputs.map((o, i) => `${reps > 1 ? `Run ${i + 1}:\n\n` : ''}\`\`\`\n${o}\n\`\`\``).join('\n\n')}\n`,
    );
  }
  const cpus = os.cpus();
  const doc = `# Benchmark results

Written by \`npm run bench\` (bench/run-all.bench.ts) from a real run; every figure below
is printed by the benchmark named in its section. Targets are not asserted anywhere.

- when: ${started.toISOString()} – ${new Date().toISOString()}
- machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}
- load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}
- database: ${process.env.DATABASE_URL ? 'DATABASE_URL (' + new URL(process.env.DATABASE_URL).host + ')' : 'embedded PostgreSQL (.bench-data/)'}
- province: ${n} generated enterprises (seed 1)

| benchmark | measures | runs | wall time of the script |
| --- | --- | --- | --- |
${summary.join('\n')}

Headline figures, read from the outputs below (several values: one per run):

| benchmark | figure | value |
| --- | --- | --- |
${figureRows.join('\n')}

${sections.join('\n')}`;
  fs.writeFileSync(path.join(root, 'bench', 'RESULTS.md'), doc);
  console.log(`\nwrote bench/RESULTS.md`);
}

runBench(main);
