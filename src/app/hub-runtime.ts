import { HubServices, createHubServices } from './hub-services';
import { HubConfig, loadConfig } from '../config/config';
import { Database, openDatabase } from '../db/database';
import { SyncRunnerOptions } from '../ingest/sync.runner';
import { Logger, createLogger } from '../observability/logger';

/** An opened hub: configuration, database and services, with one way to shut it all down. */
export interface HubRuntime {
  config: HubConfig;
  db: Database;
  services: HubServices;
  log: Logger;
  /** Registers cleanup to run on shutdown (last registered runs first). */
  onShutdown(fn: () => Promise<void> | void): void;
  shutdown(): Promise<void>;
}

/**
 * Loads the configuration (exiting with every problem listed when it is
 * invalid), opens and migrates the database, wires the services, and makes
 * SIGINT/SIGTERM shut everything down cleanly — including an embedded PostgreSQL.
 */
export async function openHub(
  overrides: Partial<HubConfig> = {},
  opts: { migrate?: boolean; jsonLogs?: boolean; runner?: SyncRunnerOptions } = {},
): Promise<HubRuntime> {
  const config = loadConfig(process.env, overrides);
  const log = createLogger(config.logLevel, { json: opts.jsonLogs });
  const db = await openDatabase(config, { migrate: opts.migrate, log: (l) => log.at('debug', `postgres: ${l}`), notice: (l) => log.at('warn', l) });
  if (db.embedded) log(`embedded PostgreSQL at ${db.url.replace(/:[^:@/]+@/, ':***@')} (data in ${config.dataDir})`);
  const cleanups: (() => Promise<void> | void)[] = [];
  let shuttingDown: Promise<void> | undefined;
  const runtime: HubRuntime = {
    config,
    db,
    services: await createHubServices(config, db, { log, runner: opts.runner }),
    log,
    onShutdown: (fn) => cleanups.push(fn),
    shutdown() {
      shuttingDown ??= (async () => {
        for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((e) => log.at('error', `shutdown step failed: ${(e as Error).message}`));
        await db.close();
      })();
      return shuttingDown;
    },
  };
  const onSignal = (sig: string) => {
    log(`${sig} received, shutting down`);
    runtime.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  return runtime;
}

/** Opens the hub as {@link openHub} does with its defaults, runs `fn` with it, and shuts it down whatever `fn` did; `fn`'s result. */
export async function withHub<T>(fn: (hub: HubRuntime) => Promise<T>): Promise<T> {
  const hub = await openHub();
  try {
    return await fn(hub);
  } finally {
    await hub.shutdown();
  }
}
