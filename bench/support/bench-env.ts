import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Database, connectOwnDatabase } from '../../src/db/database';
import { EmbeddedPostgresHandle, findFreePort, startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { projectRoot } from '../../src/config/project-root';

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
