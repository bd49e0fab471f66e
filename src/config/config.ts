import path from 'node:path';

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
  /** Public base URL used in report links and QR codes. */
  publicUrl: string;
  /** Whether GraphQL introspection is allowed (HUB_INTROSPECTION=off in production). */
  introspection: boolean;
  /** Longest a PostgreSQL statement of an API request may run, in ms. */
  statementTimeoutMs: number;
  /** How many connectors `hub sync` (and `npm start`) runs at once (HUB_SYNC_CONCURRENCY, default 1: each run already writes two pages at a time, and on 2 cores two runs side by side were slower than one after the other). */
  syncConcurrency: number;
  /** Log level: debug, info, warn or error. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Thrown at start-up when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function parseUrl(name: string, value: string, protocols: string[], problems: string[]): string | undefined {
  try {
    const url = new URL(value);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name} must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}, got '${url.protocol.replace(':', '')}'`);
      return undefined;
    }
    return value;
  } catch {
    problems.push(`${name} is not a valid URL: '${value}'`);
    return undefined;
  }
}

function parsePort(name: string, value: string, problems: string[]): number | undefined {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    problems.push(`${name} must be a port number from 1 to 65535, got '${value}'`);
    return undefined;
  }
  return Number(value);
}

/**
 * Reads and validates the hub's configuration from `env` (default `process.env`).
 * Throws {@link ConfigError} listing every problem found, not just the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const problems: string[] = [];
  const nonEmpty = (k: string) => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);

  const databaseUrl = nonEmpty('DATABASE_URL') && parseUrl('DATABASE_URL', env.DATABASE_URL!, ['postgres:', 'postgresql:'], problems);
  const databaseReplicaUrl = nonEmpty('DATABASE_REPLICA_URL') && parseUrl('DATABASE_REPLICA_URL', env.DATABASE_REPLICA_URL!, ['postgres:', 'postgresql:'], problems);
  const sourcesUrl = parseUrl('HUB_SOURCES_URL', nonEmpty('HUB_SOURCES_URL') ?? 'http://127.0.0.1:4100', ['http:', 'https:'], problems);
  const port = parsePort('PORT', nonEmpty('PORT') ?? '4000', problems);
  const dataDir = path.resolve(nonEmpty('HUB_DATA_DIR') ?? '.hub-data');
  const logLevel = (nonEmpty('LOG_LEVEL') ?? 'info') as HubConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const publicUrl = parseUrl('HUB_PUBLIC_URL', nonEmpty('HUB_PUBLIC_URL') ?? `http://localhost:${port ?? 4000}`, ['http:', 'https:'], problems);

  const introspectionRaw = (nonEmpty('HUB_INTROSPECTION') ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(introspectionRaw)) problems.push(`HUB_INTROSPECTION must be on or off, got '${introspectionRaw}'`);
  const timeoutRaw = nonEmpty('HUB_STATEMENT_TIMEOUT_MS') ?? '15000';
  if (!/^\d+$/.test(timeoutRaw) || Number(timeoutRaw) < 100) problems.push(`HUB_STATEMENT_TIMEOUT_MS must be a number of milliseconds ≥ 100, got '${timeoutRaw}'`);

  const concurrencyRaw = nonEmpty('HUB_SYNC_CONCURRENCY') ?? '1';
  if (!/^\d+$/.test(concurrencyRaw) || Number(concurrencyRaw) < 1 || Number(concurrencyRaw) > 16) problems.push(`HUB_SYNC_CONCURRENCY must be a whole number from 1 to 16, got '${concurrencyRaw}'`);

  if (problems.length) throw new ConfigError(problems);
  return {
    databaseUrl: databaseUrl || undefined,
    databaseReplicaUrl: databaseReplicaUrl || undefined,
    sourcesUrl: sourcesUrl!.replace(/\/+$/, ''),
    port: port!,
    dataDir,
    publicUrl: publicUrl!.replace(/\/+$/, ''),
    logLevel,
    introspection: ['on', 'true', '1'].includes(introspectionRaw),
    statementTimeoutMs: Number(timeoutRaw),
    syncConcurrency: Number(concurrencyRaw),
    ...overrides,
  };
}
