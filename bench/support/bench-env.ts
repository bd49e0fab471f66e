import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Database, connectDatabase, connectOwnDatabase } from '../../src/db/database';
import { EmbeddedPostgresHandle, findFreePort, startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { projectRoot } from '../../src/config/project-root';
import type { RunSummary } from '../../src/ingest/sync.runner';

/** A fresh, migrated database for one benchmark, on DATABASE_URL's server or an embedded one. */
export interface BenchDatabase {
  db: Database;
  url: string;
  server: string;
  drop(): Promise<void>;
}

export async function freshBenchDatabase(name: string): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgresHandle | undefined;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(projectRoot(), '.bench-data'), port: 56432, database: 'postgres' });
    serverUrl = embedded.url;
  }
  const dbName = `hub_bench_${name}_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.query(`create database "${dbName}"`);
  const version = (await admin.query('show server_version')).rows[0].server_version;
  await admin.end();
  const own = await connectOwnDatabase(serverUrl, dbName);
  return {
    ...own,
    server: `PostgreSQL ${version} (${embedded ? 'embedded' : 'DATABASE_URL'})`,
    async drop() {
      await own.drop();
      await embedded?.stop();
    },
  };
}

/**
 * A database an earlier run kept (`--keep`), measured again without loading it again: its end
 * (`drop`) only closes the pool, the database stays.
 */
export async function keptDatabase(url: string): Promise<BenchDatabase> {
  const db = await connectDatabase(url);
  const version = (await db.pool.query<{ server_version: string }>('show server_version')).rows[0].server_version;
  return { db, url, server: `PostgreSQL ${version} (kept database ${new URL(url).pathname.slice(1)})`, drop: () => db.close() };
}

/** Seconds since `t` (a `process.hrtime.bigint()`), to one decimal. */
export const secondsSince = (t: bigint): string => (Number(process.hrtime.bigint() - t) / 1e9).toFixed(1);

/**
 * Prints connector runs as a table — connector, status, records, seconds, records/s — and, given
 * `total`, a last row `all (wall)` with the records of every run over the wall time.
 */
export function printRunTable(runs: readonly RunSummary[], total?: { seconds: number }): void {
  const line = (name: string, status: string, records: number, seconds: number) =>
    `${name.padEnd(14)} ${status.padEnd(9)} ${String(records).padStart(10)} ${seconds.toFixed(1).padStart(8)} ${String(Math.round(records / seconds)).padStart(10)}`;
  console.log(`${'connector'.padEnd(14)} ${'status'.padEnd(9)} ${'records'.padStart(10)} ${'seconds'.padStart(8)} ${'records/s'.padStart(10)}`);
  for (const s of runs) console.log(`${line(s.connectorId, s.status, s.fetched, s.durationMs / 1000)}${s.error ? `  ${s.error}` : ''}`);
  if (total)
    console.log(
      line(
        'all (wall)',
        '',
        runs.reduce((n, s) => n + s.fetched, 0),
        total.seconds,
      ),
    );
}

/** The simulator as a separate process, so its memory is not counted as the hub's. */
export async function spawnSimulator(args: string[]): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await findFreePort(47100);
  const child = spawn(process.execPath, [path.join(projectRoot(), 'bin', 'hub.js'), 'sim', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('http://')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`simulator exited (${code}): ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** One line describing the machine, for result tables. */
export function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Runs a benchmark's `main`; a failure is printed and exits with status 1 (success lets the process end by itself). */
export function runBench(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

/**
 * Ends the process when a benchmark's `main` settles: 0 when it resolved, 1 (with the error
 * printed) when it failed; for benchmarks whose clients or servers could keep the event loop alive.
 */
export function exitWhenDone(main: Promise<void>): void {
  main.then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
