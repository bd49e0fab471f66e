import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A graphql-ws client on `/graphql` of the `hub serve` at `port`, authenticated with `key`,
 * resolved once the server acknowledges it (rejected if the socket closes first). The client
 * is pushed to `track` as soon as it exists, so a benchmark disposes of it even when it fails.
 */
export function connectSubscriber(port: number, key: string, track?: Client[]): Promise<Client> {
  return new Promise<Client>((resolve, reject) => {
    const c = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${key}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => resolve(c), closed: (e) => reject(new Error(`subscriber closed: ${(e as { reason?: string }).reason}`)) },
    });
    track?.push(c);
  });
}
