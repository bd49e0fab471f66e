import http from 'node:http';
import { ServerServices } from './server-services.types';
import { Caller } from '../auth/caller.model';

/** What a route handler gets besides the request and response. */
export interface RouteContext {
  services: ServerServices;
  url: URL;
  requestId: string;
  /** The authenticated caller; null on public routes. */
  caller: Caller | null;
  /** Capture groups of the route's pattern. */
  params: string[];
}

/**
 * One HTTP route of the hub. Routes that serve enterprise data declare
 * `auth: 'caller'`: the server answers 401 before the handler runs unless a
 * valid API key is presented, and the handler receives the caller (its scope).
 */
export interface HttpRoute {
  name: string;
  methods: string[];
  pattern: RegExp;
  auth: 'public' | 'caller';
  /** A public page limited per client address (HUB_PUBLIC_RATE_LIMIT): over the limit the server answers 429 with Retry-After before the handler runs. */
  publicPage?: boolean;
  handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext): Promise<void> | void;
}

/** An error a route throws to answer with this status and stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * Reads a request body up to `limit` bytes, refusing larger ones with 413
 * naming the limit. The refusal carries `Connection: close`: the server
 * answers and closes the connection instead of reading the rest of the
 * upload (a chunked body has no length to skip).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = (message: string) => {
      req.removeAllListeners('data');
      req.pause();
      reject(new HttpError(413, message, 'BODY_TOO_LARGE', { connection: 'close' }));
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge(`request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) return tooLarge(`request body exceeds the limit of ${limit} bytes`);
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
