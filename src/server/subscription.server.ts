import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ExecutionArgs, GraphQLError, GraphQLSchema, OperationTypeNode, createSourceEventStream, execute, getOperationAST, parse, validate } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { ServerServices } from './server-services.types';
import { CorsPolicy } from './cors';
import { Caller } from '../auth/caller.model';
import { HubContext } from '../graphql/context';
import { Loaders, createLoaders } from '../graphql/loaders';
import { precheckDocument } from '../graphql/limits/document-precheck';
import { nulInputError } from '../graphql/limits/input-check';
import { DEFAULT_QUERY_LIMITS, QueryLimits, checkOperationLimits } from '../graphql/limits/query-limits.plugin';
import { DEFAULT_SUBSCRIPTION_CAPS, SubscriptionCaps, SubscriptionQuota } from '../graphql/limits/subscription-limits';

/** The WebSocket side of a running hub server. */
export interface SubscriptionServer {
  wss: WebSocketServer;
  /** Open WebSocket connections. */
  connections(): number;
  close(): Promise<void>;
}

/** Options of {@link attachSubscriptions}. */
export interface SubscriptionServerOptions {
  /** Path of the endpoint (default /graphql, shared with HTTP). */
  path?: string;
  /** Ping interval; a connection that misses a pong for this long is dropped (default 12 s). */
  keepAliveMs?: number;
  /** Most subscriptions open at once per connection and per API key (defaults in DEFAULT_SUBSCRIPTION_CAPS). */
  caps?: Partial<SubscriptionCaps>;
  /** Query limits; a subscription's cost per event is held to `maxSubscriptionCost`. */
  limits?: QueryLimits;
  /** Origins a browser's upgrade may come from (other origins get 403; no Origin header is fine). */
  cors?: CorsPolicy;
}

/** The close reason of a connection whose API key was revoked (code 4403, graphql-ws's Forbidden). */
export const KEY_REVOKED_REASON = 'API key revoked';

/**
 * The open connections of each API key, closed when the key is revoked: the
 * change feed announces revocations (`hub_key_revoked`, from any process or
 * SQL) in commit order with the change events, so a revoked key's sockets
 * close before any later event is pushed. A key revoked while one of its
 * connections was still authenticating is remembered (bounded) and refused.
 */
class KeyConnections {
  private readonly byKey = new Map<string, Set<WebSocket>>();
  private readonly revoked = new Set<string>();

  /** Registers an authenticated connection; false when its key was revoked meanwhile (the socket is closed). */
  add(keyId: string, socket: WebSocket): boolean {
    if (this.revoked.has(keyId)) {
      socket.close(CloseCode.Forbidden, KEY_REVOKED_REASON);
      return false;
    }
    let set = this.byKey.get(keyId);
    if (!set) this.byKey.set(keyId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      const s = this.byKey.get(keyId);
      s?.delete(socket);
      if (s && !s.size) this.byKey.delete(keyId);
    });
    return true;
  }

  /** Closes every connection of these keys with 4403 and remembers them as revoked. */
  revoke(keyIds: readonly string[]): number {
    let closed = 0;
    for (const id of keyIds) {
      this.revoked.add(id);
      if (this.revoked.size > 10_000) this.revoked.delete(this.revoked.values().next().value!);
      for (const socket of this.byKey.get(id) ?? []) {
        socket.close(CloseCode.Forbidden, KEY_REVOKED_REASON);
        closed++;
      }
      this.byKey.delete(id);
    }
    return closed;
  }

  /** Keys with open connections. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }
}

/** What the hub keeps on a graphql-ws connection besides its socket and upgrade request (set once authenticated). */
interface ConnectionExtra extends Record<PropertyKey, unknown> {
  caller: Caller;
  connectionId: string;
}

function bearer(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = params?.Authorization ?? params?.authorization;
  if (typeof raw !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(raw.trim());
  return m ? m[1] : null;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return !!x && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Maps each event of a source stream through `fn`; `return()` stops the source. */
function mapStream<T, R>(source: AsyncIterable<T>, fn: (v: T) => Promise<R> | R): AsyncGenerator<R> {
  const it = source[Symbol.asyncIterator]();
  const out: AsyncGenerator<R> = {
    async next() {
      const r = await it.next();
      if (r.done) return { value: undefined, done: true };
      return { value: await fn(r.value), done: false };
    },
    async return() {
      await it.return?.();
      return { value: undefined, done: true };
    },
    async throw(e: unknown) {
      await it.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return out;
    },
    async [Symbol.asyncDispose]() {
      await it.return?.();
    },
  } as AsyncGenerator<R>;
  return out;
}

/**
 * The context of one pushed event: like a request's, but its loaders are
 * made only if a field of the event needs them, so fanning one event out to
 * thousands of subscribers builds no loaders for those that need none.
 */
function eventContext(services: ServerServices, caller: Caller, requestId: string, clientAddress?: string): HubContext {
  let loaders: Loaders | undefined;
  return {
    services,
    caller,
    scope: caller.scope,
    requestId,
    clientAddress,
    get loaders() {
      return (loaders ??= createLoaders(services, caller.scope));
    },
  };
}

/**
 * GraphQL subscriptions over graphql-ws (its `useServer` on a `ws` server) on
 * the hub's own HTTP server, at `/graphql` beside the HTTP endpoint.
 *
 * - A connection authenticates once, in `connection_init`, with
 *   `{"Authorization": "Bearer <API key>"}` as connection params; an unknown,
 *   revoked or missing key closes it with 4403 and a reason.
 * - Only subscription operations run here (queries and mutations go to HTTP,
 *   where limits and the audit log apply); the query limits, the cost per event and the caps per key and per connection (SubscriptionQuota) apply.
 * - Every event is executed with a fresh request context (fresh DataLoaders),
 *   so a long-lived subscription never serves cached rows from an earlier event.
 * - Starts the process's change feed, which turns PostgreSQL notifications
 *   into events; each subscription filters them to the caller's jurisdiction.
 * - A revoked API key (`hub keys revoke` or SQL, on any process) closes its
 *   connections on every process with 4403 `API key revoked`, and its cached
 *   authentication is dropped so HTTP refuses it at the same moment.
 */
export async function attachSubscriptions(
  httpServer: http.Server,
  services: ServerServices,
  schema: GraphQLSchema,
  opts: SubscriptionServerOptions = {},
): Promise<SubscriptionServer> {
  const path = opts.path ?? '/graphql';
  const limits = opts.limits ?? DEFAULT_QUERY_LIMITS;
  const quota = new SubscriptionQuota({ ...DEFAULT_SUBSCRIPTION_CAPS, ...opts.caps });
  const keyConnections = new KeyConnections();
  const onKeysRevoked = (ids: string[]) => {
    services.apiKeys.forget(ids);
    const n = keyConnections.revoke(ids);
    if (n) services.log(`api keys ${ids.join(', ')} revoked: ${n} subscription connection(s) closed`);
  };
  // After a gap in the notifications a revocation may have gone unheard: check the keys still connected.
  const onReconnected = () => {
    services.apiKeys.forgetAll();
    services.apiKeys
      .revokedAmong(keyConnections.keys())
      .then((ids) => ids.length && onKeysRevoked(ids))
      .catch((e) => services.log(`websocket: revocation check failed: ${(e as Error).message}`));
  };
  services.realtime.on('keysRevoked', onKeysRevoked);
  services.realtime.on('reconnected', onReconnected);
  await services.realtime.start();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  wss.on('connection', (socket) => socket.on('error', (err) => services.log(`websocket: ${err.message}`)));

  const served = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      // Internal errors close a socket with a generic reason; the details go to the hub's log only.
      isProd: true,
      async onConnect(ctx) {
        const key = bearer(ctx.connectionParams);
        if (!key) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'send connection params {"Authorization": "Bearer <API key>"}');
          return false;
        }
        const caller = await services.apiKeys.authenticate(key);
        if (!caller) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'API key is unknown or revoked');
          return false;
        }
        if (!keyConnections.add(caller.keyId, ctx.extra.socket)) return false;
        ctx.extra.caller = caller;
        ctx.extra.connectionId = randomUUID();
        return true;
      },
      onSubscribe(ctx, _id, payload) {
        const caller = ctx.extra.caller!;
        const refused = precheckDocument(payload.query, limits);
        if (refused) return [refused];
        let document;
        try {
          document = parse(payload.query);
        } catch (e) {
          return [e as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        const op = getOperationAST(document, payload.operationName);
        if (!op) return [new GraphQLError('no operation to run: name one with operationName')];
        if (op.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [new GraphQLError(`only subscriptions run over WebSocket; send ${op.operation}s with HTTP POST ${path}`)];
        }
        const badInput = nulInputError(document, payload.variables ?? {});
        if (badInput) return [badInput];
        const tooMuch = checkOperationLimits(schema, document, op, payload.variables ?? {}, limits);
        if (tooMuch) return [tooMuch];
        const overCap = quota.acquire(caller.keyId, ctx.extra.connectionId!, _id);
        if (overCap) return [overCap];
        const contextValue = eventContext(services, caller, `ws-${ctx.extra.connectionId!.slice(0, 8)}-${_id}`);
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue } satisfies ExecutionArgs;
      },
      // A slot is freed when its operation completes (however it ends: graphql-ws calls
      // onComplete after a result, an error or the client's complete) or its connection closes.
      onComplete(ctx, id) {
        quota.release(ctx.extra.connectionId!, id);
      },
      onClose(ctx) {
        if (ctx.extra.connectionId) quota.releaseConnection(ctx.extra.connectionId);
      },
      async subscribe(args) {
        const base = args.contextValue as HubContext;
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        let n = 0;
        return mapStream(stream, (payload) =>
          execute({ ...args, rootValue: payload, contextValue: eventContext(services, base.caller, `${base.requestId}-${++n}`, base.clientAddress) }),
        );
      },
    },
    wss,
    opts.keepAliveMs ?? 12_000,
  );

  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.replace(/\/$/, '') !== path) {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    if (opts.cors && !opts.cors.allowsUpgrade(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\norigin not allowed; add it to HUB_CORS_ORIGINS\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  httpServer.on('upgrade', upgrade);

  return {
    wss,
    connections: () => wss.clients.size,
    async close() {
      httpServer.off('upgrade', upgrade);
      // dispose() closes every connection with 1001 and the server once they are gone; stragglers are cut after a second.
      for (const c of wss.clients) setTimeout(() => c.terminate(), 1000).unref();
      await served.dispose();
      services.realtime.off('keysRevoked', onKeysRevoked);
      services.realtime.off('reconnected', onReconnected);
      await services.realtime.stop();
    },
  };
}
