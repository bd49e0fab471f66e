/**
 * Benchmark: full sync of all five source systems (permit, enforcement,
 * penalty, monitoring, and the declaratively registered credit system) of a
 * generated province into an empty store, against a bare COPY of the same
 * rows into the same tables, measured in the same run. The simulator runs in
 * its own process so the peak RSS printed is the hub's. Prints, asserts nothing.
 *
 *   npm run build && DATABASE_URL=postgres://… node dist/bench/full-sync.bench.js [--enterprises 260000] [--keep]
 *
 * `--keep` leaves the synced store in place and prints its URL, so that the
 * steady-state figures of the same province (monitoring.bench.ts
 * `--reuse-database`, search.bench.ts `--reuse-database`) can be measured on it.
 *
 * Targets (issue 3): ≤ 120 s, ≤ 3× the bare COPY, peak RSS ≤ 400 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createHubServices } from '../src/app/hub-services';
import { applyMemoryBudget } from '../src/app/memory-budget';
import { loadConfig } from '../src/config/config';
import { connectDatabase } from '../src/db/database';
import { projectRoot } from '../src/config/project-root';
import { freshBenchDatabase, machineLine, peakRssMb, printRunTable, spawnSimulator, runBench } from './support/bench-env';

const CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];
const TABLES = ['enterprise', 'permit', 'enforcement_record', 'penalty', 'monitoring_day', 'credit_rating', 'source_record', 'source_batch'];

async function copyColumns(c: Client, table: string): Promise<string> {
  const res = await c.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  return res.rows.map((r) => `"${r.column_name}"`).join(', ');
}

/** Dumps the synced rows to files, loads them with COPY into a fresh store, and returns the load time in seconds. */
async function bareCopy(sourceUrl: string, targetUrl: string): Promise<{ seconds: number; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-copy-'));
  const src = new Client({ connectionString: sourceUrl });
  const dst = new Client({ connectionString: targetUrl });
  await src.connect();
  await dst.connect();
  try {
    const cols: Record<string, string> = {};
    for (const t of TABLES) {
      cols[t] = await copyColumns(src, t);
      // A query, not the table: COPY TO cannot read a partitioned table (monitoring_day) directly.
      await pipeline(src.query(copyTo(`copy (select ${cols[t]} from ${t}) to stdout`)), fs.createWriteStream(path.join(dir, `${t}.copy`)));
    }
    let rows = 0;
    const t0 = process.hrtime.bigint();
    for (const t of TABLES) {
      const stream = dst.query(copyFrom(`copy ${t} (${cols[t]}) from stdin`));
      await pipeline(fs.createReadStream(path.join(dir, `${t}.copy`)), stream);
      rows += Number(stream.rowCount ?? 0);
    }
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
  } finally {
    await src.end();
    await dst.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  applyMemoryBudget(); // as the hub CLI does

  const { values } = parseArgs({
    options: { enterprises: { type: 'string', default: '260000' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } },
  });
  const n = Number(values.enterprises);
  console.log(`full sync benchmark: ${n} enterprises, five systems — ${machineLine()}`);
  const tSim = Date.now();
  const sim = await spawnSimulator(['--enterprises', String(n), '--seed', values.seed!]);
  console.log(`simulator ready in ${((Date.now() - tSim) / 1000).toFixed(1)} s (separate process)`);
  const bench = await freshBenchDatabase('full');
  const copyName = `hub_bench_copy_${process.pid}`;
  const copyUrl = (() => {
    const u = new URL(bench.url);
    u.pathname = `/${copyName}`;
    return u.toString();
  })();
  try {
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url, HUB_SYNC_CONCURRENCY: process.env.HUB_SYNC_CONCURRENCY }), bench.db, {});
    await services.declarativeConnectors.register(
      JSON.parse(fs.readFileSync(path.join(projectRoot(), 'connectors', 'credit-rating.declarative.json'), 'utf8')),
    );
    console.log(`server: ${bench.server}\n`);
    // As `hub sync` runs them: HUB_SYNC_CONCURRENCY connectors at a time (default 1).
    const concurrency = services.runner.concurrency;
    console.log(`connectors run ${concurrency} at a time (HUB_SYNC_CONCURRENCY), as hub sync runs them\n`);
    const t0 = process.hrtime.bigint();
    const runs = await services.runner.syncAll(CONNECTORS, 'bench', { skipPostSync: true });
    const total = Number(process.hrtime.bigint() - t0) / 1e9;
    const peak = peakRssMb();
    printRunTable(runs, { seconds: total });
    console.log(`\npeak RSS of the hub process during the sync: ${peak} MB`);

    const admin = new Client({ connectionString: bench.url });
    await admin.connect();
    await admin.query(`drop database if exists "${copyName}" with (force)`);
    await admin.query(`create database "${copyName}"`);
    await admin.end();
    const copyDb = await connectDatabase(copyUrl);
    await copyDb.close();
    const copy = await bareCopy(bench.url, copyUrl);
    console.log(`bare COPY of the same ${copy.rows} rows into the same tables: ${copy.seconds.toFixed(1)} s`);
    console.log(`full sync / bare COPY: ${(total / copy.seconds).toFixed(2)}×   (targets: sync ≤ 120 s, ≤ 3×, RSS ≤ 400 MB)`);
  } finally {
    const admin = new Client({ connectionString: bench.url });
    await admin
      .connect()
      .then(() => admin.query(`drop database if exists "${copyName}" with (force)`))
      .catch(() => undefined);
    await admin.end().catch(() => undefined);
    if (values.keep) {
      await bench.db.close();
      console.log(`kept database: ${bench.url}`);
    } else await bench.drop();
    await sim.stop();
  }
}

runBench(main);
