import { Client } from 'graphql-ws';
import { ApiKeyService } from '../src/auth/api-key.service';
import { DivisionDirectory } from '../src/divisions/division-directory';
import { withCheckChar } from '../src/domain/credit-code';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { ServeProcess, gql, startServe, stopReplicaDrill, until } from './support/drill-kit';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { subscriptionsListening, wsClient } from './support/ws-subscriber';

/**
 * Issue 13, finding 6: a revoked key keeps no open subscription. Two `hub
 * serve` processes on one database each hold a graphql-ws subscriber of the
 * key to revoke and one of a key that stays; `hub keys revoke` (a third
 * process) revokes the first. On both replicas its socket is closed with 4403
 * `API key revoked`, HTTP refuses it at once (no cached authentication), and
 * a warning committed afterwards reaches the other key's subscribers only.
 * Needs the built CLI (`npm run build`).
 */
const CODE = withCheckChar('91370102MA0RAK001');
const SUBSCRIPTION = 'subscription { warningRaised { type enterprise { creditCode } } }';

interface Subscriber {
  client: Client;
  events: unknown[];
  errors: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

function subscriber(port: number, key: string): { sub: Subscriber; ready: Promise<void> } {
  const { client, ready } = wsClient(port, key);
  let onClosed!: (c: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  client.on('closed', (e) => onClosed({ code: (e as { code: number; reason: string }).code, reason: String((e as { code: number; reason: string }).reason) }));
  // A socket the hub never closes reads as still open (code 0) instead of hanging the test.
  const stillOpen = new Promise<{ code: number; reason: string }>((r) => setTimeout(() => r({ code: 0, reason: 'still open' }), 20_000).unref());
  const sub: Subscriber = { client, events: [], errors: [], closed: Promise.race([closed, stillOpen]) };
  client.subscribe({ query: SUBSCRIPTION }, { next: (v) => sub.events.push(v), error: (e) => sub.errors.push(e), complete: () => undefined });
  return { sub, ready };
}

describe('a revoked key closes its subscriptions on every replica (issue 13, finding 6)', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  const serves: ServeProcess[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 0 });
    tdb = await createTestDatabase();
    await tdb.db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, '吊销推送测试企业', '370102')`, [CODE]);
  }, 60_000);

  afterAll(() => stopReplicaDrill({ clients, serves, sim, tdb }));

  const raise = (type: string) =>
    tdb.db.pool.query(`insert into warning (type, credit_code, severity, message) values ($1, $2, 'HIGH', 'revocation test')`, [type, CODE]);

  it('closes the revoked key’s sockets on both replicas with 4403, refuses it over HTTP at once, and pushes it nothing later', async () => {
    const keys = new ApiKeyService(tdb.db.pool, await DivisionDirectory.load(tdb.db.pool));
    const revoked = await keys.create({ name: 'to revoke', divisionCode: '370100', role: 'BUREAU' });
    const kept = await keys.create({ name: 'kept', divisionCode: '370100', role: 'BUREAU' });
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_LEVEL: 'info' };
    serves.push(...(await Promise.all([startServe(env), startServe(env)])));

    const subs = serves.map((s) => ({ revoked: subscriber(s.port, revoked.key), kept: subscriber(s.port, kept.key) }));
    clients.push(...subs.flatMap((s) => [s.revoked.sub.client, s.kept.sub.client]));
    await Promise.all(subs.flatMap((s) => [s.revoked.ready, s.kept.ready]));
    for (const s of serves) await until(async () => (await subscriptionsListening(s.port)) === 2, 10_000, 'both subscriptions to listen');
    // Warm each replica's authentication cache with the key to revoke.
    for (const s of serves) expect((await gql(s.port, revoked.key, '{ warningTypes }')).status).toBe(200);

    await raise('RISK_UP');
    const all = subs.flatMap((s) => [s.revoked.sub, s.kept.sub]);
    await until(() => all.every((x) => x.events.length === 1), 10_000, 'every subscriber to get the first warning');

    const cli = spawnHub(['keys', 'revoke', revoked.info.prefix], env);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`revoked ${revoked.info.prefix}`);

    const closes = await Promise.all(subs.map((s) => s.revoked.sub.closed));
    expect(closes).toEqual([
      { code: 4403, reason: 'API key revoked' },
      { code: 4403, reason: 'API key revoked' },
    ]);
    // HTTP on each replica refuses the key as soon as its sockets are closed: the cached authentication is gone.
    for (const s of serves) expect((await gql(s.port, revoked.key, '{ warningTypes }')).status).toBe(401);
    for (const s of serves) await until(async () => (await subscriptionsListening(s.port)) === 1, 10_000, 'the revoked subscription to stop listening');

    // A warning committed after the revocation reaches the kept key on both replicas, the revoked one nowhere.
    await raise('SCORE_DROP');
    await until(() => subs.every((s) => s.kept.sub.events.length === 2), 10_000, 'the kept subscribers to get the second warning');
    expect(subs.map((s) => ({ revoked: s.revoked.sub.events.length, kept: s.kept.sub.events.length }))).toEqual([
      { revoked: 1, kept: 2 },
      { revoked: 1, kept: 2 },
    ]);
    // The kept key's sockets stayed open; a new connection with the revoked key is refused.
    for (const s of serves) expect((await gql(s.port, kept.key, '{ warningTypes }')).status).toBe(200);
    const again = subscriber(serves[0].port, revoked.key);
    clients.push(again.sub.client);
    expect(await again.sub.closed).toEqual({ code: 4403, reason: 'API key is unknown or revoked' });
  }, 120_000);

  it('announces a revocation done by SQL by hand, and a deleted key, to every listening process', async () => {
    const keys = new ApiKeyService(tdb.db.pool, await DivisionDirectory.load(tdb.db.pool));
    const a = await keys.create({ name: 'revoked by sql', divisionCode: '370100', role: 'BUREAU' });
    const b = await keys.create({ name: 'deleted by sql', divisionCode: '370100', role: 'BUREAU' });
    const subs = serves.flatMap((s) => [subscriber(s.port, a.key), subscriber(s.port, b.key)]);
    clients.push(...subs.map((s) => s.sub.client));
    await Promise.all(subs.map((s) => s.ready));
    await tdb.db.pool.query(`update api_key set revoked_at = now() where id = $1`, [a.info.id]);
    await tdb.db.pool.query(`delete from api_key where id = $1`, [b.info.id]);
    expect(await Promise.all(subs.map((s) => s.sub.closed))).toEqual(Array(4).fill({ code: 4403, reason: 'API key revoked' }));
  }, 60_000);
});
