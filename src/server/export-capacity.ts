import { Pool, PoolClient } from 'pg';
import { HttpError } from './http-route';

/** Limits of the streaming exports (`/export/enterprises.csv`). */
export interface ExportLimits {
  /** Exports streaming at once in this process; one more is answered 503 with Retry-After (HUB_EXPORT_CONCURRENCY, default 2). */
  concurrency: number;
  /** A client that reads nothing for this long is cut off and its transaction rolled back (HUB_EXPORT_STALL_TIMEOUT_MS, default 30 s). */
  stallTimeoutMs: number;
  /** statement_timeout of the export's sessions (default 60 s): one `fetch` of a cursor never runs longer. */
  statementTimeoutMs: number;
  /**
   * idle_in_transaction_session_timeout of the export's sessions: PostgreSQL ends a session
   * whose transaction waits longer than this, should the hub itself fail to (default: the stall timeout + 10 s).
   */
  idleInTransactionMs?: number;
  /** Seconds a refused client is told to wait (Retry-After, default 5). */
  retryAfterSeconds: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimits = { concurrency: 2, stallTimeoutMs: 30_000, statementTimeoutMs: 60_000, retryAfterSeconds: 5 };

/** The `application_name` of the export's database sessions (visible in `pg_stat_activity`). */
export const EXPORT_APPLICATION_NAME = 'hub-export';

/** One export's hold on the capacity: its own connection, given back exactly once. */
export interface ExportSlot {
  client: PoolClient;
  /** Returns the slot; `broken` closes the connection instead of pooling it (after a stall or an error). */
  release(broken?: boolean): void;
}

/**
 * The bounded capacity of streaming exports: a pool of their own (so an
 * export can never take a connection that authentication, GraphQL or
 * `/readyz` need) of `concurrency` sessions, each with a statement timeout
 * and an idle-in-transaction limit set at connect. A slot is taken without
 * waiting: over capacity, {@link acquire} throws a 503 with Retry-After.
 */
export class ExportCapacity {
  private readonly pool: Pool;
  private active = 0;
  readonly limits: ExportLimits;

  constructor(url: string, limits: Partial<ExportLimits> = {}, log: (line: string) => void = () => undefined) {
    this.limits = { ...DEFAULT_EXPORT_LIMITS, ...limits };
    this.pool = new Pool({
      connectionString: url,
      max: this.limits.concurrency,
      application_name: EXPORT_APPLICATION_NAME,
      statement_timeout: this.limits.statementTimeoutMs,
      idle_in_transaction_session_timeout: this.limits.idleInTransactionMs ?? this.limits.stallTimeoutMs + 10_000,
      idleTimeoutMillis: 10_000,
    });
    // A session PostgreSQL ends (idle-in-transaction limit, restart) must not end the process.
    this.pool.on('error', (e) => log(`export connection lost while idle: ${e.message}`));
    this.pool.on('connect', (c) => c.on('error', (e) => log(`export connection lost: ${e.message}`)));
  }

  /** Exports streaming now. */
  get inUse(): number {
    return this.active;
  }

  /** Takes a slot and its connection, or throws a 503 naming the limit when all are taken. */
  async acquire(): Promise<ExportSlot> {
    if (this.active >= this.limits.concurrency) {
      throw new HttpError(
        503,
        `all ${this.limits.concurrency} export slots are busy; retry in ${this.limits.retryAfterSeconds} s (HUB_EXPORT_CONCURRENCY)`,
        'EXPORT_BUSY',
        { 'retry-after': String(this.limits.retryAfterSeconds) },
        { limit: this.limits.concurrency },
      );
    }
    this.active++;
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      this.active--;
      throw e;
    }
    let released = false;
    return {
      client,
      release: (broken = false) => {
        if (released) return;
        released = true;
        this.active--;
        client.release(broken || undefined);
      },
    };
  }

  /** Closes the export's sessions (server shutdown). */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
