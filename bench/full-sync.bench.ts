/**
 * Benchmark: full sync of all five source systems (permit, enforcement,
 * penalty, monitoring, and the declaratively registered credit system) of a
 * generated province into an empty store, against a bare COPY of the same
 * rows into the same tables, measured in the same run. The simulator runs in
 * its own process so the peak RSS printed is the hub's. Prints, asserts nothing.
 *
 *   npm run build && DATABASE_URL=postgres://… node dist/bench/full-sync.bench.js [--enterprises 260000] [--keep]
 *   node dist/bench/full-sync.bench.js --copy-from postgres://…/hub_bench_full_N   (the COPY alone, of a kept store)
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
import { connectDatabase, databaseUrlFor } from '../src/db/database';
import { projectRoot } from '../src/config/project-root';
import { freshBenchDatabase, machineLine, peakRssMb, printRunTable, spawnSimulator, runBench } from './support/bench-env';

/** The database the bare COPY loads into, beside the synced store; dropped when the bench ends. */
const COPY_STORE = `hub_bench_copy_${process.pid}`;

const CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];
/**
 * The tables a bare COPY loads, in load order. `source_batch` (the raw monitoring records, about
 * 240 bytes a row as text, 25 stored) comes before `monitoring_day` so that its dump file is gone
 * before the largest table grows (see `bareCopy`).
 */
const TABLES = ['enterprise', 'permit', 'enforcement_record', 'penalty', 'source_batch', 'monitoring_day', 'credit_rating', 'source_record'];

async function copyColumns(c: Client, table: string): Promise<string> {
  const res = await c.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  return res.rows.map((r) => `"${r.column_name}"`).join(', ');
}

/**
 * What one COPY statement loads: a plain table whole, a partitioned one (`monitoring_day`) a
 * partition at a time, into the parent. One statement of 80 million rows would hold them all in
 * the aggregate triggers' transition table (spilled to disk, beside the copy and the synced store);
 * a month is what a bulk load of history would write at once.
 */
async function copyChunks(c: Client, table: string): Promise<string[]> {
  // A plain table is its own only leaf.
  const res = await c.query<{ part: string }>(`select relid::regclass::text as part from pg_partition_tree($1::regclass) where isleaf order by 1`, [table]);
  return res.rows.map((r) => r.part);
}

/**
 * Dumps the synced rows to a file and loads them with COPY into a fresh store, one table (a
 * partitioned table one partition, see `copyChunks`) at a time, and returns the load time in
 * seconds (the loads only; the dumps are not timed). Each file is removed once loaded: at three
 * years the synced store, every dump and the copy together would not fit on this machine's disk
 * (about 30 + 26 + 30 GB at 260,000 enterprises).
 */
async function bareCopy(sourceUrl: string, targetUrl: string): Promise<{ seconds: number; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-copy-'));
  const src = new Client({ connectionString: sourceUrl });
  const dst = new Client({ connectionString: targetUrl });
  await src.connect();
  await dst.connect();
  try {
    let rows = 0;
    let ns = 0n;
    for (const t of TABLES) {
      const cols = await copyColumns(src, t);
      for (const part of await copyChunks(src, t)) {
        const file = path.join(dir, `${part}.copy`);
        await pipeline(src.query(copyTo(`copy (select ${cols} from ${part}) to stdout`)), fs.createWriteStream(file));
        const t0 = process.hrtime.bigint();
        const stream = dst.query(copyFrom(`copy ${t} (${cols}) from stdin`));
        await pipeline(fs.createReadStream(file), stream);
        ns += process.hrtime.bigint() - t0;
        rows += Number(stream.rowCount ?? 0);
        fs.rmSync(file);
      }
    }
    return { seconds: Number(ns) / 1e9, rows };
  } finally {
    await src.end();
    await dst.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  applyMemoryBudget(); // as the hub CLI does

  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: '260000' },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      'copy-from': { type: 'string' },
    },
  });
  if (values['copy-from']) return copyOnly(values['copy-from']);
  const n = Number(values.enterprises);
  console.log(`full sync benchmark: ${n} enterprises, five systems — ${machineLine()}`);
  const tSim = Date.now();
  const sim = await spawnSimulator(['--enterprises', String(n), '--seed', values.seed!]);
  console.log(`simulator ready in ${((Date.now() - tSim) / 1000).toFixed(1)} s (separate process)`);
  const bench = await freshBenchDatabase('full');
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

    const copy = await bareCopy(bench.url, await freshCopyStore(bench.url));
    console.log(`bare COPY of the same ${copy.rows} rows into the same tables: ${copy.seconds.toFixed(1)} s`);
    console.log(`full sync / bare COPY: ${(total / copy.seconds).toFixed(2)}×   (targets: sync ≤ 120 s, ≤ 3×, RSS ≤ 400 MB)`);
  } finally {
    await dropCopyStore(bench.url);
    if (values.keep) {
      await bench.db.close();
      console.log(`kept database: ${bench.url}`);
    } else await bench.drop();
    await sim.stop();
  }
}

/** Creates {@link COPY_STORE} beside `url`'s database, empty but migrated (the same tables, indexes and triggers), and returns its URL. */
async function freshCopyStore(url: string): Promise<string> {
  const name = COPY_STORE;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const copyUrl = databaseUrlFor(url, name);
  const copyDb = await connectDatabase(copyUrl);
  await copyDb.close();
  return copyUrl;
}

async function dropCopyStore(url: string): Promise<void> {
  const name = COPY_STORE;
  const admin = new Client({ connectionString: url });
  await admin
    .connect()
    .then(() => admin.query(`drop database if exists "${name}" with (force)`))
    .catch(() => undefined);
  await admin.end().catch(() => undefined);
}

/**
 * `--copy-from URL`: only the bare COPY, of the rows of a store a full sync left (`--keep`), for
 * when the sync's figures came from an earlier process; the ratio is then the reader's to take.
 */
async function copyOnly(url: string): Promise<void> {
  console.log(`bare COPY of the rows of ${new URL(url).pathname.slice(1)} — ${machineLine()}`);
  try {
    const copy = await bareCopy(url, await freshCopyStore(url));
    console.log(`bare COPY of the same ${copy.rows} rows into the same tables: ${copy.seconds.toFixed(1)} s`);
  } finally {
    await dropCopyStore(url);
  }
}

runBench(main);
