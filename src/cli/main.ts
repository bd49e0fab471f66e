import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { projectRoot } from '../config/project-root';
import { migrate, openDatabase } from '../db/database';
import { writeSchemaFile } from '../graphql/schema';
import { loadBundledRules } from '../app/seed-data';
import { startHttpServer } from '../server/http.server';
import { DEMO_CORS_ORIGINS } from '../server/cors';
import { runSimCommand } from '../../simulator/sim.command';
import { startSimulator } from '../../simulator/sim.server';
import { createSyncProgress } from '../observability/sync-progress';
import { SERVING_MESSAGE, serverLogsJson, wantsJsonLogs } from '../observability/log-format';
import { createLogger } from '../observability/logger';
import { ConnectorBusyError, skippedRun } from '../ingest/sync.runner';
import { formatRunSummaries, syncExitStatus } from './summary';
import { openHub, withHub } from '../app/hub-runtime';
import { applyMemoryBudget } from '../app/memory-budget';
import { runRescoreCommand } from './rescore.command';
import { runResolveCommand } from './resolve.command';
import { RULES_DATA_USAGE, runTagsCommand, runWarningsCommand } from './rules-data.command';
import { createDemoKeys, runKeysCommand } from './keys.command';
import { cmdRegisterConnector, registerShippedConnectors } from './connectors.command';
import { startScheduler } from '../app/scheduled-tasks';
import { startHj212Gateway } from '../app/hj212-gateway.module';
import { runDevicesCommand } from './devices.command';
import { runInspectorsCommand, runPlanCommand } from './plan.command';
import { runDemoSupervision } from './demo-supervision';
import { SUPERVISION_USAGE, runObjectionsCommand, runSupervisionCommand } from './supervision.command';
import { runDauSimCommand } from '../../simulator/dau/dau-sim.command';
import { assertPortFree } from '../server/port-probe';
import { userErrorMessage } from './cli-errors';

const USAGE = `hub — environmental enforcement data hub

usage:
  hub start                         embedded database (unless DATABASE_URL), simulator with a demo province,
                                    first sync, then the server on http://localhost:4000/graphql and the
                                    HJ 212 gateway on tcp 4212 (HUB_HJ212_PORT, 0 = off)
  hub serve [--host H] [--port N] [--hj212-port N]
                                    GraphQL over HTTP on /graphql, /healthz, /readyz, listening on HUB_HOST / --host
                                    (default 127.0.0.1; 0.0.0.0 in production); HJ 212 gateway over TCP (default 4212, 0 = off)
  hub migrate                       apply pending migrations
  hub sim [--data DIR | --enterprises N --seed S] [--port N] [fault flags]
                                    serve the five source systems (default port 4100)
  hub sync [--connector ID ...]     run connectors once, then rescore/retag/warn what changed
  hub connectors list               connectors with their last run
  hub connectors run ID             run one connector
  hub connectors reset ID           re-read a connector's source from its start (after the source was reset)
  hub connectors register FILE      register a declarative connector from a JSON file
  hub connectors source KEY         the raw record a monitoring row came from (KEY creditCode/outletCode/pollutantCode/YYYY-MM-DD)
  hub devices bind --file F         bind HJ 212 DAUs (MN) to enterprise outlets with their limits
  hub devices list [--bound|--unbound]
                                    bound DAUs and unbound senders with packet counts
  hub dau-sim --target HOST:PORT --enterprises N --seed S [--print-bindings] [fault flags]
                                    play the DAUs of hub sim's province against an HJ 212 gateway
  hub inspectors import FILE        the inspector roster (CSV: id,name,divisionCode,capacityPerQuarter,conflicts)
  hub plan draw --quarter Q --division D --seed S [--replaces ID]
                                    draw a random-inspection plan (双随机) under the active policy
  hub plan verify PLAN_ID | --file F
                                    recompute a plan from its stored inputs, or from its export alone
  hub plan export PLAN_ID [--out F] the plan's published export (inputs and items)
${SUPERVISION_USAGE}
  hub retag                         re-derive every enterprise's tags from the current rules and data
  hub schema [--out FILE]           write the GraphQL schema (default schema/schema.graphql)
  hub keys create --name NAME --division CODE --role BUREAU|PARTNER|STEWARD|ADMIN
                                    print a new API key (stored hashed); hub keys list | revoke ID
  hub rescore [--all]               recompute scores (dirty/due ones, or all); --load FILE, --preview V, --activate V for rule sets
  hub resolve --evaluate [--truth F] entity resolution's precision, recall, queue and quarantine per source against the simulator's truth
  hub resolve --queue [--first N]   the open steward review queue
${RULES_DATA_USAGE}

environment: DATABASE_URL, DATABASE_REPLICA_URL, HUB_EMBEDDED_PORT, HUB_SOURCES_URL, HUB_SYNC_CONCURRENCY, HUB_HJ212_PORT, HUB_HJ212_RETENTION_DAYS, HUB_HEAP_GROWING_PERCENT, HUB_HOST, PORT, HUB_ALLOW_PRIVATE_TARGETS, HUB_ALLOWED_TARGETS, HUB_WEBHOOKS_PER_DIVISION, HUB_METRICS_TOKEN, HUB_DATA_DIR, HUB_PUBLIC_URL, HUB_RESOLUTION_LINK_THRESHOLD, HUB_RESOLUTION_REVIEW_THRESHOLD, HUB_RESOLUTION_LINK_MARGIN, LOG_LEVEL, LOG_FORMAT (json|text; hub serve logs json unless text; hub start json when not on a terminal), HUB_INTROSPECTION`;

const DEMO_QUERY = `{ enterprises(first: 5) { totalCount edges { node { creditCode name score riskLevel division { name } } } } }`;

async function cmdMigrate(): Promise<number> {
  // The database alone: the services read tables that only the migrations create.
  const db = await openDatabase(loadConfig(process.env), { migrate: false });
  try {
    const applied = await migrate(db.orm);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'no pending migrations');
    await loadBundledRules(db.pool);
    console.log('bundled rule sets, tag catalogue and warning parameters loaded');
    return 0;
  } finally {
    await db.close();
  }
}

async function cmdSync(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { connector: { type: 'string', multiple: true } }, strict: true });
  const progress = createSyncProgress({ stream: process.stdout });
  const hub = await openHub({}, { runner: { onPage: (id, totals) => progress.onPage(id, totals), onRunEnd: (id) => progress.finish(id) } });
  try {
    const ids = values.connector?.length ? values.connector : await enabledConnectorIds(hub.db.pool);
    const summaries = await hub.services.runner.syncAll(ids, 'cli').finally(() => progress.finishAll());
    console.log(formatRunSummaries(summaries));
    return syncExitStatus(summaries);
  } finally {
    await hub.shutdown();
  }
}

async function enabledConnectorIds(pool: import('pg').Pool): Promise<string[]> {
  const res = await pool.query<{ id: string }>(`select id from connector where enabled order by kind, id`);
  return res.rows.map((r) => r.id);
}

async function cmdServe(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' }, 'hj212-port': { type: 'string' } }, strict: true });
  const hj212 = values['hj212-port'];
  if (hj212 !== undefined && (!/^\d+$/.test(hj212) || Number(hj212) > 65535))
    throw new UsageError(`--hj212-port must be a port number (0 = off), got '${hj212}'`);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || Number(values.port) > 65535))
    throw new UsageError(`--port must be a port number (0 = any free port), got '${values.port}'`);
  // A hub already serving here keeps its database: refuse before opening anything.
  await assertPortFree(values.port !== undefined ? Number(values.port) : loadConfig(process.env).port);
  const hub = await openHub(
    {
      ...(values.host ? { host: values.host } : {}),
      ...(values.port ? { port: Number(values.port) } : {}),
      ...(hj212 !== undefined ? { hj212Port: Number(hj212) } : {}),
    },
    { jsonLogs: serverLogsJson() },
  );
  const server = await serveOpenHub(hub, hub.config.corsOrigins, (port) => hub.log.at('info', 'hub HJ 212 gateway listening', { port }));
  // A long-running process: readiness is a log entry like every other line it writes.
  hub.log.at('info', SERVING_MESSAGE, { url: server.url, port: server.port, publicUrl: hub.config.publicUrl });
  return new Promise<number>(() => undefined);
}

/**
 * What `hub serve` and `hub start` run on an open hub: the HTTP server from its configuration
 * (with `corsOrigins`), closed at shutdown, then the HJ 212 gateway (announced by `announceGateway`)
 * and the scheduler.
 */
async function serveOpenHub(
  hub: Awaited<ReturnType<typeof openHub>>,
  corsOrigins: readonly string[] | undefined,
  announceGateway: (port: number) => void,
): Promise<{ url: string; port: number }> {
  const server = await startHttpServer(hub.services, {
    port: hub.config.port,
    host: hub.config.host,
    introspection: hub.config.introspection,
    metricsToken: hub.config.metricsToken,
    exportLimits: { concurrency: hub.config.exportConcurrency, stallTimeoutMs: hub.config.exportStallTimeoutMs },
    publicRateLimitPerMinute: hub.config.publicRateLimitPerMinute,
    compileQueriesAfterRuns: hub.config.compileQueriesAfterRuns,
    corsOrigins: corsOrigins,
  });
  hub.onShutdown(() => server.close());
  followServerPort(hub.config, server.port);
  await startGatewayOf(hub, announceGateway);
  await startScheduler(hub);
  return server;
}

/**
 * The HJ 212 gateway of `hub serve` and `hub start`, on HUB_HJ212_PORT / `--hj212-port`
 * (default 4212; 0 = off), announced with the port it listens on (a log entry of `hub serve`,
 * a message of `hub start`) and closed at shutdown.
 */
async function startGatewayOf(hub: Awaited<ReturnType<typeof openHub>>, announce: (port: number) => void): Promise<void> {
  if (hub.config.hj212Port <= 0) return;
  const { gateway, port } = await startHj212Gateway(hub.services.hj212, hub.config.hj212Port, (l) => hub.log(l)).catch(async (e) => {
    // Stop what this process started (server, simulator, embedded PostgreSQL) before saying why.
    await hub.shutdown();
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    throw new StartError(
      `the HJ 212 gateway's port ${hub.config.hj212Port} is in use: set HUB_HJ212_PORT (or --hj212-port) to a free port, or 0 for no gateway`,
    );
  });
  hub.onShutdown(() => gateway.close());
  announce(port);
}

/** With `--port 0` and no HUB_PUBLIC_URL, report links and QR codes name the port the server got. */
function followServerPort(config: { port: number; publicUrl: string }, port: number): void {
  if (config.port === 0 && !process.env.HUB_PUBLIC_URL) config.publicUrl = `http://localhost:${port}`;
}

async function cmdStart(): Promise<number> {
  const t0 = Date.now();
  // A second `npm start` must not touch the running hub's database, simulator or port.
  await assertPortFree(loadConfig(process.env).port);
  const sim = await startSimulator({ port: 4100, enterprises: Number(process.env.HUB_DEMO_ENTERPRISES ?? 3000), seed: 1 }).catch(async (e) => {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return startSimulator({ port: 0, enterprises: Number(process.env.HUB_DEMO_ENTERPRISES ?? 3000), seed: 1 });
  });
  console.log(`simulator of the five source systems on ${sim.url}`);
  const progress = createSyncProgress({ stream: process.stdout });
  const hub = await openHub(
    { sourcesUrl: process.env.HUB_SOURCES_URL || sim.url },
    { jsonLogs: wantsJsonLogs(), runner: { onPage: (id, totals) => progress.onPage(id, totals), onRunEnd: (id) => progress.finish(id) } },
  );
  hub.onShutdown(() => sim.close());
  await registerShippedConnectors(hub.services);
  const summaries = await hub.services.runner.syncAll(await enabledConnectorIds(hub.db.pool), 'start').finally(() => progress.finishAll());
  console.log(formatRunSummaries(summaries));
  if (hub.config.sourcesUrl === sim.url.replace(/\/+$/, '')) console.log(await runDemoSupervision(hub.services, sim.url));
  const server = await serveOpenHub(hub, hub.config.corsOrigins ?? DEMO_CORS_ORIGINS, (port) => console.log(`hub HJ 212 gateway on tcp port ${port}`));
  const keys = await createDemoKeys(hub.services);
  console.log(`\nhub ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: GraphQL on ${server.url}\n`);
  console.log('demo API keys (new at every start; send as "Authorization: Bearer <key>"):');
  for (const k of keys) console.log(`  ${k.role.padEnd(8)} ${k.divisionCode}  ${k.key}  ${k.name.replace('demo: ', '')}`);
  console.log(
    `\ntry:\n  curl -s ${server.url} -H 'content-type: application/json' -H 'authorization: Bearer ${keys[0].key}' \\\n    -d '${JSON.stringify({ query: DEMO_QUERY })}'\n`,
  );
  return new Promise<number>(() => undefined);
}

async function cmdConnectors(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') {
    if (!rest[0]) throw new UsageError('hub connectors run needs a connector id');
    return cmdSync(['--connector', rest[0]]);
  }
  if (sub === 'reset') {
    if (!rest[0]) throw new UsageError('hub connectors reset needs a connector id');
    return withHub(async (hub) => {
      await hub.services.connectorAdmin.get(rest[0]);
      const s = await hub.services.runner.run(rest[0], 'reset', { fromStart: true }).catch((e) => {
        if (!(e instanceof ConnectorBusyError)) throw e;
        return skippedRun(rest[0], e.message);
      });
      console.log(formatRunSummaries([s]));
      return syncExitStatus([s]);
    });
  }
  if (sub === 'register') {
    if (!rest[0]) throw new UsageError('hub connectors register needs a JSON file');
    return withHub((hub) => cmdRegisterConnector(hub, rest[0]));
  }
  if (sub === 'source') {
    if (!rest[0]) throw new UsageError('hub connectors source needs a monitoring row key creditCode/outletCode/pollutantCode/YYYY-MM-DD');
    return withHub(async (hub) => {
      const found = await hub.services.connectorAdmin.monitoringSource(rest[0]);
      if (!found) {
        console.error(`no raw record kept for monitoring row ${rest[0]}`);
        return 1;
      }
      console.log(`${found.connectorId} ${found.keptIn}${found.batchId ? ` ${found.batchId}` : ''} written ${found.writtenAt.toISOString()}`);
      console.log(JSON.stringify(found.payload, null, 2));
      return 0;
    });
  }
  if (sub !== 'list') throw new UsageError(`unknown connectors subcommand '${sub ?? ''}'; use list, run ID, reset ID, register FILE or source KEY`);
  return withHub(async (hub) => {
    const res = await hub.db.pool.query(
      `select c.id, c.kind, c.schedule, c.enabled, c.attention, r.status, r.started_at, r.loaded, r.quarantined
         from connector c left join lateral (select * from connector_run where connector_id = c.id order by started_at desc limit 1) r on true
        order by c.id`,
    );
    for (const r of res.rows) {
      console.log(
        `${r.id.padEnd(16)} ${r.kind.padEnd(11)} ${(r.schedule ?? '-').padEnd(14)} ${r.enabled ? 'enabled ' : 'disabled'} last run: ${r.status ? `${r.status} ${r.started_at.toISOString()} loaded ${r.loaded} quarantined ${r.quarantined}` : 'never'}`,
      );
      if (r.attention) console.log(`${''.padEnd(16)} attention: ${r.attention}`);
    }
    return 0;
  });
}

async function cmdRetag(): Promise<number> {
  return withHub(async (hub) => {
    const t = Date.now();
    const summary = await hub.services.tags.retagAll();
    console.log(`retagged ${summary.enterprises} enterprises (${summary.changed} changed) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return 0;
  });
}

async function cmdSchema(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const out = values.out ?? path.join(projectRoot(), 'schema', 'schema.graphql');
  await writeSchemaFile(out);
  console.log(`wrote ${out}`);
  return 0;
}

class UsageError extends Error {}
/** A start that cannot go on for a reason the operator fixes (printed without a stack). */
class StartError extends Error {}

/** Each `hub` command and what runs it (resolving to the exit status). */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  start: () => cmdStart(),
  serve: cmdServe,
  migrate: () => cmdMigrate(),
  // The simulator serves until the process is stopped.
  sim: async (args) => {
    await runSimCommand(args);
    return new Promise<number>(() => undefined);
  },
  sync: cmdSync,
  connectors: cmdConnectors,
  schema: cmdSchema,
  keys: runKeysCommand,
  rescore: runRescoreCommand,
  resolve: runResolveCommand,
  retag: () => cmdRetag(),
  devices: runDevicesCommand,
  inspectors: runInspectorsCommand,
  plan: runPlanCommand,
  objections: runObjectionsCommand,
  supervision: runSupervisionCommand,
  'dau-sim': async (args) => {
    await runDauSimCommand(args);
    return 0;
  },
  tags: runTagsCommand,
  warnings: runWarningsCommand,
};
const HELP_WORDS = ['help', '--help', '-h'];

/** Runs the `hub` command line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  // The simulator stands in for other systems; only the hub keeps the tighter heap.
  if (cmd !== 'sim' && cmd !== 'dau-sim') applyMemoryBudget();
  try {
    if (cmd === undefined || HELP_WORDS.includes(cmd)) {
      console.log(USAGE);
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
    if (!command) throw new UsageError(`unknown command '${cmd}'`);
    return await command(args);
  } catch (e) {
    // `hub serve` stops on its error with one log entry, so its whole output stays JSON.
    if (cmd === 'serve' && serverLogsJson()) {
      const usage = e instanceof ConfigError || e instanceof UsageError || !!(e as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS');
      const message = usage || e instanceof StartError ? (e as Error).message : userErrorMessage(e, process.env.DATABASE_URL || undefined);
      createLogger('error', { json: true }).at('error', `hub serve: ${message ?? (e as Error).message}`, message === null ? { stack: (e as Error).stack } : {});
      return usage ? 2 : 1;
    }
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof StartError) {
      console.error(`hub ${cmd}: ${e.message}`);
      return 1;
    }
    const message = userErrorMessage(e, process.env.DATABASE_URL || undefined);
    console.error(message !== null ? `hub ${cmd}: ${message}` : `hub ${cmd}: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
