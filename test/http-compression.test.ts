import http from 'node:http';
import zlib from 'node:zlib';
import { TestHub, startTestHub } from './support/test-hub';

/** A raw GET/POST (node:http: fetch would decode the body and hide the encoding). */
function request(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const decode = (r: { headers: http.IncomingHttpHeaders; body: Buffer }) =>
  r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;

describe('HTTP manners: compression and ETags', () => {
  let hub: TestHub;
  let port: number;
  let auth: Record<string, string>;
  const QUERY = '{ __schema { types { name description fields { name description } } } }';

  beforeAll(async () => {
    hub = await startTestHub();
    port = hub.server!.port;
    auth = { authorization: `Bearer ${hub.adminKey}` };
  }, 120_000);
  afterAll(async () => hub?.close());

  it('compresses GraphQL JSON with brotli or gzip as accepted, and not when not accepted', async () => {
    const post = (enc?: string) =>
      request(port, '/graphql', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...(enc ? { 'accept-encoding': enc } : {}) },
        body: JSON.stringify({ query: QUERY }),
      });
    const plain = await post();
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.body.toString('utf8'));
    expect(json.data.__schema.types.length).toBeGreaterThan(20);
    const br = await post('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(decode(br).toString('utf8'))).toEqual(json);
    const gz = await post('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decode(gz).toString('utf8'))).toEqual(json);
    expect((await post('br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await post('identity')).headers['content-encoding']).toBeUndefined();
  });

  it('a GET query has an ETag and is answered 304 when unchanged; a POST has none', async () => {
    const path = `/graphql?query=${encodeURIComponent('{ divisions { code name } }')}`;
    const headers = { ...auth, 'apollo-require-preflight': 'true' };
    const first = await request(port, path, { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await request(port, path, { headers: { ...headers, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await request(port, path, { headers: { ...headers, 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
    const post = await request(port, '/graphql', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ divisions { code } }' }),
    });
    expect(post.headers.etag).toBeUndefined();
  });

  it('GraphiQL assets come compressed with their ETag, and 304 when unchanged', async () => {
    const plain = await request(port, '/graphiql/assets/graphiql.min.js');
    const br = await request(port, '/graphiql/assets/graphiql.min.js', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(decode(br).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    const cached = await request(port, '/graphiql/assets/graphiql.min.js', {
      headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string },
    });
    expect(cached.status).toBe(304);
  });
});
