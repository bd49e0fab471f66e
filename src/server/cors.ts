import http from 'node:http';

/** Paths a browser app on another origin may call: GraphQL, the CSV export and the QR images. */
const CORS_PATHS = /^\/(graphql\/?$|export\/|qr\/)/;

/** Methods and request headers a preflight allows. */
export const CORS_METHODS = 'GET, POST, HEAD, OPTIONS';
export const CORS_REQUEST_HEADERS = 'authorization, content-type, accept, x-request-id, apollo-require-preflight, if-none-match';
/** Response headers a script on another origin may read. */
const EXPOSED_HEADERS = 'content-disposition, content-length, etag, x-request-id, x-risk-level, retry-after';

/**
 * The browser origins allowed to call the hub (`HUB_CORS_ORIGINS`, a comma- or
 * space-separated list). An entry is an exact origin (`https://app.example.cn`),
 * an origin with any port (`http://localhost:*`), or `*` for every origin.
 * An empty list allows none: browsers on other origins are refused.
 */
export class CorsPolicy {
  private readonly exact = new Set<string>();
  private readonly anyPort: string[] = [];
  private readonly anyOrigin: boolean;

  constructor(readonly entries: readonly string[]) {
    for (const raw of entries) {
      const e = raw.trim().replace(/\/+$/, '').toLowerCase();
      if (!e) continue;
      if (e.endsWith(':*')) this.anyPort.push(e.slice(0, -2));
      else this.exact.add(e);
    }
    this.anyOrigin = this.exact.has('*');
  }

  /** Parses the environment's list (`HUB_CORS_ORIGINS`). */
  static parse(list: string | undefined): CorsPolicy {
    return new CorsPolicy((list ?? '').split(/[\s,]+/).filter(Boolean));
  }

  /** Whether a browser on `origin` (the request's `Origin` header) may call the hub. */
  allows(origin: string): boolean {
    const o = origin.toLowerCase();
    if (this.anyOrigin || this.exact.has(o)) return true;
    const m = /^(https?:\/\/[^/:]+)(?::(\d{1,5}))?$/.exec(o);
    return !!m && this.anyPort.includes(m[1]);
  }

  /**
   * Applies the policy to one HTTP request before it is routed: on the
   * covered paths an allowed origin gets `Access-Control-Allow-Origin`, and a
   * preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered
   * here, 204 with the allowed methods and headers (403 for an origin not in
   * the list). Returns true when the request has been answered.
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    if (!CORS_PATHS.test(pathname)) return false;
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && this.allows(origin);
    res.setHeader('vary', 'Origin');
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return false;
    if (!allowed && origin !== undefined) {
      const body = JSON.stringify({
        errors: [{ message: `origin ${origin} is not allowed; add it to HUB_CORS_ORIGINS`, extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED' } }],
      });
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
      return true;
    }
    res.writeHead(204, {
      allow: CORS_METHODS,
      ...(allowed
        ? { 'access-control-allow-methods': CORS_METHODS, 'access-control-allow-headers': CORS_REQUEST_HEADERS, 'access-control-max-age': '600' }
        : {}),
    });
    res.end();
    return true;
  }

  /**
   * Whether a WebSocket upgrade may proceed: clients outside a browser send no
   * `Origin`; a page of the hub itself (same host) is always allowed; any other
   * origin must be in the list.
   */
  allowsUpgrade(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      if (new URL(origin).host === req.headers.host) return true;
    } catch {
      return false;
    }
    return this.allows(origin);
  }
}

/** What `npm start` (the demo) allows when HUB_CORS_ORIGINS is unset: any local dev server. */
export const DEMO_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];
