import { PoolClient } from 'pg';
import { HubConfig } from '../config/config';
import { ConnectorRegistry } from '../connectors/connector.registry';
import { FetchContext, FetchedPage, MappingError, resolveConfig } from '../connectors/connector.types';
import { HttpClient, HttpClientOptions } from '../connectors/http.client';
import { Database, withTransaction } from '../db/database';
import { IngestService, PageItem } from './ingest.service';

/** The outcome of one connector run. */
export interface RunSummary {
  connectorId: string;
  runId: string;
  status: 'SUCCEEDED' | 'FAILED';
  fetched: number;
  loaded: number;
  unchanged: number;
  quarantined: number;
  /** Credit codes whose data changed in this run. */
  touched: string[];
  error?: string;
  durationMs: number;
}

/** A step run after connectors load data (rescore, retag, warnings), given the touched enterprises. */
export type PostSyncStep = { name: string; run(db: Database, touched: string[], log: (l: string) => void): Promise<void> };

export interface SyncRunnerOptions {
  log?: (line: string) => void;
  http?: HttpClientOptions;
  /** Called after each committed page (progress display). */
  onPage?: (connectorId: string, totals: { fetched: number; loaded: number; quarantined: number }) => void;
}

/**
 * Iterates `pages` one page ahead: the next page is fetched from the source
 * while the current one is written to the database. Pages still arrive, and
 * their cursors are still committed, strictly in order.
 */
export async function* readAhead<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const it = pages[Symbol.asyncIterator]();
  let next = it.next();
  next.catch(() => undefined); // observed below; avoids an unhandled rejection while the current page is written
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    // Stop the source generator when the consumer stops early (failure, abort).
    await it.return?.().catch(() => undefined);
  }
}

/** Thrown when a connector is already running somewhere (this or another process). */
export class ConnectorBusyError extends Error {}

/**
 * Runs connectors: records the run, pulls pages through `fetch`, maps them,
 * and commits each page together with its cursor in one transaction, so a
 * cursor never gets ahead of committed data. A PostgreSQL advisory lock keeps
 * one run per connector at a time across every hub process.
 */
export class SyncRunner {
  private ingest?: IngestService;
  private readonly log: (line: string) => void;
  private readonly steps: PostSyncStep[] = [];

  constructor(private readonly db: Database, private readonly config: HubConfig, private readonly registry: ConnectorRegistry, private readonly opts: SyncRunnerOptions = {}) {
    this.log = opts.log ?? (() => undefined);
  }

  /** Adds a step to run after syncs with the touched enterprises. */
  addPostSyncStep(step: PostSyncStep): void {
    this.steps.push(step);
  }

  private async ingestService(): Promise<IngestService> {
    if (!this.ingest) {
      const res = await this.db.pool.query<{ code: string }>('select code from division');
      this.ingest = new IngestService({ divisionCodes: new Set(res.rows.map((r) => r.code)) });
    }
    return this.ingest;
  }

  /** Runs the post-sync steps for `touched` enterprises. */
  async afterSync(touched: string[]): Promise<void> {
    for (const step of this.steps) {
      const t = Date.now();
      await step.run(this.db, touched, this.log);
      this.log(`${step.name}: ${touched.length} enterprises in ${Date.now() - t} ms`);
    }
  }

  /** Runs connectors one after another, then the post-sync steps over everything they touched. */
  async syncAll(ids: string[], trigger = 'manual'): Promise<RunSummary[]> {
    const summaries: RunSummary[] = [];
    const touched = new Set<string>();
    for (const id of ids) {
      const s = await this.run(id, trigger, { skipPostSync: true });
      summaries.push(s);
      s.touched.forEach((c) => touched.add(c));
    }
    await this.afterSync([...touched]);
    return summaries;
  }

  /** Runs one connector to completion. A failure is recorded and returned, not thrown. */
  async run(connectorId: string, trigger = 'manual', opts: { skipPostSync?: boolean; signal?: AbortSignal } = {}): Promise<RunSummary> {
    const { connector, row } = await this.registry.resolve(this.db, connectorId);
    const lockClient = await this.db.pool.connect();
    let locked = false;
    try {
      const lock = await lockClient.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('connector-run'), hashtext($1)) as ok`, [connectorId]);
      locked = lock.rows[0].ok;
      if (!locked) throw new ConnectorBusyError(`connector '${connectorId}' is already running`);
      const started = Date.now();
      // Holding the lock, any run still marked RUNNING belongs to a process that died.
      await this.db.pool.query(`update connector_run set status = 'FAILED', finished_at = now(), error = 'abandoned: the process running it stopped' where connector_id = $1 and status = 'RUNNING'`, [connectorId]);
      const runId = (await this.db.pool.query<{ id: string }>(`insert into connector_run (connector_id, trigger) values ($1, $2) returning id`, [connectorId, trigger])).rows[0].id;
      const totals = { fetched: 0, loaded: 0, unchanged: 0, quarantined: 0 };
      const touched = new Set<string>();
      const config = resolveConfig(connector.manifest, row.config);
      const cursorRow = await this.db.pool.query<{ cursor: unknown }>('select cursor from connector_state where connector_id = $1', [connectorId]);
      const ctx: FetchContext = {
        http: new HttpClient({ log: (l) => this.log(`[${connectorId}] ${l}`), ...this.opts.http }),
        baseUrl: String(config.baseUrl ?? this.config.sourcesUrl).replace(/\/+$/, ''),
        config,
        cursor: cursorRow.rows[0]?.cursor ?? null,
        log: (l) => this.log(`[${connectorId}] ${l}`),
        now: new Date(),
      };
      const ingest = await this.ingestService();
      let status: RunSummary['status'] = 'SUCCEEDED';
      let error: string | undefined;
      try {
        // Mapping, validation and serialisation happen in the read-ahead stage, so the
        // next page is made ready while the current one is written.
        const prepared = async function* (pages: AsyncIterable<FetchedPage>) {
          for await (const page of pages) {
            const items: PageItem[] = page.items.map((raw) => {
              try {
                return { raw, record: connector.map(raw, config) };
              } catch (e) {
                return e instanceof MappingError
                  ? { raw, mapError: e.message, identity: e.identity }
                  : { raw, mapError: `mapping failed: ${(e as Error).message}` };
              }
            });
            yield { cursor: page.cursor, fetched: items.length, ready: ingest.prepare(items) };
          }
        };
        for await (const page of readAhead(prepared(connector.fetch(ctx)))) {
          if (opts.signal?.aborted) throw new Error(`run stopped: ${String(opts.signal.reason ?? 'aborted')}`);
          await withTransaction(this.db.pool, async (client: PoolClient) => {
            const r = await ingest.write(client, connectorId, runId, page.ready);
            totals.fetched += page.fetched;
            totals.loaded += r.loaded;
            totals.unchanged += r.unchanged;
            totals.quarantined += r.quarantined;
            r.touched.forEach((c) => touched.add(c));
            await client.query(
              `insert into connector_state (connector_id, cursor, updated_at) values ($1, $2::jsonb, now())
               on conflict (connector_id) do update set cursor = excluded.cursor, updated_at = now()`,
              [connectorId, JSON.stringify(page.cursor ?? null)],
            );
            await client.query(
              `update connector_run set fetched = $2, loaded = $3, unchanged = $4, quarantined = $5 where id = $1`,
              [runId, totals.fetched, totals.loaded, totals.unchanged, totals.quarantined],
            );
          });
          this.opts.onPage?.(connectorId, totals);
        }
      } catch (e) {
        status = 'FAILED';
        error = (e as Error).message;
        this.log(`[${connectorId}] run ${runId} failed: ${error}`);
      }
      await this.db.pool.query(`update connector_run set status = $2, finished_at = now(), error = $3 where id = $1`, [runId, status, error ?? null]);
      const summary: RunSummary = { connectorId, runId, status, ...totals, touched: [...touched], error, durationMs: Date.now() - started };
      if (!opts.skipPostSync) await this.afterSync(summary.touched);
      return summary;
    } finally {
      if (locked) await lockClient.query(`select pg_advisory_unlock(hashtext('connector-run'), hashtext($1))`, [connectorId]).catch(() => undefined);
      lockClient.release();
    }
  }
}
