import { MikroORM } from '@mikro-orm/postgresql';
import { Client, Pool, PoolClient } from 'pg';
import { HubConfig } from '../config/config';
import { migrateJobQueue } from '../jobs/job-queue';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { initOrm } from './orm.config';
import { migrationsList } from '../../migrations';

/**
 * The hub's handle on PostgreSQL: pg pools for every read and write (set-based
 * SQL for bulk ingest, scoring and search; named statements for the rest) and
 * MikroORM for its migrator alone (no entities, docs/architecture.md).
 */
export interface Database {
  url: string;
  /** For syncs, scoring and other bulk work: no statement timeout. */
  pool: Pool;
  /** For API requests: every statement is cut off after the configured timeout. */
  apiPool: Pool;
  /**
   * For the API's read-only queries: the hot standby of DATABASE_REPLICA_URL
   * when one is configured (same timeout as `apiPool`), otherwise `apiPool`.
   * What is read here may trail the primary by the replication lag.
   */
  readPool: Pool;
  /** Runs the migrations (`migrate`, `pendingMigrations`); nothing else goes through it. */
  orm: MikroORM;
  /** Whether this process started the server (embedded) or uses an external one. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Size of the pg pool (default 10). */
  poolSize?: number;
  /** statement_timeout of the API pool in ms (default 15 000). */
  statementTimeoutMs?: number;
  /** URL of a hot standby for read-only API queries (`readPool`). */
  replicaUrl?: string;
  log?: (line: string) => void;
  /** Lines an operator should see (the embedded server restarted, a running hub's server used). */
  notice?: (line: string) => void;
}

/**
 * Resolves the database URL: `config.databaseUrl` when set, otherwise an
 * embedded PostgreSQL started in `config.dataDir`.
 */
export async function resolveDatabaseUrl(
  config: HubConfig,
  log?: (l: string) => void,
  notice?: (l: string) => void,
): Promise<{ url: string; embedded?: EmbeddedPostgresHandle }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort, log, notice });
  return { url: embedded.url, embedded };
}

/** Opens the database (starting an embedded one when needed) and migrates it. */
export async function openDatabase(config: HubConfig, opts: OpenDatabaseOptions = {}): Promise<Database> {
  const { url, embedded } = await resolveDatabaseUrl(config, opts.log, opts.notice);
  try {
    // Each connector run holds a lock connection and writes pages on up to two more.
    const poolSize = Math.max(10, 3 * config.syncConcurrency + 4);
    return await connectDatabase(url, { statementTimeoutMs: config.statementTimeoutMs, replicaUrl: config.databaseReplicaUrl, poolSize, ...opts }, embedded);
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

/** Connects to a running server at `url`. */
export async function connectDatabase(url: string, opts: OpenDatabaseOptions = {}, embedded?: EmbeddedPostgresHandle): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  const apiPool = new Pool({ connectionString: url, max: opts.poolSize ?? 10, statement_timeout: opts.statementTimeoutMs ?? 15_000 });
  const readPool = opts.replicaUrl
    ? new Pool({ connectionString: opts.replicaUrl, max: opts.poolSize ?? 10, statement_timeout: opts.statementTimeoutMs ?? 15_000 })
    : apiPool;
  for (const p of new Set([pool, apiPool, readPool])) {
    // An idle client losing its server (restart) must not crash the process.
    p.on('error', (err) => opts.log?.(`idle database connection lost: ${err.message}`));
    // Nor may a checked-out client between queries (a held advisory-lock or lease
    // connection): pg emits 'error' on it, and unheard that ends the process. The
    // client is broken from then on; the pool discards it when it is released.
    p.on('connect', (client) => client.on('error', (err) => opts.log?.(`database connection lost while in use: ${err.message}`)));
  }
  // MikroORM runs the migrations only, on the primary.
  const orm = await initOrm(url);
  if (opts.migrate !== false) {
    await migrate(orm);
    // The job queue's schema (graphile_worker) comes from its own migrations.
    await migrateJobQueue(pool, opts.log);
  }
  let closed = false;
  return {
    url,
    pool,
    apiPool,
    readPool,
    orm,
    embedded: !!embedded,
    async close() {
      if (closed) return;
      closed = true;
      await orm.close(true);
      await pool.end();
      await apiPool.end();
      if (readPool !== apiPool) await readPool.end();
      await embedded?.stop();
    },
  };
}

/**
 * Applies pending migrations; returns the names applied. A migration that
 * rewrites a table's rows names it in a static `vacuumAfter` (e.g.
 * `['enterprise']`); those tables are then vacuumed and analysed, outside
 * any transaction, so that their index-only scans and plans do not wait for
 * an autovacuum that may be off.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = (await orm.getMigrator().up()).map((m) => m.name);
  const tables = new Set(
    migrationsList.filter((m) => applied.includes(m.name)).flatMap((m) => (m.class as { vacuumAfter?: readonly string[] }).vacuumAfter ?? []),
  );
  if (tables.size) await orm.em.getConnection().execute(`vacuum (analyze) ${[...tables].map((t) => `"${t}"`).join(', ')}`);
  return applied;
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

/**
 * A database of its own for a test file or a benchmark: `name` on `serverUrl`'s server (created by the caller),
 * connected, with `drop()` closing its pools and dropping it (`with (force)`); `dropErrors: 'ignore'` keeps a
 * failed drop from failing the caller's teardown.
 */
export async function connectOwnDatabase(
  serverUrl: string,
  name: string,
  opts: { dropErrors?: 'ignore' } = {},
): Promise<{ url: string; db: Database; drop(): Promise<void> }> {
  const url = databaseUrlFor(serverUrl, name);
  const db = await connectDatabase(url);
  return {
    url,
    db,
    async drop() {
      await db.close();
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      const dropped = c.query(`drop database if exists "${name}" with (force)`);
      await (opts.dropErrors === 'ignore' ? dropped.catch(() => undefined) : dropped);
      await c.end();
    },
  };
}

/** The same server URL pointing at another database. */
export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` in a transaction on one pooled client. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
