import { HttpClient } from './http.client';
import { addDays, chinaDateOf } from '../domain/china-date';
import { RecordKind, UnifiedRecord } from './unified-record';
import { NamedError } from '../domain/named-error';

/** A configuration field a connector declares in its manifest. */
export interface ConfigField {
  name: string;
  type: 'string' | 'url' | 'integer' | 'boolean';
  description: string;
  default?: string | number | boolean;
  /** Secrets are stored, used, and never logged or returned by the API. */
  secret?: boolean;
}

/**
 * What a connector declares about itself: the steward-facing description of a
 * source integration.
 */
export interface ConnectorManifest {
  /** Stable id, kebab-case (`permit`, `credit-rating`). */
  id: string;
  kind: 'code' | 'declarative';
  title: string;
  /** Who runs the source system. */
  owner: string;
  /** Default cron schedule (node-cron syntax), or null for manual runs only. */
  schedule: string | null;
  /** Unified record kinds the connector produces. */
  produces: RecordKind[];
  config: ConfigField[];
  /**
   * How much a first, full run fetches: `high` (millions of records), `medium`
   * or `low`. `hub sync` starts the biggest connectors first while none has a
   * run history yet; afterwards the last run's duration decides.
   */
  volume?: 'high' | 'medium' | 'low';
}

/** Resolved configuration values (defaults applied). */
export type ConnectorConfig = Record<string, string | number | boolean | undefined>;

/**
 * How far back the store must hold a source's events: the active rule set's
 * window (the longest window of the rule sets a score is computed under),
 * given to every run by the runner so that no connector keeps a history
 * length of its own.
 */
export interface HistoryWindow {
  /** The window in days (`windowDays` of the active rule set; 1,095 for SD-2021). */
  days: number;
  /** The first date (China time, `YYYY-MM-DD`) inside the window today: today − days + 1. */
  from: string;
}

/** The history window of `days` days ending on the China date of `now`. */
export function historyWindow(days: number, now: Date): HistoryWindow {
  if (!Number.isInteger(days) || days < 1) throw new Error(`history window must be a positive number of days, got ${days}`);
  return { days, from: addDays(chinaDateOf(now), -(days - 1)) };
}

/**
 * A backfill's progress as a connector reports it with a page: the range of
 * dates being read back (`from` oldest, `to` newest) and how many of its
 * `total` dates are committed. Stored with the page's cursor, shown to
 * stewards in `connectors { backfill }` and on the CLI's progress display.
 */
export interface BackfillProgress {
  from: string;
  to: string;
  done: number;
  total: number;
  /** The earliest date the connector has read completely (what it covers), after this page. */
  coveredFrom: string | null;
}

/** What `fetch` and `check` receive from the runner. */
export interface FetchContext {
  http: HttpClient;
  /** Base URL of the source system. */
  baseUrl: string;
  config: ConnectorConfig;
  /** The cursor committed by the last successful page, or null on a first run. */
  cursor: unknown;
  log: (line: string) => void;
  /** The time the run started. */
  now: Date;
  /**
   * The history the store must hold (set by the runner on every run; `check`
   * may go without). A first run reads back at least this far (plus the
   * connector's overlap), and a later, longer window makes the next run read
   * the dates not covered yet.
   */
  history?: HistoryWindow;
}

/** The history window of a run, or an error saying the runner must give it. */
export function requireHistory(ctx: FetchContext, connectorId: string): HistoryWindow {
  if (!ctx.history) throw new Error(`connector '${connectorId}' reads by date and needs the history window (FetchContext.history) from the runner`);
  return ctx.history;
}

/** A page of native records plus the cursor that is safe to commit once they are stored. */
export interface FetchedPage {
  items: unknown[];
  cursor: unknown;
  /** The backfill's progress after this page, when the run reads back history (committed with the cursor). */
  backfill?: BackfillProgress;
}

/** The result of `check`: is the source reachable, and what does it claim. */
export interface CheckResult {
  ok: boolean;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * A source connector: `fetch` does I/O only and yields native records page by
 * page; `map` is pure and turns one native record into a unified record (or
 * throws a {@link MappingError} saying why it cannot).
 */
export interface SourceConnector {
  manifest: ConnectorManifest;
  check(ctx: FetchContext): Promise<CheckResult>;
  fetch(ctx: FetchContext): AsyncIterable<FetchedPage>;
  map(native: unknown, config: ConnectorConfig): UnifiedRecord;
}

/** What a mapper could still read of a record it could not map: lets quarantine link it to its enterprise and source id. */
export interface RecordIdentity {
  sourceId?: string;
  creditCode?: string;
}

/** Thrown by `map` when a native record cannot be turned into a unified record. */
export class MappingError extends NamedError {
  constructor(
    message: string,
    readonly identity: RecordIdentity = {},
  ) {
    super(message);
  }
}

/**
 * Thrown by `fetch` when the source no longer recognises the cursor the hub
 * saved (its change feed was reset or regenerated). The message says so in
 * plain words; the runner clears the cursor, so the next run re-reads the
 * source from its start, and tells the steward on the connector.
 */
export class SourceResetError extends NamedError {}

/** Applies the manifest's defaults to stored configuration values. */
export function resolveConfig(manifest: ConnectorManifest, stored: Record<string, unknown> = {}): ConnectorConfig {
  const out: ConnectorConfig = {};
  for (const f of manifest.config) {
    const v = stored[f.name] ?? f.default;
    out[f.name] = v as ConnectorConfig[string];
  }
  return out;
}

/** The configuration with secrets replaced, for logs and API answers. */
export function redactConfig(manifest: ConnectorManifest, config: ConnectorConfig): ConnectorConfig {
  const out: ConnectorConfig = { ...config };
  for (const f of manifest.config) if (f.secret && out[f.name] !== undefined) out[f.name] = '***';
  return out;
}
