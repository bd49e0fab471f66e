import http from 'node:http';
import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLObjectType, GraphQLSchema, defaultFieldResolver } from 'graphql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Pool } from 'pg';
import { knownOperationNames } from './known-operations';

/** What the metrics read: the database, for the connector, quarantine, risk and warning gauges. */
export interface MetricsSource {
  db: { pool: Pool };
  /** GraphQL subscriptions listening in this process, when it serves them. */
  subscriptionsListening?: () => number;
}

/** Buckets for request and operation durations, in seconds (1 ms … 30 s). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Buckets for single resolvers, in seconds (50 µs … 5 s). */
const RESOLVER_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Label of a named operation the hub does not publish ({@link knownOperationNames}). */
export const OTHER_OPERATION = 'other';
/** Label of an operation without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** The `type` label: the operation's kind, or `unknown` when the document did not parse or validate. */
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

/** What one scrape reads from the database (shared by the gauges of that scrape). */
interface DbSnapshot {
  up: boolean;
  /** Finished runs (SUCCEEDED, FAILED) and their records, by connector and status. */
  runs: { connector: string; status: string; n: number; fetched: number; loaded: number; unchanged: number; quarantined: number }[];
  /** Runs still RUNNING, by connector (a gauge: they are not counted until they finish). */
  running: { connector: string; n: number }[];
  lastSuccess: { connector: string; at: number }[];
  quarantine: { connector: string; n: number }[];
  enterprises: { risk: string; n: number }[];
  warnings: { status: string; n: number }[] | null;
  dirty: number;
}

/**
 * The hub's Prometheus metrics for one hub process (one registry per set of
 * services, so tests running several hubs do not mix them):
 *
 * - `hub_http_requests_total`, `hub_http_request_duration_seconds` by route, method and status;
 *   `hub_http_requests_in_flight`;
 * - `hub_graphql_operations_total` (by operation, type, outcome) and
 *   `hub_graphql_operation_duration_seconds`; `hub_graphql_resolver_duration_seconds`
 *   by `Type.field` for fields with their own resolver. The operation label is bounded:
 *   the names the hub publishes (the SDK's documents, the GraphiQL examples, the standard
 *   introspection query — {@link knownOperationNames}), `other` for any other name and
 *   `anonymous` for none;
 * - from the database at scrape time (so every replica reports the same totals):
 *   `hub_connector_runs_total` by connector and status — finished runs only (SUCCEEDED,
 *   FAILED): a RUNNING run is not counted until it ends, so the counter only grows —,
 *   `hub_connector_runs_in_progress` by connector, `hub_connector_records_total` by
 *   connector and outcome (fetched, loaded, unchanged, quarantined) of finished runs,
 *   `hub_connector_last_success_timestamp_seconds`, `hub_quarantine_open_records`,
 *   `hub_enterprises` by risk level, `hub_score_dirty_enterprises`, `hub_warnings` by status
 *   (once the warnings table exists), `hub_database_up`, `hub_db_pool_connections`;
 * - Node process metrics (`process_*`, `nodejs_*`).
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  private readonly inFlight: Gauge;
  private readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  private readonly operationDuration: Histogram<'operation' | 'type'>;
  private readonly resolverDuration: Histogram<'field'>;
  private readonly operationNames: ReadonlySet<string>;
  private snapshot?: { at: number; value: Promise<DbSnapshot> };
  /** The highest value each database-derived counter series has shown, so a scrape never shows less. */
  private readonly highWater = new Map<string, number>();

  /**
   * @param operationNames operation names kept as label values (default: {@link knownOperationNames}).
   */
  constructor(
    private readonly services: MetricsSource,
    operationNames: Iterable<string> = knownOperationNames(),
  ) {
    this.operationNames = new Set(operationNames);
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'hub_http_requests_total',
      help: 'HTTP requests answered, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'hub_http_request_duration_seconds',
      help: 'HTTP request durations, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.inFlight = new Gauge({ name: 'hub_http_requests_in_flight', help: 'HTTP requests being answered now', registers });
    this.operations = new Counter({
      name: 'hub_graphql_operations_total',
      help: 'GraphQL operations executed, by operation name, type and outcome (ok, error)',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'hub_graphql_operation_duration_seconds',
      help: 'GraphQL operation durations from parsing to response, by operation name and type',
      labelNames: ['operation', 'type'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.resolverDuration = new Histogram({
      name: 'hub_graphql_resolver_duration_seconds',
      help: 'Durations of GraphQL fields with their own resolver, by Type.field',
      labelNames: ['field'],
      buckets: RESOLVER_BUCKETS,
      registers,
    });
    this.databaseMetrics(registers);
    collectDefaultMetrics({ register: this.registry });
  }

  /** Text exposition of every metric (Prometheus format 0.0.4). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Counts one HTTP request when its response is finished (or the client
   * went away): route name, method, status and duration.
   */
  observeRequest(req: http.IncomingMessage, res: http.ServerResponse, route: string, onDone?: (status: number, seconds: number) => void): void {
    const started = process.hrtime.bigint();
    const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
    this.inFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499;
      const labels = { route, method, status: String(status) };
      this.httpRequests.inc(labels);
      this.httpDuration.observe(labels, seconds);
      onDone?.(status, seconds);
    };
    res.once('finish', finish);
    res.once('close', finish);
  }

  /** The `operation` label of an operation name: a published name as it is, `anonymous` for none, else `other`. */
  operationLabel(name: string | undefined | null): string {
    if (!name) return ANONYMOUS_OPERATION;
    return this.operationNames.has(name) ? name : OTHER_OPERATION;
  }

  /**
   * A database-derived counter value that never goes below what this process
   * showed before for the series (a scrape racing a commit, or a read of an
   * older snapshot, must not make a counter step back).
   */
  private monotonic(metric: string, labels: Record<string, string>, value: number): number {
    const key = `${metric}${JSON.stringify(labels)}`;
    const v = Math.max(value, this.highWater.get(key) ?? 0);
    this.highWater.set(key, v);
    return v;
  }

  /**
   * An Apollo Server plugin timing operations and the fields that have
   * resolvers of their own. Fields are timed by wrappers put on those
   * resolvers once, when the server starts, rather than by Apollo's
   * `willResolveField` hook: with that hook Apollo calls into every plugin for
   * every field of a response (thousands on a search page), the plain property
   * fields included. A wrapper times only when the request's context was marked
   * by this plugin, so the same schema serves several hubs (tests) and
   * executions outside Apollo (subscriptions) as before.
   */
  apolloPlugin(): ApolloServerPlugin {
    const metrics = this;
    return {
      async serverWillStart({ schema }) {
        instrumentOwnResolvers(schema);
      },
      async requestDidStart({ contextValue }) {
        const started = process.hrtime.bigint();
        if (contextValue && typeof contextValue === 'object') (contextValue as Record<symbol, unknown>)[TIMED_BY] = metrics;
        return {
          async willSendResponse(ctx) {
            const kind = ctx.operation?.operation as string | undefined;
            const type = kind && OPERATION_TYPES.has(kind) ? kind : 'unknown';
            const operation = metrics.operationLabel(ctx.operationName);
            const failed = ctx.response.body.kind === 'single' && (ctx.response.body.singleResult.errors?.length ?? 0) > 0;
            metrics.operations.inc({ operation, type, outcome: failed ? 'error' : 'ok' });
            metrics.operationDuration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
          },
        };
      },
    };
  }

  /** Records one resolver's duration (called by the wrappers of {@link instrumentOwnResolvers}). */
  observeResolver(field: string, started: bigint): void {
    this.resolverDuration.observe({ field }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Reads the database figures at most once per second, shared by all gauges of a scrape. */
  private dbSnapshot(): Promise<DbSnapshot> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > 1000) this.snapshot = { at: now, value: readDbSnapshot(this.services) };
    return this.snapshot.value;
  }

  /** A gauge of one label set from each scrape's database snapshot: `rows` gives each label value with its number. */
  private snapshotGauge(registers: Registry[], name: string, help: string, label: string, rows: (s: DbSnapshot) => [string, number][]): void {
    const metrics = this;
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers,
      async collect() {
        const s = await metrics.dbSnapshot();
        this.reset();
        for (const [value, n] of rows(s)) this.set({ [label]: value }, n);
      },
    });
  }

  private databaseMetrics(registers: Registry[]): void {
    const metrics = this;
    new Counter({
      name: 'hub_connector_runs_total',
      help: 'Connector runs finished, by connector and status (SUCCEEDED, FAILED); a run still RUNNING is counted when it ends',
      labelNames: ['connector', 'status'],
      registers,
      async collect() {
        const s = await metrics.dbSnapshot();
        this.reset();
        for (const r of s.runs) {
          const labels = { connector: r.connector, status: r.status };
          this.inc(labels, metrics.monotonic('hub_connector_runs_total', labels, r.n));
        }
      },
    });
    this.snapshotGauge(registers, 'hub_connector_runs_in_progress', 'Connector runs RUNNING now, by connector', 'connector', (s) =>
      s.running.map((r) => [r.connector, r.n]),
    );
    new Counter({
      name: 'hub_connector_records_total',
      help: 'Records handled by finished connector runs, by connector and outcome (fetched, loaded, unchanged, quarantined)',
      labelNames: ['connector', 'outcome'],
      registers,
      async collect() {
        const s = await metrics.dbSnapshot();
        this.reset();
        const sums = new Map<string, Record<'fetched' | 'loaded' | 'unchanged' | 'quarantined', number>>();
        for (const r of s.runs) {
          const t = sums.get(r.connector) ?? { fetched: 0, loaded: 0, unchanged: 0, quarantined: 0 };
          t.fetched += r.fetched;
          t.loaded += r.loaded;
          t.unchanged += r.unchanged;
          t.quarantined += r.quarantined;
          sums.set(r.connector, t);
        }
        for (const [connector, t] of sums) {
          for (const [outcome, n] of Object.entries(t))
            this.inc({ connector, outcome }, metrics.monotonic('hub_connector_records_total', { connector, outcome }, n));
        }
      },
    });
    this.snapshotGauge(
      registers,
      'hub_connector_last_success_timestamp_seconds',
      'When each connector last finished a successful run (Unix time)',
      'connector',
      (s) => s.lastSuccess.map((r) => [r.connector, r.at]),
    );
    this.snapshotGauge(registers, 'hub_quarantine_open_records', 'Records in quarantine waiting for a steward, by connector', 'connector', (s) =>
      s.quarantine.map((r) => [r.connector, r.n]),
    );
    this.snapshotGauge(registers, 'hub_enterprises', 'Enterprises in the store, by risk level', 'risk_level', (s) => s.enterprises.map((r) => [r.risk, r.n]));
    new Gauge({
      name: 'hub_score_dirty_enterprises',
      help: 'Enterprises marked for rescoring',
      registers,
      async collect() {
        this.set((await metrics.dbSnapshot()).dirty);
      },
    });
    this.snapshotGauge(registers, 'hub_warnings', 'Warnings by status (present once the warnings table exists)', 'status', (s) =>
      (s.warnings ?? []).map((r) => [r.status, r.n]),
    );
    new Gauge({
      name: 'hub_subscriptions_listening',
      help: 'GraphQL subscriptions of this process listening for change events',
      registers,
      collect() {
        this.set(metrics.services.subscriptionsListening?.() ?? 0);
      },
    });
    new Gauge({
      name: 'hub_database_up',
      help: '1 when the last scrape could query the database, else 0',
      registers,
      async collect() {
        this.set((await metrics.dbSnapshot()).up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_db_pool_connections',
      help: 'Connections of the API pool, by state (total, idle, waiting clients)',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = metrics.services.db.pool;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}

/** True for root fields and fields with a resolver of their own (a plain property read is not worth timing). */
/** Context property naming the metrics that time this request's resolvers. */
const TIMED_BY = Symbol('hubMetricsTimedBy');

const instrumented = new WeakSet<GraphQLSchema>();

/** Calls `done` when a resolver's result (a value, a promise or a list of promises) is settled. */
function whenSettled(result: unknown, done: () => void): void {
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(done, done);
  } else if (Array.isArray(result) && result.some((r) => r && typeof (r as PromiseLike<unknown>).then === 'function')) {
    Promise.all(result).then(done, done);
  } else {
    done();
  }
}

/**
 * Wraps, once per schema, the resolvers that run code of their own (every
 * Query and Mutation field, and the fields of {@link resolvedFields}) so that
 * each call is timed into the metrics that marked the request's context.
 */
function instrumentOwnResolvers(schema: GraphQLSchema): void {
  if (instrumented.has(schema)) return;
  instrumented.add(schema);
  const own = resolvedFields(schema);
  const roots = new Set([schema.getQueryType(), schema.getMutationType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const label = `${type.name}.${field.name}`;
      if (!roots.has(type) && !own.has(label)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const metrics = context?.[TIMED_BY] as HubMetrics | undefined;
        if (!metrics) return resolve(source, args, context, info);
        const started = process.hrtime.bigint();
        const done = () => metrics.observeResolver(label, started);
        let result: unknown;
        try {
          result = resolve(source, args, context, info);
        } catch (e) {
          done();
          throw e;
        }
        whenSettled(result, done);
        return result;
      };
    }
  }
}

const resolvedFieldCache = new WeakMap<GraphQLSchema, Set<string>>();

/**
 * The `Type.field`s of a schema that run code of their own. type-graphql gives
 * every field a `resolve` wrapper; a plain property field's wrapper reads
 * `root[...]`, so a field counts when its resolver does anything else (an
 * @FieldResolver method) or when it takes arguments. Computed once per schema,
 * when the server starts (before {@link instrumentOwnResolvers} wraps them).
 */
function resolvedFields(schema: GraphQLSchema): Set<string> {
  let set = resolvedFieldCache.get(schema);
  if (!set) {
    set = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const src = field.resolve ? Function.prototype.toString.call(field.resolve) : '';
        if (field.args.length > 0 || (src !== '' && !/root\[/.test(src))) set.add(`${type.name}.${field.name}`);
      }
    }
    resolvedFieldCache.set(schema, set);
  }
  return set;
}

async function readDbSnapshot(services: MetricsSource): Promise<DbSnapshot> {
  const pool = services.db.pool;
  try {
    const [runs, running, last, quarantine, enterprises, dirty, warningTable] = await Promise.all([
      pool.query(`select connector_id as connector, status, count(*)::int as n, coalesce(sum(fetched), 0)::bigint as fetched, coalesce(sum(loaded), 0)::bigint as loaded,
                         coalesce(sum(unchanged), 0)::bigint as unchanged, coalesce(sum(quarantined), 0)::bigint as quarantined
                    from connector_run where status <> 'RUNNING' group by connector_id, status`),
      pool.query(`select connector_id as connector, count(*)::int as n from connector_run where status = 'RUNNING' group by connector_id`),
      pool.query(
        `select connector_id as connector, extract(epoch from max(finished_at))::float8 as at from connector_run where status = 'SUCCEEDED' group by connector_id`,
      ),
      pool.query(
        `select c.id as connector, count(q.id)::int as n from connector c left join quarantine q on q.connector_id = c.id and q.status = 'OPEN' group by c.id`,
      ),
      pool.query(`select risk_level as risk, count(*)::int as n from enterprise group by risk_level`),
      pool.query(`select count(*)::int as n from score_dirty`),
      pool.query(`select to_regclass('warning') is not null as has`),
    ]);
    let warnings: DbSnapshot['warnings'] = null;
    if (warningTable.rows[0].has) {
      warnings = (await pool.query(`select status, count(*)::int as n from warning group by status`)).rows;
    }
    return {
      up: true,
      runs: runs.rows.map((r) => ({
        ...r,
        fetched: Number(r.fetched),
        loaded: Number(r.loaded),
        unchanged: Number(r.unchanged),
        quarantined: Number(r.quarantined),
      })),
      running: running.rows,
      lastSuccess: last.rows,
      quarantine: quarantine.rows,
      enterprises: enterprises.rows,
      warnings,
      dirty: dirty.rows[0].n,
    };
  } catch {
    return { up: false, runs: [], running: [], lastSuccess: [], quarantine: [], enterprises: [], warnings: null, dirty: 0 };
  }
}

const registries = new WeakMap<MetricsSource, HubMetrics>();

/** The metrics of a hub process (one per set of services, created on first use). */
export function hubMetrics(services: MetricsSource): HubMetrics {
  let m = registries.get(services);
  if (!m) {
    m = new HubMetrics(services);
    registries.set(services, m);
  }
  return m;
}
