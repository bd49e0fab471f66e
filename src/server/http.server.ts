import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { HubServices } from '../app/hub-services';
import { pendingMigrations } from '../db/database';
import { HubContext, createContext } from '../graphql/context';
import { buildHubSchema } from '../graphql/schema';
import { Scope } from '../jurisdiction/scope';
import { formatHubError } from './error-format';

/** A running HTTP server of the hub. */
export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

export interface ServerOptions {
  port: number;
  host?: string;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

const PROVINCE_SCOPE: Scope = { divisionCode: '370000', level: 'PROVINCE' };

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: string) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`, 'BODY_TOO_LARGE'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes`, 'BODY_TOO_LARGE'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts the hub's HTTP server: GraphQL on /graphql (Apollo Server driven
 * directly, no framework), /healthz and /readyz.
 */
export async function startHttpServer(services: HubServices, opts: ServerOptions): Promise<RunningServer> {
  const schema = await buildHubSchema();
  const apollo = new ApolloServer<HubContext>({
    schema,
    introspection: true,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => formatHubError(formatted, error, services.log),
  });
  await apollo.start();
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;

  async function handleGraphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) {
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, maxBody);
      const type = headers.get('content-type') ?? '';
      if (type.includes('json')) {
        try {
          body = text ? JSON.parse(text) : {};
        } catch (e) {
          throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`, 'BAD_JSON');
        }
      } else {
        body = text;
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => createContext(services, PROVINCE_SCOPE, requestId),
    });
    const outHeaders: Record<string, string> = { 'x-request-id': requestId };
    for (const [k, v] of response.headers) outHeaders[k] = v;
    res.writeHead(response.status ?? 200, outHeaders);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const server = http.createServer(async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/graphql') return await handleGraphql(req, res, url, requestId);
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        try {
          await services.db.pool.query('select 1');
          const pending = await pendingMigrations(services.db.orm);
          if (pending.length) return sendJson(res, 503, { status: 'not ready', reason: `pending migrations: ${pending.join(', ')}` });
          return sendJson(res, 200, { status: 'ready' });
        } catch (e) {
          return sendJson(res, 503, { status: 'not ready', reason: `database unreachable: ${(e as Error).message}` });
        }
      }
      sendJson(res, 404, { error: `no route for ${url.pathname}; GraphQL is at /graphql` });
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 'internal error', 'INTERNAL_SERVER_ERROR');
      if (!(e instanceof HttpError)) services.log(`request ${requestId} failed: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) sendJson(res, err.status, { errors: [{ message: err.message, extensions: { code: err.code } }] });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await apollo.stop();
    },
  };
}

export { GraphQLError };
