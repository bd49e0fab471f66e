import http from 'node:http';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildHubSchema } from '../src/graphql/schema';
import { SubscriptionServer, attachSubscriptions } from '../src/server/subscription.server';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * The guarantees of the WebSocket endpoint (graphql-ws `useServer` under
 * src/server): authentication in connection_init, subscriptions only, the
 * syntax limits, the per-connection operation limit, and the path.
 */
describe('subscription server', () => {
  let hub: TestHub;
  let httpServer: http.Server;
  let subs: SubscriptionServer;
  let port: number;
  let key: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ server: false });
    key = await hub.createKey('370102', 'BUREAU');
    httpServer = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
    port = (httpServer.address() as { port: number }).port;
    subs = await attachSubscriptions(httpServer, hub.services, await buildHubSchema(), { caps: { perConnection: 2 } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await subs.close();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await hub.close();
  });

  function connect(
    params: Record<string, unknown> = { Authorization: `Bearer ${key}` },
    path = '/graphql',
  ): { client: Client; closed: Promise<{ code: number; reason: string }> } {
    let onClosed!: (e: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
    const client = createClient({
      url: `ws://127.0.0.1:${port}${path}`,
      webSocketImpl: WebSocket,
      connectionParams: params,
      retryAttempts: 0,
      lazy: false,
      on: { closed: (e) => onClosed({ code: (e as { code: number }).code, reason: String((e as { reason: string }).reason) }) },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    return { client, closed };
  }

  /** Subscribes and resolves with what the server answers first: its errors, 'next' or 'complete'. */
  function firstOutcome(client: Client, query: string): Promise<unknown> {
    return new Promise((resolve) => {
      client.subscribe({ query }, { next: () => resolve('next'), error: (e) => resolve(e), complete: () => resolve('complete') });
    });
  }

  it('closes a connection without a valid key with 4403 and a reason', async () => {
    const missing = connect({});
    expect(await missing.closed).toEqual({ code: 4403, reason: 'send connection params {"Authorization": "Bearer <API key>"}' });
    const unknown = connect({ Authorization: 'Bearer hub_nope_nope' });
    expect(await unknown.closed).toEqual({ code: 4403, reason: 'API key is unknown or revoked' });
  });

  it('runs only subscriptions, and checks depth before parsing', async () => {
    const { client } = connect();
    const query = (await firstOutcome(client, '{ enterprises(first: 1) { totalCount } }')) as { message: string }[];
    expect(query.map((e) => e.message)).toEqual(['only subscriptions run over WebSocket; send querys with HTTP POST /graphql']);
    const deep = `subscription { ${'a { '.repeat(20)}b${' }'.repeat(20)} }`;
    const refused = (await firstOutcome(client, deep)) as { message: string; extensions: { code: string } }[];
    expect(refused.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('holds a connection to its cap of open subscriptions', async () => {
    const { client } = connect();
    const q = 'subscription { warningRaised { id } }';
    const earlier: unknown[] = [];
    for (let i = 0; i < 2; i++)
      client.subscribe({ query: q }, { next: (v) => earlier.push(v), error: (e) => earlier.push(e), complete: () => earlier.push('complete') });
    // The server handles a connection's messages in order: the third is refused, the first two keep running.
    const third = (await firstOutcome(client, q)) as { message: string }[];
    expect(third.map((e) => e.message)).toEqual(['at most 2 subscriptions may be open on one connection']);
    expect(earlier).toEqual([]);
    expect(subs.connections()).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 to an upgrade on another path', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`, 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });
});
