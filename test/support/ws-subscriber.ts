import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { addDays } from '../../src/domain/china-date';

/** What one subscriber has received, per subscription, and any errors. */
export interface Received {
  warnings: any[];
  scores: any[];
  errors: unknown[];
}

/** A graphql-ws client on `/graphql` of a hub at `port`, authenticated with `key`; `ready` resolves on the server's ack. */
export function wsClient(port: number, key: string): { client: Client; ready: Promise<void> } {
  let acked!: () => void;
  const ready = new Promise<void>((r) => (acked = r));
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${key}` },
    retryAttempts: 0,
    on: { connected: () => acked() },
  });
  return { client, ready };
}

/**
 * Subscribes to `warningRaised` and `scoreChanged` with the given selections
 * (what a test asserts on), collecting every event into `got`.
 */
export function subscribeWarningsAndScores(
  port: number,
  key: string,
  selections: { warning: string; score: string },
): { client: Client; got: Received; ready: Promise<void> } {
  const got: Received = { warnings: [], scores: [], errors: [] };
  const { client, ready } = wsClient(port, key);
  const sink = (list: unknown[]) => ({ next: (v: unknown) => list.push(v), error: (e: unknown) => got.errors.push(e), complete: () => undefined });
  client.subscribe({ query: `subscription { warningRaised { ${selections.warning} } }` }, sink(got.warnings));
  client.subscribe({ query: `subscription { scoreChanged { ${selections.score} } }` }, sink(got.scores));
  return { client, got, ready };
}

/**
 * A permit-system record of a test enterprise (provincial key, air, one valid
 * permit around `today`), for the simulator's admin API; `extra` overrides fields.
 */
export function testPermitRecord(creditCode: string, name: string, today: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    creditCode,
    name,
    divisionCode: creditCode.slice(2, 8),
    address: '测试路1号',
    longitude: 117,
    latitude: 36.6,
    industryCode: 'C2614',
    supervisionLevel: 'PROVINCIAL_KEY',
    managementClass: 'KEY',
    basin: 'YELLOW_RIVER',
    pollutionTypes: ['AIR'],
    airSources: [],
    monitoringFacilities: [],
    permits: [{ permitNo: `${creditCode}001P`, validFrom: addDays(today, -400), validTo: addDays(today, 400), status: 'VALID' }],
    updatedAt: `${addDays(today, -1)}T08:00:00+08:00`,
    ...extra,
  };
}

/** Subscriptions listening on the `hub serve` at `port`, from its /metrics (`hub_subscriptions_listening`). */
export async function subscriptionsListening(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^hub_subscriptions_listening (\d+)/m.exec(text)?.[1] ?? 0);
}
