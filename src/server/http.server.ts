import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLFormattedError } from 'graphql';
import { ServerServices } from './server-services.types';
import { pendingMigrations } from '../db/database';
import { HubContext } from '../graphql/context';
import { DEFAULT_QUERY_LIMITS, QueryLimits, queryLimitsPlugin } from '../graphql/limits/query-limits.plugin';
import { buildHubSchema } from '../graphql/schema';
import { compiledQueryGateway } from './compiled-query.executor';
import { auditPlugin } from '../audit/audit.plugin';
import { authenticateRequest } from './bearer-auth';
import { debugErrors, formatHubError, logUnexpected } from './error-format';
import { ClientError } from '../domain/client-error';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/database-errors';
import { hubMetrics } from '../observability/hub-metrics';
import { observeHttpRequest } from '../observability/request-observer';
import { graphiqlPage } from './graphiql.page';
import { graphqlRoute } from './graphql.route';
import { HttpError, HttpRoute, sendJson } from './http-route';
import { featureRoutes } from './route-table';
import { attachSubscriptions } from './subscription.server';
import { CorsPolicy } from './cors';
import { SubscriptionCaps } from '../graphql/limits/subscription-limits';
import { ExportCapacity, ExportLimits } from './export-capacity';
import { AddressRateLimiter } from './rate-limit';
import { NO_SHARED_PERSISTED_QUERIES, ScopedPersistedQueryCache, scopedPersistedQueries } from './persisted-query.cache';

/**
 * Headers whose presence lets a GET /graphql through Apollo's CSRF prevention: a browser sends none of them
 * without a CORS preflight. Apollo Server's recommended two, and `authorization` (the hub's API key).
 */
export const CSRF_PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'];

/** A running HTTP server of the hub. */
export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  apollo: ApolloServer<HubContext>;
  close(): Promise<void>;
}

export interface ServerOptions {
  port: number;
  /** Interface to listen on (default 127.0.0.1; `hub serve` passes HUB_HOST / --host, 0.0.0.0 in production). */
  host?: string;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Whether schema introspection is allowed (default true; switch off in production). */
  introspection?: boolean;
  /** Query limits (defaults in DEFAULT_QUERY_LIMITS). */
  limits?: Partial<QueryLimits>;
  /** When set, `/metrics` requires `Authorization: Bearer <token>` (HUB_METRICS_TOKEN). */
  metricsToken?: string;
  /** Caps on open subscriptions per API key and per connection (defaults in DEFAULT_SUBSCRIPTION_CAPS). */
  subscriptionCaps?: Partial<SubscriptionCaps>;
  /** Browser origins allowed on /graphql, /export and /qr and for the WebSocket (HUB_CORS_ORIGINS; default none). */
  corsOrigins?: readonly string[];
  /** Capacity, stall timeout and session limits of `/export/enterprises.csv` (defaults in DEFAULT_EXPORT_LIMITS). */
  exportLimits?: Partial<ExportLimits>;
  /** Requests per minute per client address on the public pages (`/report`, `/qr`, `/plans`); 0 = no limit (default 120, HUB_PUBLIC_RATE_LIMIT). */
  publicRateLimitPerMinute?: number;
  /** Runs of a query on graphql-js before it runs compiled (default 2; null = never; see {@link compiledQueryGateway}). */
  compileQueriesAfterRuns?: number | null;
}

function probeRoutes(): HttpRoute[] {
  return [
    { name: 'healthz', methods: ['GET'], pattern: /^\/healthz$/, auth: 'public', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      name: 'readyz',
      methods: ['GET'],
      pattern: /^\/readyz$/,
      auth: 'public',
      async handle(_req, res, { services }) {
        try {
          await services.db.pool.query('select 1');
          const pending = await pendingMigrations(services.db.orm);
          if (pending.length) return sendJson(res, 503, { status: 'not ready', reason: `pending migrations: ${pending.join(', ')}` });
          return sendJson(res, 200, { status: 'ready' });
        } catch (e) {
          return sendJson(res, 503, { status: 'not ready', reason: `database unreachable: ${(e as Error).message}` });
        }
      },
    },
  ];
}

/**
 * Starts the hub's HTTP server: GraphQL on /graphql (Apollo Server driven
 * directly, no web framework), /healthz, /readyz and the feature routes.
 * Routes that serve enterprise data require an API key.
 */
export async function startHttpServer(services: ServerServices, opts: ServerOptions): Promise<RunningServer> {
  const schema = await buildHubSchema();
  const limits = { ...DEFAULT_QUERY_LIMITS, ...opts.limits };
  const apollo = new ApolloServer<HubContext>({
    // The hub's schema, its validated queries run compiled (graphql-jit); see compiledQueryGateway.
    gateway: compiledQueryGateway(schema, { compileAfterRuns: opts.compileQueriesAfterRuns }),
    introspection: opts.introspection ?? true,
    // A GET that names one of these headers has been preflighted by a browser, so it cannot be a forged
    // cross-site request. Apollo's defaults (x-apollo-operation-name, apollo-require-preflight; not exported by
    // @apollo/server) plus Authorization, which every hub call carries: urql's and graphql-request's GET with only
    // `Authorization: Bearer …` is then answered, not refused as CSRF.
    csrfPrevention: { requestHeaders: CSRF_PREFLIGHT_HEADERS },
    // APQ hashes are looked up in the caller's own scope (the plugin below): no key learns whether another sent a query.
    persistedQueries: { cache: NO_SHARED_PERSISTED_QUERIES },
    // Stack traces (with the server's paths) only when asked for: Apollo's default includes them unless NODE_ENV=production.
    includeStacktraceInErrorResponses: debugErrors(),
    // No cache hints are used; Apollo's default cache-control plugin would otherwise run a hook for every field of every response.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      scopedPersistedQueries(new ScopedPersistedQueryCache()),
      queryLimitsPlugin(limits),
      auditPlugin(),
      hubMetrics(services).apolloPlugin(),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => formatHubError(formatted, error, services.log),
  });
  await apollo.start();
  // Exports stream on sessions of their own: however many clients stall, authentication, GraphQL and /readyz keep theirs.
  const exportCapacity = new ExportCapacity(services.db.url, opts.exportLimits, services.log);
  const routes: HttpRoute[] = [
    graphqlRoute(apollo, { maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024, limits, browserPage: graphiqlPage(services) }),
    ...probeRoutes(),
    ...featureRoutes(services, { metricsToken: opts.metricsToken, exportCapacity }),
  ];

  const cors = new CorsPolicy(opts.corsOrigins ?? []);
  const perMinute = opts.publicRateLimitPerMinute ?? 120;
  const publicPages = perMinute > 0 ? new AddressRateLimiter({ perMinute }) : null;
  const server = http.createServer(async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (cors.handle(req, res, url.pathname)) return;
      let match: RegExpExecArray | null = null;
      const route = routes.find((r) => (match = r.pattern.exec(url.pathname)) !== null);
      observeHttpRequest(services, req, res, route?.name ?? 'unmatched', requestId);
      if (!route) throw new HttpError(404, `no route for ${url.pathname}; GraphQL is at /graphql`, 'NOT_FOUND');
      if (!route.methods.includes(req.method ?? 'GET'))
        throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}; use ${route.methods.join(' or ')}`, 'METHOD_NOT_ALLOWED', {
          allow: route.methods.join(', '),
        });
      if (route.publicPage && publicPages) {
        const d = publicPages.take(req.socket.remoteAddress);
        if (!d.allowed)
          throw new HttpError(
            429,
            `too many requests from your address to the public pages (limit ${perMinute} per minute); retry in ${d.retryAfterSeconds} s`,
            'RATE_LIMITED',
            { 'retry-after': String(d.retryAfterSeconds) },
            { limit: perMinute },
          );
      }
      const caller = route.auth === 'caller' ? await authenticateRequest(req, services.apiKeys) : null;
      await route.handle(req, res, { services, url, requestId, caller, params: (match ?? []).slice(1) });
    } catch (e) {
      const err =
        e instanceof HttpError
          ? e
          : e instanceof ClientError
            ? new HttpError(e.code === 'FORBIDDEN' ? 403 : e.code === 'NOT_FOUND' ? 404 : 400, e.message, e.code, {}, { ...e.details })
            : isDatabaseUnavailable(e)
              ? new HttpError(503, DATABASE_UNAVAILABLE_MESSAGE, 'SERVICE_UNAVAILABLE')
              : new HttpError(500, 'internal error; the hub logged the details', 'INTERNAL_SERVER_ERROR');
      if (err.status === 500) logUnexpected(services.log, `request ${requestId} ${req.method} ${url.pathname} failed: ${(e as Error).stack ?? e}`);
      // A refusal that leaves a request unread (413) closes the connection once answered.
      if (err.headers.connection === 'close') res.once('finish', () => req.socket.destroy());
      if (!res.headersSent)
        sendJson(
          res,
          err.status,
          { errors: [{ message: err.message, extensions: { ...err.extensions, code: err.code } }] },
          { 'x-request-id': requestId, ...err.headers },
        );
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const subscriptions = await attachSubscriptions(server, services, schema, { limits, caps: opts.subscriptionCaps, cors });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    server,
    apollo,
    async close() {
      await subscriptions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      setTimeout(() => server.closeAllConnections?.(), 2000).unref();
      await closed;
      await apollo.stop();
      await exportCapacity.close();
    },
  };
}
