/**
 * Benchmark of push (issue 7). A `hub serve` process runs as its own child
 * process; this process plays both the subscribers (stock graphql-ws clients)
 * and a syncing replica (its own services and pools on the same database).
 *
 * 1. Latency: for each run a change is made in the simulator (an order to
 *    suspend production, then its withdrawal), the enforcement connector is
 *    synced here, and the time from the commit of the rescoring (score event)
 *    and of the detector pass (warning event) to the subscriber's receipt is
 *    taken. Target ≤ 1 s p95.
 * 2. Fan-out: N subscribers (default 5,000) on the one `hub serve` process,
 *    each subscribed to `warningRaised`; the server's resident memory before
 *    and after they connect, and for one event the time until the first and
 *    the last of them has it.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/realtime.bench.js [--runs N] [--subscribers N]
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from 'graphql-ws';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/project-root';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { startSimulator } from '../simulator/sim.server';
import { freshBenchDatabase, machineLine, exitWhenDone } from './support/bench-env';
import { connectSubscriber } from './support/ws-subscriber';

const { values: args } = parseArgs({ options: { runs: { type: 'string' }, subscribers: { type: 'string' } } });
const RUNS = Number(args.runs ?? 10);
const SUBSCRIBERS = Number(args.subscribers ?? 5000);
const T = chinaToday();
const A = withCheckChar('91370102MABENCH01');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function main(): Promise<void> {
  const bench = await freshBenchDatabase('realtime');
  const sim = await startSimulator({ port: 0, enterprises: 0 });
  let serve: ChildProcess | undefined;
  const clients: Client[] = [];
  try {
    const permit = {
      creditCode: A,
      name: '推送基准企业',
      divisionCode: '370102',
      industryCode: 'C2614',
      supervisionLevel: 'GENERAL',
      managementClass: 'KEY',
      basin: 'YELLOW_RIVER',
      pollutionTypes: ['AIR'],
      airSources: [],
      monitoringFacilities: [],
      permits: [{ permitNo: `${A}P`, validFrom: addDays(T, -400), validTo: addDays(T, 400), status: 'VALID' }],
      updatedAt: `${addDays(T, -1)}T08:00:00+08:00`,
    };
    const post = (system: string, body: unknown[]) =>
      fetch(`${sim.url}/admin/records/${system}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    /** Posts enterprise A's measure `id` with `status` to the enforcement system and syncs it. */
    const syncMeasure = async (id: string, measureType: string, status: string) => {
      await post('enforcement', [
        { record_id: id, kind: 'MEASURE', credit_code: A, date: T, measure_type: measureType, status, modified_at: new Date().toISOString() },
      ]);
      await services.runner.syncAll(['enforcement']);
    };
    await post('permit', [permit]);

    // The syncing replica: its own services on the same database.
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), bench.db);
    await services.runner.syncAll(['permit', 'enforcement']);
    let scoreCommittedAt = 0;
    let warningsCommittedAt = 0;
    const rescore = services.scoring.scores.rescore.bind(services.scoring.scores);
    services.scoring.scores.rescore = async (req) => {
      const r = await rescore(req);
      scoreCommittedAt = performance.timeOrigin + performance.now();
      return r;
    };
    services.runner.addPostSyncStep({
      name: 'bench-mark',
      run: async (_db, touched) => {
        warningsCommittedAt = performance.timeOrigin + performance.now();
        return { enterprises: touched.length };
      },
    });
    const key = (await services.apiKeys.create({ name: 'bench', divisionCode: '370000', role: 'ADMIN' })).key;

    serve = spawn(process.execPath, [path.join(projectRoot(), 'bin', 'hub.js'), 'serve', '--port', '0'], {
      env: { ...process.env, DATABASE_URL: bench.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      // hub serve logs JSON on stderr; its readiness entry carries the port.
      serve!.stderr!.on('data', (d) => {
        process.stderr.write(d);
        out += d;
        const m = /^\{.*"port":(\d+).*"msg":"hub serving GraphQL"\}$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      serve!.on('exit', (code) => reject(new Error(`hub serve exited (${code}): ${out}`)));
    });
    const connect = () => connectSubscriber(port, key, clients);

    // 1. Latency, commit → receipt.
    const sub = await connect();
    const scores: number[] = [];
    const warnings: number[] = [];
    let lastScoreAt = 0;
    let lastWarningAt = 0;
    sub.subscribe(
      { query: 'subscription { scoreChanged { creditCode score } }' },
      { next: () => void (lastScoreAt = performance.timeOrigin + performance.now()), error: console.error, complete: () => undefined },
    );
    sub.subscribe(
      { query: 'subscription { warningRaised { id type } }' },
      {
        next: (v: any) => void (v.data.warningRaised.type === 'RISK_UP' && (lastWarningAt = performance.timeOrigin + performance.now())),
        error: console.error,
        complete: () => undefined,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < RUNS; i++) {
      for (const status of ['ACTIVE', 'WITHDRAWN']) {
        lastScoreAt = lastWarningAt = 0;
        await syncMeasure(`ENF-BENCH-${i}`, 'SUSPEND_PRODUCTION', status);
        await until(() => lastScoreAt > 0, 5000, 'score event');
        scores.push(lastScoreAt - scoreCommittedAt);
        if (status === 'ACTIVE') {
          await until(() => lastWarningAt > 0, 5000, 'warning event');
          warnings.push(lastWarningAt - warningsCommittedAt);
        }
      }
    }

    // 2. Fan-out to many subscribers on one process.
    const rssBefore = rssMb(serve.pid!);
    const t0 = Date.now();
    const many: Client[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 250) many.push(...(await Promise.all(Array.from({ length: Math.min(250, SUBSCRIBERS - i) }, connect))));
    const connectSeconds = (Date.now() - t0) / 1000;
    const received: number[] = [];
    for (const c of many) {
      c.subscribe(
        { query: 'subscription { warningRaised(filter: { types: [RISK_UP] }) { id type severity } }' },
        { next: () => void received.push(performance.timeOrigin + performance.now()), error: console.error, complete: () => undefined },
      );
    }
    const fanout = (status: string) => syncMeasure('ENF-BENCH-FANOUT', 'TRANSFER_CRIMINAL', status);
    // Warm-up: an event every subscriber receives proves all subscriptions are live before measuring.
    await fanout('ACTIVE');
    await until(() => received.length >= SUBSCRIBERS, 120_000, `${SUBSCRIBERS} warm-up receipts (got ${received.length})`);
    const rssAfter = rssMb(serve.pid!);
    await fanout('WITHDRAWN'); // risk back to LOW: the RISK_UP warning resolves itself
    await new Promise((r) => setTimeout(r, 500));
    received.length = 0;
    await fanout('ACTIVE'); // a new RISK_UP
    const committed = warningsCommittedAt;
    await until(() => received.length >= SUBSCRIBERS, 60_000, `${SUBSCRIBERS} receipts (got ${received.length})`);
    await new Promise((r) => setTimeout(r, 200));
    const first = Math.min(...received);
    const last = Math.max(...received);

    console.log(`\nrealtime benchmark — ${machineLine()}, ${bench.server}`);
    console.log(`latency, sync commit → subscriber receipt (hub serve in another process, ${RUNS} runs):`);
    console.log(`  scoreChanged   ${fmt(scores)}`);
    console.log(`  warningRaised  ${fmt(warnings)}`);
    console.log(`fan-out, ${SUBSCRIBERS} graphql-ws subscribers on one hub serve process:`);
    console.log(
      `  connected in ${connectSeconds.toFixed(1)} s; server RSS ${rssBefore} MB → ${rssAfter} MB (${(((rssAfter - rssBefore) * 1024) / SUBSCRIBERS).toFixed(1)} KB per subscriber)`,
    );
    console.log(
      `  one warning: commit → first receipt ${(first - committed).toFixed(0)} ms, → last receipt ${(last - committed).toFixed(0)} ms (fan-out spread ${(last - first).toFixed(0)} ms; ${received.length} receipts)`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    await sim.close();
    await bench.drop();
  }
}

exitWhenDone(main());
