import { createHash } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';

/** Bodies smaller than this go out as they are (compression would not pay). */
export const MIN_COMPRESS_BYTES = 1024;

export type ContentEncoding = 'br' | 'gzip';

/**
 * The encoding to answer with for a request's `Accept-Encoding`: brotli when
 * accepted, else gzip, else none (`q=0` refuses one).
 */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): ContentEncoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (n: string) => (accepted.get(n) ?? (accepted.has('*') ? accepted.get('*')! : 0)) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/** Compresses a body with one encoding (brotli at a moderate quality: fast enough for API answers). */
export function compress(body: Buffer, encoding: ContentEncoding): Buffer {
  return encoding === 'br'
    ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : zlib.gzipSync(body, { level: 6 });
}

/** A strong ETag of a body's bytes. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether the request's `If-None-Match` names this ETag. */
export function notModified(req: http.IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (!inm) return false;
  return inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*');
}

/**
 * Sends a complete body, compressed with brotli or gzip when the client
 * accepts it and the body is large enough. `Vary: Accept-Encoding` always,
 * so caches keep the encodings apart. With `etag`, a matching `If-None-Match`
 * is answered 304 with no body. `cached` lets a caller keep compressed forms
 * of an unchanging body (assets) instead of compressing per request;
 * `compressible: false` sends an already compressed body (a PNG) as it is.
 */
export function sendBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  opts: { etag?: string; cached?: Map<ContentEncoding, Buffer>; compressible?: boolean } = {},
): void {
  const prior = [res.getHeader('vary'), headers.vary].filter((v) => v != null && v !== '').join(', ');
  const out: Record<string, string> = { ...headers, vary: mergeVary(prior || undefined, 'Accept-Encoding') };
  if (opts.etag) out.etag = opts.etag;
  if (opts.etag && status === 200 && notModified(req, opts.etag)) {
    delete out['content-length'];
    delete out['content-type'];
    res.writeHead(304, out);
    res.end();
    return;
  }
  const encoding = opts.compressible !== false && body.length >= MIN_COMPRESS_BYTES ? chooseEncoding(req.headers['accept-encoding']) : null;
  let bytes = body;
  if (encoding) {
    bytes = opts.cached?.get(encoding) ?? compress(body, encoding);
    opts.cached?.set(encoding, bytes);
    out['content-encoding'] = encoding;
  }
  out['content-length'] = String(bytes.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function mergeVary(existing: string | undefined, value: string): string {
  if (!existing) return value;
  return existing
    .toLowerCase()
    .split(',')
    .map((v) => v.trim())
    .includes(value.toLowerCase())
    ? existing
    : `${existing}, ${value}`;
}
