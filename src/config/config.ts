import path from 'node:path';
import { z } from 'zod';
import { NamedError } from '../domain/named-error';

/** Settings the hub reads from its environment. */
export interface HubConfig {
  /** PostgreSQL URL; when absent the hub starts an embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  /**
   * PostgreSQL URL of a hot standby of `databaseUrl` (DATABASE_REPLICA_URL):
   * when set, the API's read-only queries (search, facets, reports, ranks,
   * divisions, permits) go there; writes, syncs and scoring stay on the primary.
   */
  databaseReplicaUrl?: string;
  /** Base URL of the source systems (the simulator by default). */
  sourcesUrl: string;
  /** HTTP port of `hub serve`. */
  port: number;
  /** Folder of the embedded database and other local state. */
  dataDir: string;
  /** First port tried for the embedded PostgreSQL (HUB_EMBEDDED_PORT, default 54329; the next free one is used when taken). */
  embeddedPort: number;
  /** Public base URL used in report links and QR codes. */
  publicUrl: string;
  /** Whether GraphQL introspection is allowed (HUB_INTROSPECTION=off in production). */
  introspection: boolean;
  /** Longest a PostgreSQL statement of an API request may run, in ms. */
  statementTimeoutMs: number;
  /** How many connectors `hub sync` (and `npm start`) runs at once (HUB_SYNC_CONCURRENCY, default 1: each run already writes two pages at a time, and on 2 cores two runs side by side were slower than one after the other). */
  syncConcurrency: number;
  /** TCP port of the HJ 212 gateway of `hub serve` and `hub start` (HUB_HJ212_PORT, default 4212; 0 = no gateway). */
  hj212Port: number;
  /** Days raw HJ 212 packets are kept (HUB_HJ212_RETENTION_DAYS, default 14); older day partitions are dropped. */
  hj212RetentionDays: number;
  /** Browser origins allowed to call /graphql, /export, /qr and the WebSocket (HUB_CORS_ORIGINS, comma-separated; `http://localhost:*` allows any port; unset = none, `npm start` allows local dev servers). */
  corsOrigins?: string[];
  /** Interface `hub serve` listens on (HUB_HOST / --host, default 127.0.0.1: a demo is never reachable from other machines by accident; 0.0.0.0 in production behind the firewall). */
  host: string;
  /** Whether webhooks and declarative connectors may reach loopback, private, link-local and other internal addresses (HUB_ALLOW_PRIVATE_TARGETS, default off). */
  allowPrivateTargets: boolean;
  /** Origins (`http://host:port`) webhooks and declarative connectors may reach even when internal (HUB_ALLOWED_TARGETS, comma-separated); HUB_SOURCES_URL is always allowed. */
  allowedTargets: string[];
  /** Most webhooks one division may have (HUB_WEBHOOKS_PER_DIVISION, default 20). */
  webhooksPerDivision: number;
  /** When set, `/metrics` answers only with `Authorization: Bearer <token>` (HUB_METRICS_TOKEN). */
  metricsToken?: string;
  /** Days hourly values from HJ 212 (`monitoring_hour`) are kept (HUB_HJ212_HOUR_RETENTION_DAYS, default 400); older hours are deleted by the partition task. */
  hj212HourRetentionDays: number;
  /** Exports (`/export/enterprises.csv`) streaming at once per process, on sessions of their own (HUB_EXPORT_CONCURRENCY, default 2); one more is answered 503. */
  exportConcurrency: number;
  /** An export whose client reads nothing for this long is cut off and its session released (HUB_EXPORT_STALL_TIMEOUT_MS, default 30 000). */
  exportStallTimeoutMs: number;
  /** Requests per minute one client address may make to the public pages `/report`, `/qr`, `/plans` (HUB_PUBLIC_RATE_LIMIT, default 120; 0 = no limit). */
  publicRateLimitPerMinute: number;
  /** Runs of a query (the same text) on graphql-js before it is compiled to JavaScript (HUB_COMPILE_QUERIES_AFTER, default 2; `off` = never compiled). */
  compileQueriesAfterRuns: number | null;
  /**
   * Entity resolution's two thresholds on a name match's probability (HUB_RESOLUTION_LINK_THRESHOLD, default 0.99;
   * HUB_RESOLUTION_REVIEW_THRESHOLD, default 0.05): at or above `link` a record links automatically, from `review` up it
   * waits in the steward review queue, below it is quarantined with its best candidates. `margin`
   * (HUB_RESOLUTION_LINK_MARGIN, default 4): the log-odds by which a link must lead a runner-up that reaches `review`.
   */
  resolutionThresholds: { link: number; review: number; margin: number };
  /** Log level: debug, info, warn or error. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Thrown at start-up when the environment is invalid; lists every problem at once. */
export class ConfigError extends NamedError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `postgres://user:secret@host` → `postgres://user:***@host`, also in text that is not a valid URL. */
export function redactUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}

type Ctx = z.RefinementCtx;
const fail = (ctx: Ctx, message: string) => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
};

/** An environment variable: absent or empty means "not set". */
const env = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner);

/** A URL of one of `protocols`; the message never shows a password. */
const url = (name: string, protocols: string[]) =>
  z.string().transform((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return fail(ctx, `${name} is not a valid URL: '${redactUrlPassword(value)}'`);
    }
    if (!protocols.includes(parsed.protocol)) {
      return fail(ctx, `${name} must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}, got '${parsed.protocol.replace(':', '')}'`);
    }
    return value;
  });

const wholeNumber = (message: (v: string) => string, ok: (n: number) => boolean) =>
  z.string().transform((v, ctx) => (/^\d+$/.test(v) && ok(Number(v)) ? Number(v) : fail(ctx, message(v))));

/** `name` as a whole number from `min` to `max`; `what` names it in the message ("a whole number of days"). */
const wholeNumberIn = (name: string, min: number, max: number, what = 'a whole number') =>
  wholeNumber(
    (v) => `${name} must be ${what} from ${min} to ${max}, got '${v}'`,
    (n) => n >= min && n <= max,
  );

/** `name` as a number of milliseconds, at least 100. */
const milliseconds = (name: string) =>
  wholeNumber(
    (v) => `${name} must be a number of milliseconds ≥ 100, got '${v}'`,
    (n) => n >= 100,
  );

/** An on/off switch. */
const onOff = (name: string, fallback: 'on' | 'off') =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const v = raw.toLowerCase();
      return ['on', 'true', '1'].includes(v) ? true : ['off', 'false', '0'].includes(v) ? false : fail(ctx, `${name} must be on or off, got '${v}'`);
    });

/** The environment the hub reads, as a zod schema: each variable's default, type and message. */
const EnvSchema = z
  .object({
    DATABASE_URL: env(url('DATABASE_URL', ['postgres:', 'postgresql:']).optional()),
    DATABASE_REPLICA_URL: env(url('DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']).optional()),
    HUB_SOURCES_URL: env(url('HUB_SOURCES_URL', ['http:', 'https:']).default('http://127.0.0.1:4100')),
    PORT: env(
      wholeNumber(
        (v) => `PORT must be a port number from 1 to 65535, got '${v}'`,
        (n) => n >= 1 && n <= 65535,
      ).default(4000),
    ),
    HUB_DATA_DIR: env(z.string().default('.hub-data')),
    HUB_EMBEDDED_PORT: env(
      wholeNumber(
        (v) => `HUB_EMBEDDED_PORT must be a port number from 1 to 65535, got '${v}'`,
        (n) => n >= 1 && n <= 65535,
      ).default(54329),
    ),
    LOG_LEVEL: env(
      z
        .string()
        .default('info')
        .transform((v, ctx) =>
          (LOG_LEVELS as readonly string[]).includes(v)
            ? (v as HubConfig['logLevel'])
            : fail(ctx, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${v}'`),
        ),
    ),
    HUB_PUBLIC_URL: env(url('HUB_PUBLIC_URL', ['http:', 'https:']).optional()),
    HUB_INTROSPECTION: env(onOff('HUB_INTROSPECTION', 'on')),
    HUB_STATEMENT_TIMEOUT_MS: env(milliseconds('HUB_STATEMENT_TIMEOUT_MS').default(15000)),
    HUB_SYNC_CONCURRENCY: env(wholeNumberIn('HUB_SYNC_CONCURRENCY', 1, 16).default(1)),
    HUB_HJ212_PORT: env(
      wholeNumber(
        (v) => `HUB_HJ212_PORT must be a port number from 0 (off) to 65535, got '${v}'`,
        (n) => n <= 65535,
      ).default(4212),
    ),
    HUB_CORS_ORIGINS: env(
      z
        .string()
        .optional()
        .transform((v, ctx) => {
          if (v === undefined) return undefined;
          const list = v.split(/[\s,]+/).filter(Boolean);
          const bad = list.filter((o) => o !== '*' && !/^https?:\/\/[^/\s]+?(:(\d{1,5}|\*))?$/i.test(o));
          return bad.length
            ? fail(ctx, `HUB_CORS_ORIGINS must list origins like https://app.example.cn or http://localhost:*, got '${bad.join("', '")}'`)
            : list;
        }),
    ),
    HUB_HJ212_RETENTION_DAYS: env(wholeNumberIn('HUB_HJ212_RETENTION_DAYS', 1, 366, 'a whole number of days').default(14)),
    HUB_HOST: env(
      z
        .string()
        .default('127.0.0.1')
        .transform((v, ctx) => (/^[\w.:-]+$/.test(v) ? v : fail(ctx, `HUB_HOST must be a host name or IP address (0.0.0.0 for every interface), got '${v}'`))),
    ),
    HUB_ALLOW_PRIVATE_TARGETS: env(onOff('HUB_ALLOW_PRIVATE_TARGETS', 'off')),
    HUB_ALLOWED_TARGETS: env(
      z
        .string()
        .default('')
        .transform((raw, ctx) => {
          const out: string[] = [];
          for (const item of raw
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)) {
            try {
              const u = new URL(item);
              if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
              out.push(u.origin);
            } catch {
              return fail(ctx, `HUB_ALLOWED_TARGETS takes comma-separated origins like http://10.1.2.3:8080, got '${item}'`);
            }
          }
          return out;
        }),
    ),
    HUB_WEBHOOKS_PER_DIVISION: env(wholeNumberIn('HUB_WEBHOOKS_PER_DIVISION', 1, 1000).default(20)),
    HUB_METRICS_TOKEN: env(z.string().min(16, 'HUB_METRICS_TOKEN must have at least 16 characters').optional()),
    HUB_HJ212_HOUR_RETENTION_DAYS: env(wholeNumberIn('HUB_HJ212_HOUR_RETENTION_DAYS', 1, 3660, 'a whole number of days').default(400)),
    HUB_EXPORT_CONCURRENCY: env(wholeNumberIn('HUB_EXPORT_CONCURRENCY', 1, 64).default(2)),
    HUB_EXPORT_STALL_TIMEOUT_MS: env(milliseconds('HUB_EXPORT_STALL_TIMEOUT_MS').default(30000)),
    HUB_PUBLIC_RATE_LIMIT: env(
      wholeNumber(
        (v) => `HUB_PUBLIC_RATE_LIMIT must be a whole number of requests per minute (0 = no limit), got '${v}'`,
        (n) => n <= 1_000_000,
      ).default(120),
    ),
    HUB_COMPILE_QUERIES_AFTER: env(
      z
        .string()
        .default('2')
        .transform((v, ctx) =>
          v.toLowerCase() === 'off'
            ? null
            : /^\d+$/.test(v) && Number(v) <= 1_000_000
              ? Number(v)
              : fail(ctx, `HUB_COMPILE_QUERIES_AFTER must be a whole number of runs (0 = compile at once) or off, got '${v}'`),
        ),
    ),
    HUB_RESOLUTION_LINK_THRESHOLD: env(probability('HUB_RESOLUTION_LINK_THRESHOLD').default(0.99)),
    HUB_RESOLUTION_REVIEW_THRESHOLD: env(probability('HUB_RESOLUTION_REVIEW_THRESHOLD').default(0.05)),
    HUB_RESOLUTION_LINK_MARGIN: env(
      z
        .string()
        .transform((v, ctx) => {
          const n = Number(v);
          return v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 50
            ? n
            : fail(ctx, `HUB_RESOLUTION_LINK_MARGIN must be a number of log-odds from 0 to 50, got '${v}'`);
        })
        .default(4),
    ),
  })
  .superRefine((e, ctx) => {
    if (e.HUB_RESOLUTION_REVIEW_THRESHOLD > e.HUB_RESOLUTION_LINK_THRESHOLD)
      ctx.addIssue({
        code: 'custom',
        message: `HUB_RESOLUTION_REVIEW_THRESHOLD (${e.HUB_RESOLUTION_REVIEW_THRESHOLD}) must not exceed HUB_RESOLUTION_LINK_THRESHOLD (${e.HUB_RESOLUTION_LINK_THRESHOLD})`,
      });
  });

/** A probability from 0 to 1 (a resolution threshold). */
function probability(name: string) {
  return z.string().transform((v, ctx) => {
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? n : fail(ctx, `${name} must be a probability from 0 to 1, got '${v}'`);
  });
}

/**
 * Reads and validates the hub's configuration from `env` (default `process.env`).
 * Throws {@link ConfigError} listing every problem found, not just the first.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const parsed = EnvSchema.safeParse(environment);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => (i.code === 'custom' ? i.message : `${i.path.join('.')}: ${i.message}`)));
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    sourcesUrl: e.HUB_SOURCES_URL.replace(/\/+$/, ''),
    port: e.PORT,
    dataDir: path.resolve(e.HUB_DATA_DIR),
    embeddedPort: e.HUB_EMBEDDED_PORT,
    // Without HUB_PUBLIC_URL, links and QR codes follow the port the server is told to use (--port too).
    publicUrl: (e.HUB_PUBLIC_URL ?? `http://localhost:${overrides.port ?? e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    introspection: e.HUB_INTROSPECTION,
    statementTimeoutMs: e.HUB_STATEMENT_TIMEOUT_MS,
    syncConcurrency: e.HUB_SYNC_CONCURRENCY,
    hj212Port: e.HUB_HJ212_PORT,
    hj212RetentionDays: e.HUB_HJ212_RETENTION_DAYS,
    corsOrigins: e.HUB_CORS_ORIGINS,
    host: e.HUB_HOST,
    allowPrivateTargets: e.HUB_ALLOW_PRIVATE_TARGETS,
    allowedTargets: e.HUB_ALLOWED_TARGETS,
    webhooksPerDivision: e.HUB_WEBHOOKS_PER_DIVISION,
    metricsToken: e.HUB_METRICS_TOKEN,
    hj212HourRetentionDays: e.HUB_HJ212_HOUR_RETENTION_DAYS,
    exportConcurrency: e.HUB_EXPORT_CONCURRENCY,
    exportStallTimeoutMs: e.HUB_EXPORT_STALL_TIMEOUT_MS,
    publicRateLimitPerMinute: e.HUB_PUBLIC_RATE_LIMIT,
    compileQueriesAfterRuns: e.HUB_COMPILE_QUERIES_AFTER,
    resolutionThresholds: { link: e.HUB_RESOLUTION_LINK_THRESHOLD, review: e.HUB_RESOLUTION_REVIEW_THRESHOLD, margin: e.HUB_RESOLUTION_LINK_MARGIN },
    ...overrides,
  };
}
