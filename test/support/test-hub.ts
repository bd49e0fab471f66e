import { HubServices, createHubServices } from '../../src/app/hub-services';
import { loadConfig } from '../../src/config/config';
import { RunningServer, ServerOptions, startHttpServer } from '../../src/server/http.server';
import { startSimulator } from '../../simulator/sim.server';
import { TestDatabase, createTestDatabase } from './test-database';

type SimOptions = Parameters<typeof startSimulator>[0];

/** A whole hub for one test file: its own database, a simulator, the services and (optionally) the HTTP server. */
export interface TestHub {
  tdb: TestDatabase;
  sim: Awaited<ReturnType<typeof startSimulator>>;
  services: HubServices;
  server?: RunningServer;
  /** Log lines the hub wrote (for assertions and debugging). */
  logs: string[];
  /** A province-wide ADMIN key, sent by {@link graphql} unless headers say otherwise. */
  adminKey: string;
  /** Creates an API key for a division and role. */
  createKey(divisionCode: string, role?: 'BUREAU' | 'PARTNER' | 'STEWARD' | 'ADMIN'): Promise<string>;
  /** POSTs a GraphQL operation to the running server and returns the parsed body. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: T; errors?: any[]; status: number }>;
  /** Same as {@link graphql} with another key. */
  graphqlAs<T = any>(key: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: any[]; status: number }>;
  /** Posts records to the simulator's admin API for one source system (a change made in the source); expects 200. */
  postRecords(system: string, records: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a second HTTP server over `hub`'s services with `options` (e.g. `{ introspection: false }`), POSTs
 * `query` to it with the ADMIN key, and closes it again; the parsed body.
 */
export async function graphqlOnServerWith(hub: TestHub, options: Partial<ServerOptions>, query: string): Promise<{ data?: any; errors?: any[] }> {
  const other = await startHttpServer(hub.services, { port: 0, host: '127.0.0.1', compileQueriesAfterRuns: 0, ...options });
  try {
    const res = await fetch(`http://127.0.0.1:${other.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminKey}` },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  } finally {
    await other.close();
  }
}

/**
 * Starts a database, a simulator on an ephemeral port (generated province or
 * a data folder) and the hub's services pointed at it over HTTP.
 */
export async function startTestHub(
  opts: { sim?: SimOptions; server?: boolean; serverOptions?: Partial<ServerOptions>; env?: Record<string, string> } = {},
): Promise<TestHub> {
  const tdb = await createTestDatabase();
  // A month of monitoring unless a test asks for more: the simulator's default is three years (1,095 dates), which the
  // tests of other features do not need; the history tests (monitoring-history.test.ts) choose their own.
  const sim = await startSimulator({ port: 0, enterprises: 0, monitoringDays: 30, ...opts.sim });
  const logs: string[] = [];
  // Receivers and mirrors of the tests run on loopback: allowed explicitly, as an operator would (refused by default, test/outbound-targets.test.ts).
  const config = loadConfig({ HUB_SOURCES_URL: sim.url, HUB_PUBLIC_URL: 'http://hub.test', HUB_ALLOW_PRIVATE_TARGETS: 'on', ...opts.env });
  const services = await createHubServices(config, tdb.db, {
    log: (l) => logs.push(l),
    runner: { http: { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 2000 } },
  });
  // Queries run compiled from their first run (production compiles a query on its third), so that every test of the API
  // takes the path repeated queries take; graphql-js's first runs are what hubs started with bin/hub.js answer with.
  const server =
    opts.server === false ? undefined : await startHttpServer(services, { port: 0, host: '127.0.0.1', compileQueriesAfterRuns: 0, ...opts.serverOptions });
  const createKey: TestHub['createKey'] = async (divisionCode, role = 'BUREAU') =>
    (await services.apiKeys.create({ name: `test ${role} ${divisionCode}`, divisionCode, role })).key;
  const adminKey = await createKey('370000', 'ADMIN');
  const graphql: TestHub['graphql'] = async (query, variables, headers = {}) => {
    if (!server) throw new Error('this test hub has no server');
    const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: any[] };
    return { ...body, status: res.status };
  };
  return {
    tdb,
    sim,
    services,
    server,
    logs,
    adminKey,
    createKey,
    graphql,
    graphqlAs: (key, query, variables) => graphql(query, variables, { authorization: `Bearer ${key}` }),
    async postRecords(system, records) {
      const res = await fetch(`${sim.url}/admin/records/${system}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(records),
      });
      if (res.status !== 200) throw new Error(`simulator refused ${system} records: HTTP ${res.status} ${await res.text()}`);
    },
    async close() {
      await server?.close();
      await sim.close();
      await tdb.drop();
    },
  };
}
