import net from 'node:net';
import { Client, createClient } from 'graphql-ws';
import { getIntrospectionQuery } from 'graphql';
import WebSocket from 'ws';
import { limitWalkCounter } from '../src/graphql/limits/walk-counter';
import { DEFAULT_QUERY_LIMITS } from '../src/graphql/limits/query-limits.plugin';
import { TestHub, graphqlOnServerWith, startTestHub } from './support/test-hub';

/** `levels` fragments, each spreading the next twice: 2^levels expansions in 2·levels+2 selections. */
function fragmentChain(levels: number, on = 'Query', leaf = 'warningTypes', root = ''): string {
  const parts = [`${root}{ ...F0 }`];
  for (let i = 0; i < levels; i++) parts.push(`fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  parts.push(`fragment F${levels} on ${on} { ${leaf} }`);
  return parts.join(' ');
}

/** What is checked before execution, over real HTTP and WebSocket: linear checks, the cost model, subscription caps, body limits, introspection. */
describe('query limits over the wire', () => {
  let hub: TestHub;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 20, seed: 5, today: '2026-11-30' } });
    url = `http://127.0.0.1:${hub.server!.port}/graphql`;
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await hub?.close();
  });

  const post = (body: unknown, key = hub.adminKey) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

  function ws(port: number, key = hub.adminKey): Client {
    const c = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    return c;
  }

  /** Subscribes and records what comes back; `settled` resolves on the first error or completion. */
  function open(c: Client, query: string) {
    const got: { errors: any[]; next: any[] } = { errors: [], next: [] };
    let done!: () => void;
    const settled = new Promise<void>((r) => (done = r));
    const stop = c.subscribe(
      { query },
      {
        next: (v) => got.next.push(v),
        error: (e) => {
          got.errors.push(...(Array.isArray(e) ? e : [e]));
          done();
        },
        complete: () => done(),
      },
    );
    return { got, settled, stop };
  }

  describe('fragment chains are checked in linear time', () => {
    for (const levels of [20, 22]) {
      it(`answers the ${levels}-level chain over HTTP after visiting each selection a bounded number of times`, async () => {
        const query = fragmentChain(levels);
        limitWalkCounter.visited = 0;
        const res = await post({ query });
        const body = await res.json();
        expect(body.errors).toBeUndefined();
        expect(body.data.warningTypes.length).toBeGreaterThan(0);
        // The pre-parse check and the cost measure: each selection once.
        expect(limitWalkCounter.visited).toBe(2 * (2 * levels + 2));
      });

      it(`accepts the ${levels}-level chain as a WebSocket subscription after visiting each selection a bounded number of times`, async () => {
        const c = ws(hub.server!.port);
        limitWalkCounter.visited = 0;
        const chain = open(c, fragmentChain(levels, 'Subscription', 'scoreChanged { creditCode }', 'subscription '));
        // Operations on one connection are checked in order: once the next one is refused, the chain was checked.
        const after = open(c, '{ warningTypes }');
        await after.settled;
        expect(after.got.errors[0].message).toMatch(/only subscriptions run over WebSocket/);
        expect(chain.got.errors).toEqual([]);
        // The chain's selections twice (pre-parse check, cost measure), plus the few of the refused query.
        expect(limitWalkCounter.visited).toBeGreaterThanOrEqual(2 * (2 * levels + 2));
        expect(limitWalkCounter.visited).toBeLessThanOrEqual(2 * (2 * levels + 2) + 4);
        chain.stop();
      });
    }
  });

  describe('the cost model', () => {
    it('refuses 30 aliases of 500-row pages whose size is a variable default', async () => {
      const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: enterprises(first: $n) { edges { node { creditCode healthReport { score } } } }`).join(' ');
      const body = await (await post({ query: `query($n: Int = 500) { ${aliases} }` })).json();
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: DEFAULT_QUERY_LIMITS.maxCost });
    });

    it('refuses 30 aliased jurisdiction scans and answers one', async () => {
      const many = Array.from({ length: 30 }, (_, i) => `f${i}: enterpriseFacets { totalCount }`).join(' ');
      expect((await (await post({ query: `{ ${many} }` })).json()).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
      const one = await (await post({ query: '{ enterpriseFacets { totalCount } }' })).json();
      expect(one.errors).toBeUndefined();
      expect(typeof one.data.enterpriseFacets.totalCount).toBe('number');
    });

    it('refuses a subscription whose selection recomputes past health reports per event', async () => {
      const reports = Array.from({ length: 5 }, (_, i) => `r${i}: healthReport(knownAt: "2026-01-01T00:00:00Z") { score }`).join(' ');
      const s = open(ws(hub.server!.port), `subscription { scoreChanged { creditCode ${reports} } }`);
      await s.settled;
      expect(s.got.errors[0].extensions).toMatchObject({ code: 'SUBSCRIPTION_TOO_COSTLY', limit: DEFAULT_QUERY_LIMITS.maxSubscriptionCost });
    });
  });

  it('caps open subscriptions per connection and per API key', async () => {
    const { startHttpServer } = await import('../src/server/http.server');
    const capped = await startHttpServer(hub.services, { port: 0, host: '127.0.0.1', subscriptionCaps: { perConnection: 2, perKey: 3 } });
    try {
      const q = 'subscription { scoreChanged { creditCode } }';
      const a = ws(capped.port);
      const a1 = open(a, q),
        a2 = open(a, q),
        a3 = open(a, q);
      await a3.settled;
      expect(a3.got.errors[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'connection', limit: 2 });
      expect([...a1.got.errors, ...a2.got.errors]).toEqual([]);
      const b = ws(capped.port);
      const b1 = open(b, q),
        b2 = open(b, q);
      await b2.settled;
      expect(b2.got.errors[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'key', limit: 3 });
      expect(b1.got.errors).toEqual([]);
      // Another key has its own slots.
      const other = ws(capped.port, await hub.createKey('370102', 'BUREAU'));
      const o1 = open(other, q),
        o2 = open(other, '{ warningTypes }');
      await o2.settled;
      expect(o1.got.errors).toEqual([]);
      for (const c of [a, b, other]) await c.dispose();
    } finally {
      await capped.close();
    }
  });

  it('closes the connection after refusing a chunked body with 413', async () => {
    const socket = net.connect(hub.server!.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let response = '';
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined); // writes after the close fail
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${hub.adminKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 20; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`); // 1.25 MiB, past the 1 MiB limit; never terminated
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/connection: close/i);
    expect(response).toContain('BODY_TOO_LARGE');
  });

  describe('introspection', () => {
    const standard = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });

    it("answers graphql-js's standard introspection query with every option", async () => {
      const res = await post({ query: standard, operationName: 'IntrospectionQuery' });
      const body = await res.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Enterprise', 'Query', 'Subscription']));
    });

    it('refuses recursive introspection with its own limit', async () => {
      // graphql-js refuses fields nested three deep; five aliases of two deep pass that rule and exceed the hub's own.
      const aliases = Array.from({ length: 5 }, (_, i) => `s${i}: __schema { types { fields { type { fields { args { type { name } } } } } } }`).join(' ');
      const body = await (await post({ query: `{ ${aliases} }` })).json();
      expect(body.errors[0].extensions).toMatchObject({ code: 'INTROSPECTION_TOO_COSTLY', limit: DEFAULT_QUERY_LIMITS.maxIntrospectionCost });
    });

    it('refuses the standard query when introspection is off', async () => {
      const body = await graphqlOnServerWith(hub, { introspection: false }, standard);
      expect(body.data).toBeUndefined();
      expect(body.errors![0].message).toMatch(/introspection/i);
    });
  });
});
