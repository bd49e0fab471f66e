import { HubConfig } from '../config/config';
import { ConnectorRegistry } from '../connectors/connector.registry';
import {
  BackfillProgress,
  ConnectorConfig,
  FetchContext,
  FetchedPage,
  MappingError,
  SourceConnector,
  SourceResetError,
  historyWindow,
  resolveConfig,
} from '../connectors/connector.types';
import { HttpClient, HttpClientOptions } from '../connectors/http.client';
import { OutboundTargetPolicy } from '../connectors/outbound-target.policy';
import { Database, withTransaction } from '../db/database';
import { CONNECTOR_RUN_LOCK } from './abandoned-runs';
import { ChurnVacuum } from './churn-vacuum';
import { IngestService, PageItem } from './ingest.service';
import { PagePipeline, PipelinePage } from './page-pipeline';
import { ClientError } from '../domain/client-error';
import { foldPendingMonitoringMonths } from '../monitoring/monitoring-fold';

/**
 * Fewest dates of the history window still to read, after a run's first
 * page, that make the run a bulk read of history. A steady run has at most
 * its re-read dates and the new one left (its last date completes only with
 * its last page); a first sync, or the run after a longer window was
 * activated, has hundreds.
 */
export const BULK_HISTORY_MIN_DATES = 31;

/**
 * Whether a run whose first page reports `backfill` is reading back history
 * (at least {@link BULK_HISTORY_MIN_DATES} dates still to read). Such a run
 * writes its days with the month aggregates deferred and folds them when it
 * ends (migration `monitoring-deferred-fold`); any other keeps them exact
 * page by page, which costs less for a few dates than refolding their months.
 */
export function isBulkHistoryRead(backfill: BackfillProgress | undefined): boolean {
  return !!backfill && backfill.total - backfill.done >= BULK_HISTORY_MIN_DATES;
}

/** The outcome of one connector run. */
export interface RunSummary {
  connectorId: string;
  runId: string;
  /** SKIPPED: the connector was already running elsewhere (another `hub sync`, a schedule); nothing was done. */
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  fetched: number;
  loaded: number;
  unchanged: number;
  quarantined: number;
  /** Records without a valid credit code that entity resolution left in the steward review queue. */
  queued?: number;
  /** Credit codes whose data changed in this run. */
  touched: string[];
  error?: string;
  durationMs: number;
}

/**
 * A step run after connectors load data (rescore, retag, warnings), given the
 * touched enterprises. It resolves to how many enterprises it actually covered:
 * the touched ones plus those still marked from earlier (a crash's leftovers),
 * which a run with nothing touched may be all of.
 */
export type PostSyncStep = { name: string; run(db: Database, touched: string[], log: (l: string) => void): Promise<{ enterprises: number }> };

export interface SyncRunnerOptions {
  log?: (line: string) => void;
  /** The post-sync pipeline, run in this order after syncs (the composition root declares it: rescore → retag → detect). */
  postSync?: readonly PostSyncStep[];
  http?: HttpClientOptions;
  /**
   * Where declarative connectors (registered through the API) may send
   * requests: internal addresses only when the operator allows them
   * (HUB_SOURCES_URL is always allowed). Code connectors read the sources the
   * operator configured and are not checked.
   */
  targets?: OutboundTargetPolicy;
  /**
   * The history window in days every run must cover: the active rule set's
   * window (the composition root reads it from the rule sets). Without it the
   * runner reads `window_days` of the active `rule_set` row itself.
   */
  historyDays?: () => Promise<number>;
  /** Called after each committed page (progress display); `backfill` when the connector reports one. */
  onPage?: (connectorId: string, totals: { fetched: number; loaded: number; quarantined: number; backfill?: BackfillProgress }) => void;
  /** Called when a run ends, whatever its outcome (progress display). */
  onRunEnd?: (connectorId: string) => void;
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

/** Maps each fetched page (a record that fails mapping keeps its error) and validates and serialises it. */
async function* preparedPages(
  connector: SourceConnector,
  config: ConnectorConfig,
  ingest: IngestService,
  pages: AsyncIterable<FetchedPage>,
): AsyncIterable<PipelinePage> {
  for await (const page of pages) {
    const items: PageItem[] = page.items.map((raw) => {
      try {
        return { raw, record: connector.map(raw, config) };
      } catch (e) {
        return e instanceof MappingError ? { raw, mapError: e.message, identity: e.identity } : { raw, mapError: `mapping failed: ${(e as Error).message}` };
      }
    });
    yield { cursor: page.cursor, backfill: page.backfill, fetched: items.length, ready: ingest.prepare(items) };
  }
}

/** Thrown when a connector is already running somewhere (this or another process). */
export class ConnectorBusyError extends ClientError {
  override readonly code = 'CONNECTOR_BUSY';
}

/** The summary of a run that did not start because another process is running that connector. */
export function skippedRun(connectorId: string, reason: string): RunSummary {
  return { connectorId, runId: '', status: 'SKIPPED', fetched: 0, loaded: 0, unchanged: 0, quarantined: 0, touched: [], error: reason, durationMs: 0 };
}

/**
 * Runs connectors: records the run, pulls pages through `fetch`, maps them,
 * and commits each page together with its cursor in one transaction, so a
 * cursor never gets ahead of committed data. A PostgreSQL advisory lock keeps
 * one run per connector at a time across every hub process.
 */
export class SyncRunner {
  private ingest?: IngestService;
  private readonly log: (line: string) => void;
  private readonly steps: PostSyncStep[];
  private readonly pendingOutcomes = new Map<string, { status: 'FAILED'; error: string | null }>();

  constructor(
    private readonly db: Database,
    private readonly config: HubConfig,
    private readonly registry: ConnectorRegistry,
    private readonly opts: SyncRunnerOptions = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.steps = [...(opts.postSync ?? [])];
  }

  /** How many connectors `syncAll` runs at once. */
  get concurrency(): number {
    return this.config.syncConcurrency;
  }

  /** Appends a step after the pipeline given at construction (benchmarks use it to time the end of a pipeline). */
  addPostSyncStep(step: PostSyncStep): void {
    this.steps.push(step);
  }

  private async ingestService(): Promise<IngestService> {
    if (!this.ingest) {
      // Records without a valid credit code go through entity resolution (src/resolution) with the configured thresholds.
      this.ingest = await IngestService.withResolution(this.db.pool, this.config.resolutionThresholds);
    }
    return this.ingest;
  }

  /**
   * Writes how a run ended. When the database cannot take it (an outage cut
   * the run off), the outcome is kept and written by {@link recordPendingOutcomes}
   * once the database is back, so the run does not stay RUNNING.
   */
  private async recordOutcome(runId: string, status: RunSummary['status'], error: string | null): Promise<void> {
    try {
      await this.db.pool.query(`update connector_run set status = $2, finished_at = now(), error = $3 where id = $1 and status = 'RUNNING'`, [
        runId,
        status,
        error,
      ]);
    } catch (e) {
      this.pendingOutcomes.set(runId, {
        status: 'FAILED',
        error: status === 'FAILED' ? error : `the database went away at the end of the run: ${(e as Error).message}`,
      });
      throw e;
    }
  }

  /**
   * The source forgot the saved cursor (its feed was reset): the cursor is
   * dropped, so the next run reads the source from its start, and the
   * connector tells the steward why until a run succeeds.
   */
  private async noteSourceReset(connectorId: string, explanation: string): Promise<void> {
    await withTransaction(this.db.pool, async (client) => {
      await client.query(`delete from connector_state where connector_id = $1`, [connectorId]);
      await client.query(`update connector set attention = $2, attention_at = now() where id = $1`, [connectorId, `source reset: ${explanation}`]);
    });
  }

  /** Writes the outcomes of runs an outage cut off (see {@link recordOutcome}); returns how many were written. */
  async recordPendingOutcomes(): Promise<number> {
    let n = 0;
    for (const [runId, o] of [...this.pendingOutcomes]) {
      await this.db.pool.query(
        `update connector_run set status = $2, finished_at = coalesce(finished_at, now()),
                error = case when status = 'RUNNING' then $3 else error || '; ' || $3 end
          where id = $1 and (status = 'RUNNING' or error like 'abandoned:%')`,
        [runId, o.status, `cut off by a database outage: ${o.error ?? 'unknown cause'}`],
      );
      this.pendingOutcomes.delete(runId);
      n++;
    }
    return n;
  }

  /** The history window (days) runs must cover: the active rule set's. */
  private async historyDays(): Promise<number> {
    if (this.opts.historyDays) return this.opts.historyDays();
    const res = await this.db.pool.query<{ days: number }>(`select window_days as days from rule_set where active`);
    if (!res.rows[0]) throw new Error('no active rule set: the history window of connector runs comes from it (run the migrations)');
    return res.rows[0].days;
  }

  /** Runs the post-sync steps for `touched` enterprises. */
  async afterSync(touched: string[]): Promise<void> {
    // The steps read the monitoring aggregates: months a crashed bulk run left queued are folded first.
    await foldPendingMonitoringMonths(this.db.pool, this.log);
    for (const step of this.steps) {
      const t = Date.now();
      const { enterprises } = await step.run(this.db, touched, this.log);
      this.log(`${step.name}: ${enterprises} enterprises in ${Date.now() - t} ms`);
    }
  }

  /**
   * Runs connectors — `syncConcurrency` at a time, the longest by their last
   * run first so the slow ones start early — then the post-sync steps once
   * over everything they touched (unless `skipPostSync`). Summaries come back
   * in the order of `ids`.
   */
  async syncAll(ids: string[], trigger = 'manual', opts: { skipPostSync?: boolean } = {}): Promise<RunSummary[]> {
    // First what an earlier crash left marked (score_dirty, derive_dirty): derived before new data arrives.
    if (!opts.skipPostSync) await this.afterSync([]);
    const last = await this.db.pool.query<{ connector_id: string; ms: number }>(
      `select distinct on (connector_id) connector_id, extract(epoch from finished_at - started_at) * 1000 as ms
         from connector_run where connector_id = any($1::text[]) and status = 'SUCCEEDED'
        order by connector_id, started_at desc`,
      [ids],
    );
    const lastMs = new Map(last.rows.map((r) => [r.connector_id, Number(r.ms)]));
    // Without a history, a connector's declared volume stands in for its duration.
    const byVolume = { high: Number.MAX_SAFE_INTEGER, medium: 60_000, low: 5_000 };
    const expected = new Map<string, number>();
    for (const id of ids) {
      const known = lastMs.get(id);
      if (known !== undefined) expected.set(id, known);
      else {
        const volume = await this.registry.resolve(this.db, id).then(
          (c) => c.connector.manifest.volume,
          () => undefined,
        );
        expected.set(id, byVolume[volume ?? 'medium']);
      }
    }
    const queue = [...ids].sort((a, b) => expected.get(b)! - expected.get(a)!);
    const results = new Map<string, RunSummary>();
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        results.set(
          id,
          await this.run(id, trigger, { skipPostSync: true }).catch((e) => {
            // A busy connector is another process's run: skip it and go on with the rest.
            if (!(e instanceof ConnectorBusyError)) throw e;
            this.log(`[${id}] skipped: ${e.message}`);
            return skippedRun(id, e.message);
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.syncConcurrency, ids.length) }, worker));
    const summaries = ids.map((id) => results.get(id)!);
    if (opts.skipPostSync) return summaries;
    const touched = new Set<string>();
    for (const s of summaries) s.touched.forEach((c) => touched.add(c));
    await this.afterSync([...touched]);
    return summaries;
  }

  /**
   * Runs one connector to completion. A failure is recorded and returned, not
   * thrown; a connector already running elsewhere throws {@link ConnectorBusyError}.
   * `fromStart` ignores the saved cursor and re-reads the source from its
   * start (the steward's reset; the store ends as it was when the source did
   * not change, since ingest keeps the latest version of every record).
   */
  async run(connectorId: string, trigger = 'manual', opts: { skipPostSync?: boolean; signal?: AbortSignal; fromStart?: boolean } = {}): Promise<RunSummary> {
    const { connector, row } = await this.registry.resolve(this.db, connectorId);
    const lockClient = await this.db.pool.connect();
    let locked = false;
    try {
      const lock = await lockClient.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('${CONNECTOR_RUN_LOCK}'), hashtext($1)) as ok`, [connectorId]);
      locked = lock.rows[0].ok;
      if (!locked) {
        const other = await this.db.pool.query<{ id: string; trigger: string; started_at: Date }>(
          `select id, trigger, started_at from connector_run where connector_id = $1 and status = 'RUNNING' order by started_at desc limit 1`,
          [connectorId],
        );
        const r = other.rows[0];
        throw new ConnectorBusyError(
          `connector '${connectorId}' is already running${r ? ` (run ${r.id}, ${r.trigger}, started ${r.started_at.toISOString()})` : ''}`,
        );
      }
      const started = Date.now();
      // Holding the lock, any run still marked RUNNING belongs to a process that died.
      await this.db.pool.query(
        `update connector_run set status = 'FAILED', finished_at = now(), error = 'abandoned: the process running it stopped' where connector_id = $1 and status = 'RUNNING'`,
        [connectorId],
      );
      const runId = (
        await this.db.pool.query<{ id: string }>(`insert into connector_run (connector_id, trigger) values ($1, $2) returning id`, [connectorId, trigger])
      ).rows[0].id;
      const totals = { fetched: 0, loaded: 0, unchanged: 0, quarantined: 0 };
      const touched = new Set<string>();
      let queued = 0;
      const config = resolveConfig(connector.manifest, row.config);
      const cursorRow = await this.db.pool.query<{ cursor: unknown }>('select cursor from connector_state where connector_id = $1', [connectorId]);
      const now = new Date();
      const ctx: FetchContext = {
        http: new HttpClient({
          log: (l) => this.log(`[${connectorId}] ${l}`),
          signal: opts.signal,
          targets: row.kind === 'code' ? undefined : this.opts.targets,
          ...this.opts.http,
        }),
        baseUrl: String(config.baseUrl ?? this.config.sourcesUrl).replace(/\/+$/, ''),
        config,
        cursor: opts.fromStart ? null : (cursorRow.rows[0]?.cursor ?? null),
        log: (l) => this.log(`[${connectorId}] ${l}`),
        now,
        history: historyWindow(await this.historyDays(), now),
      };
      const ingest = await this.ingestService();
      let status: RunSummary['status'] = 'SUCCEEDED';
      let error: string | undefined;
      let reset = false;
      // The tables this run's writes rewrite in place (monitoring_month) are vacuumed as it goes and when it ends.
      const churn = new ChurnVacuum(this.db.pool, connector.manifest.produces, (l) => this.log(`[${connectorId}] ${l}`));
      try {
        const monitoring = connector.manifest.produces.includes('monitoring');
        let deferred: boolean | undefined;
        const pipeline = new PagePipeline({
          pool: this.db.pool,
          ingest,
          connectorId,
          runId,
          log: this.log,
          totals: () => totals,
          // A run that reads back history writes its days with the month aggregates deferred, folded once at its end.
          deferMonitoringAggregates: (page) => (deferred ??= monitoring && isBulkHistoryRead(page.backfill)),
          onCommitted: (page, r) => {
            totals.fetched += page.fetched;
            totals.loaded += r.loaded;
            totals.unchanged += r.unchanged;
            totals.quarantined += r.quarantined;
            queued += r.queued ?? 0;
            r.touched.forEach((c) => touched.add(c));
            churn.pageCommitted(r.loaded);
            this.opts.onPage?.(connectorId, page.backfill ? { ...totals, backfill: page.backfill } : totals);
          },
        });
        let failure: unknown;
        try {
          // Mapping, validation and serialisation happen in the read-ahead stage, so the
          // next page is made ready while the current one is written.
          for await (const page of readAhead(preparedPages(connector, config, ingest, connector.fetch(ctx)))) {
            if (opts.signal?.aborted) throw new Error(`run stopped: ${String(opts.signal.reason ?? 'aborted')}`);
            await pipeline.push(page);
          }
        } catch (e) {
          failure = e;
        }
        // Whatever stopped the walk, the pages already handed over still commit, in order.
        await pipeline.finish().catch((e) => {
          failure ??= e;
        });
        // What the committed pages deferred (or a crashed run left queued) is folded before the run counts as done.
        if (monitoring)
          await foldPendingMonitoringMonths(this.db.pool, (l) => this.log(`[${connectorId}] ${l}`)).catch((e) => {
            failure ??= new Error(`monitoring aggregates not folded (queued; the next run or post-sync folds them): ${(e as Error).message}`);
          });
        if (failure) throw failure;
      } catch (e) {
        status = 'FAILED';
        error = (e as Error).message;
        reset = e instanceof SourceResetError;
        this.log(`[${connectorId}] run ${runId} failed: ${error}`);
      }
      await churn.runEnded();
      await this.recordOutcome(runId, status, error ?? null);
      if (reset) await this.noteSourceReset(connectorId, error!);
      else if (status === 'SUCCEEDED')
        await this.db.pool.query(`update connector set attention = null, attention_at = null where id = $1 and attention is not null`, [connectorId]);
      this.opts.onRunEnd?.(connectorId);
      const summary: RunSummary = {
        connectorId,
        runId,
        status,
        ...totals,
        ...(queued ? { queued } : {}),
        touched: [...touched],
        error,
        durationMs: Date.now() - started,
      };
      if (!opts.skipPostSync) await this.afterSync(summary.touched);
      return summary;
    } finally {
      let broken: Error | undefined;
      if (locked)
        await lockClient.query(`select pg_advisory_unlock(hashtext('${CONNECTOR_RUN_LOCK}'), hashtext($1))`, [connectorId]).catch((e) => {
          broken = e;
        });
      lockClient.release(broken);
    }
  }
}
