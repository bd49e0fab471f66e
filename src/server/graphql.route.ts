import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { HubContext, createContext } from '../graphql/context';
import { PrecheckLimits, precheckDocument } from '../graphql/limits/document-precheck';

import { authenticateRequest } from './bearer-auth';
import { HttpError, HttpRoute, readBody } from './http-route';
import { etagOf, sendBody } from './compression';

/** Limits of the GraphQL endpoint that are enforced before parsing. */
export interface GraphqlRouteOptions {
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Depth and alias limits checked on the syntax before validation. */
  limits: PrecheckLimits;
  /** Answers a GET from a browser (Accept: text/html) instead of GraphQL, e.g. with GraphiQL. */
  browserPage?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;
}

function clientAddress(req: http.IncomingMessage): string | undefined {
  return req.socket.remoteAddress ?? undefined;
}

/** GraphQL over HTTP on /graphql, executed by Apollo Server for an authenticated caller. */
export function graphqlRoute(apollo: ApolloServer<HubContext>, opts: GraphqlRouteOptions): HttpRoute {
  return {
    name: 'graphql',
    methods: ['GET', 'POST'],
    pattern: /^\/graphql\/?$/,
    auth: 'public', // authenticated below, after a browser's GET for the page is served
    async handle(req, res, ctx) {
      if (req.method === 'GET' && opts.browserPage && (req.headers.accept ?? '').includes('text/html') && !ctx.url.searchParams.has('query')) {
        return opts.browserPage(req, res);
      }
      const caller = await authenticateRequest(req, ctx.services.apiKeys);
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = undefined;
      if (req.method === 'POST') {
        const text = await readBody(req, opts.maxBodyBytes);
        const type = headers.get('content-type') ?? '';
        if (type.includes('json')) {
          try {
            body = text ? JSON.parse(text) : {};
          } catch (e) {
            throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`, 'BAD_REQUEST');
          }
        } else {
          body = text;
        }
      }
      const query = req.method === 'POST' ? (body as { query?: unknown } | undefined)?.query : ctx.url.searchParams.get('query');
      if (typeof query === 'string') {
        const refused = precheckDocument(query, opts.limits);
        if (refused) throw new HttpError(400, refused.message, String(refused.extensions.code), {}, refused.extensions);
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: ctx.url.search, body },
        context: async () => createContext(ctx.services, caller, ctx.requestId, clientAddress(req)),
      });
      const out: Record<string, string> = { 'x-request-id': ctx.requestId };
      for (const [k, v] of response.headers) out[k] = v;
      if (response.body.kind === 'complete') {
        // Encoded once, with its length: a string body would be measured and encoded separately (chunked).
        // Compressed when accepted; a GET (a query, never a mutation) gets an ETag and 304 when unchanged.
        const bytes = Buffer.from(response.body.string, 'utf8');
        // A field that failed because the database is down makes the whole answer a 503 (retry later), not a 200.
        const unavailable = (response.status ?? 200) === 200 && reportsDatabaseUnavailable(response.body.string);
        const status = unavailable ? 503 : (response.status ?? 200);
        sendBody(req, res, status, out, bytes, req.method === 'GET' && status === 200 ? { etag: etagOf(bytes) } : {});
      } else {
        res.writeHead(response.status ?? 200, out);
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    },
  };
}

/**
 * True when one of the answer's errors says the database is unavailable. The body is parsed
 * only when the code appears in it at all, so a normal answer costs one substring search, and
 * a data value that happens to read "SERVICE_UNAVAILABLE" does not turn the answer into a 503.
 */
export function reportsDatabaseUnavailable(body: string): boolean {
  if (!body.includes('"SERVICE_UNAVAILABLE"')) return false;
  const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
  return (parsed.errors ?? []).some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
}
