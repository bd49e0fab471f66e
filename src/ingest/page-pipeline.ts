import { Pool, PoolClient } from 'pg';
import { BackfillProgress } from '../connectors/connector.types';
import { DEFER_MONITORING_AGGREGATES_SQL } from '../monitoring/monitoring-fold';
import { IngestService, PageResult, PreparedPage, isDataError, sharesUnversionedRecord } from './ingest.service';

/** A page on its way into the store: its prepared records, the cursor to commit with them, how many were fetched. */
export interface PipelinePage {
  ready: PreparedPage;
  cursor: unknown;
  /** The connector's backfill progress after this page, stored beside the cursor. */
  backfill?: BackfillProgress;
  fetched: number;
}

/** What a connector run has committed so far (kept by the caller, read when a page's cursor is written). */
export interface PipelineTotals {
  fetched: number;
  loaded: number;
  unchanged: number;
  quarantined: number;
}

export interface PagePipelineOptions {
  pool: Pool;
  ingest: IngestService;
  connectorId: string;
  runId: string;
  /** The run's totals of committed pages (updated by `onCommitted`). */
  totals: () => PipelineTotals;
  /** Called once per page, in page order, right after its transaction committed. */
  onCommitted: (page: PipelinePage, result: PageResult) => void;
  /**
   * Whether `page` writes its monitoring days with the month aggregates
   * deferred (a bulk read of history; the caller folds the queued months when
   * the run ends). Asked once per page transaction; default no.
   */
  deferMonitoringAggregates?: (page: PipelinePage) => boolean;
  log: (line: string) => void;
}

/** SQLSTATEs after which a transaction can simply run again: deadlock, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);

function retryable(e: unknown): boolean {
  return RETRYABLE.has((e as { code?: string })?.code ?? '');
}

/** Runs `fn`, again (up to 4 attempts in all) when PostgreSQL aborted it for a deadlock or serialization failure. */
export async function retryOnConflict<T>(fn: () => Promise<T>, onRetry?: (e: unknown, attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= 4 || !retryable(e)) throw e;
      onRetry?.(e, attempt);
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}

async function rollbackAndRelease(client: PoolClient): Promise<void> {
  await client.query('rollback').catch(() => undefined);
  client.release();
}

/**
 * Writes a connector's pages in order, each in one transaction with its
 * cursor, two pages deep: page N+1's raw source records are upserted on a
 * second connection while page N's typed rows, triggers and cursor are
 * written and committed, and page N+1 commits only after page N did — so a
 * cursor never gets ahead of committed data. The overlap cannot deadlock:
 * the first half of a page (`IngestService.writeSources`) locks only this
 * connector's `source_record` rows, which the second half of the page before
 * it never touches. Latest wins whatever the overlap: the source upsert never
 * replaces a record with an older version, re-checked against the committed
 * row, and a page sharing a record without a version with the page in flight
 * waits for that page to commit. A page PostgreSQL refuses for its data
 * is written again with the refused records isolated and quarantined, so
 * one record never blocks its connector. A page aborted by PostgreSQL (a deadlock with another
 * connector's pages) is written again, whole, and the page after it with it.
 * Commits do not wait for the WAL flush (`synchronous_commit = off`): a
 * server crash can lose the last pages, but data and cursor together, and
 * the next run reads them again.
 */
export class PagePipeline {
  private previous: { page: PipelinePage; done: Promise<void> } | null = null;

  constructor(private readonly opts: PagePipelineOptions) {}

  /** Starts writing `page`; returns once the page before it has committed. */
  async push(page: PipelinePage): Promise<void> {
    // Latest wins: versioned records are ordered by the upsert itself; a record without a
    // version in both pages waits for the page before to commit.
    if (this.previous && sharesUnversionedRecord(this.previous.page.ready, page.ready)) await this.finish();
    const client = await this.opts.pool.connect();
    let changed: Map<string, string | null>;
    try {
      await this.begin(client, page);
      changed = await this.opts.ingest.writeSources(client, this.opts.connectorId, page.ready);
    } catch (e) {
      await rollbackAndRelease(client);
      await this.finish();
      if (!retryable(e) && !isDataError(e)) throw e;
      await this.writeWhole(page, isDataError(e));
      return;
    }
    const before = this.previous;
    this.previous = null;
    if (before) {
      try {
        await before.done;
      } catch (e) {
        // The page before failed: this one, later in order, must not commit first.
        await rollbackAndRelease(client);
        if (!retryable(e) && !isDataError(e)) throw e;
        await this.writeWhole(before.page, isDataError(e));
        await this.writeWhole(page);
        return;
      }
    }
    const done = this.complete(client, page, changed);
    done.catch(() => undefined); // observed by the next push or by finish
    this.previous = { page, done };
  }

  /** Waits until every pushed page has committed (writing a page again when PostgreSQL aborted it). */
  async finish(): Promise<void> {
    const last = this.previous;
    this.previous = null;
    if (!last) return;
    try {
      await last.done;
    } catch (e) {
      if (!retryable(e) && !isDataError(e)) throw e;
      await this.writeWhole(last.page, isDataError(e));
    }
  }

  /** The second half of a page, its cursor and its commit, on the connection that wrote the first half. */
  private async complete(client: PoolClient, page: PipelinePage, changed: Map<string, string | null>): Promise<void> {
    let result: PageResult;
    try {
      result = await this.opts.ingest.writeRest(client, this.opts.connectorId, this.opts.runId, page.ready, changed);
      await this.writeCursor(client, page, result);
      await client.query('commit');
    } catch (e) {
      await rollbackAndRelease(client);
      throw e;
    }
    client.release();
    this.opts.onCommitted(page, result);
  }

  /**
   * A whole page in one transaction of its own, again after a deadlock — or,
   * once PostgreSQL refused the page for its data (`isolate`), with the
   * refused records isolated and quarantined (`IngestService.writeIsolating`)
   * so the rest loads and the cursor moves.
   */
  private async writeWhole(page: PipelinePage, isolate = false): Promise<void> {
    const result = await retryOnConflict(
      async () => {
        const client = await this.opts.pool.connect();
        const begin = () => this.begin(client, page);
        try {
          await begin();
          let r: PageResult;
          if (isolate) r = await this.opts.ingest.writeIsolating(client, this.opts.connectorId, this.opts.runId, page.ready);
          else {
            try {
              r = await this.opts.ingest.write(client, this.opts.connectorId, this.opts.runId, page.ready);
            } catch (e) {
              if (!isDataError(e)) throw e;
              isolate = true;
              await client.query('rollback');
              await begin();
              r = await this.opts.ingest.writeIsolating(client, this.opts.connectorId, this.opts.runId, page.ready);
            }
          }
          if (isolate)
            this.opts.log(
              `[${this.opts.connectorId}] page refused by the database: ${r.quarantined - page.ready.bad.length} record(s) isolated and quarantined, the rest loaded`,
            );
          await this.writeCursor(client, page, r);
          await client.query('commit');
          client.release();
          return r;
        } catch (e) {
          await rollbackAndRelease(client);
          throw e;
        }
      },
      (e, attempt) => this.opts.log(`[${this.opts.connectorId}] page written again (attempt ${attempt + 1}): ${(e as Error).message}`),
    );
    this.opts.onCommitted(page, result);
  }

  /** Opens a page's transaction: commits without waiting for the WAL flush, aggregates deferred when the run says so. */
  private async begin(client: PoolClient, page: PipelinePage): Promise<void> {
    await client.query('begin');
    await client.query('set local synchronous_commit = off');
    if (this.opts.deferMonitoringAggregates?.(page)) await client.query(DEFER_MONITORING_AGGREGATES_SQL);
  }

  private async writeCursor(client: PoolClient, page: PipelinePage, r: PageResult): Promise<void> {
    const t = this.opts.totals();
    await client.query(
      `insert into connector_state (connector_id, cursor, backfill, updated_at) values ($1, $2::jsonb, $3::jsonb, now())
       on conflict (connector_id) do update set cursor = excluded.cursor, backfill = coalesce(excluded.backfill, connector_state.backfill), updated_at = now()`,
      [this.opts.connectorId, JSON.stringify(page.cursor ?? null), page.backfill ? JSON.stringify(page.backfill) : null],
    );
    // The run id is the fencing token: a run marked abandoned (its process lost
    // its lock, and another may have started) commits nothing more.
    const fenced = await client.query(
      `update connector_run set fetched = $2, loaded = $3, unchanged = $4, quarantined = $5 where id = $1 and status = 'RUNNING'`,
      [this.opts.runId, t.fetched + page.fetched, t.loaded + r.loaded, t.unchanged + r.unchanged, t.quarantined + r.quarantined],
    );
    if (fenced.rowCount !== 1) throw new Error(`run ${this.opts.runId} of '${this.opts.connectorId}' was marked abandoned; its page is not committed`);
  }
}
