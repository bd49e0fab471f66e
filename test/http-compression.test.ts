import http from 'node:http';
import zlib from 'node:zlib';
import { HeaderMap } from '@apollo/server';
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
    hub = await startTestHub({ sim: { enterprises: 300, seed: 7 } });
    port = hub.server!.port;
    auth = { authorization: `Bearer ${hub.adminKey}` };
    const runs = await hub.services.runner.syncAll(['permit'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
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

  it('a GET query with only `Authorization: Bearer` (urql’s default) is answered; CSRF prevention still refuses a GET naming no preflighted header', async () => {
    const path = `/graphql?query=${encodeURIComponent('{ divisions { code } }')}`;
    const keyOnly = await request(port, path, { headers: auth });
    expect(keyOnly.status).toBe(200);
    expect(JSON.parse(decode(keyOnly).toString('utf8')).data.divisions.map((d: { code: string }) => d.code)).toEqual(['370000']);
    // Without the key the hub answers 401 before any GraphQL runs.
    const none = await request(port, path);
    expect(none.status).toBe(401);
    // Apollo's guard itself is on: a GET with none of the headers a browser must preflight is refused as CSRF.
    let contextBuilt = 0;
    const refused = await hub.server!.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'GET', headers: new HeaderMap([['accept', 'application/json']]), search: '?query=%7B__typename%7D', body: undefined },
      context: async () => {
        contextBuilt++;
        throw new Error('never built for a refused request');
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.kind === 'complete' && refused.body.string).toContain('Cross-Site Request Forgery');
    expect(contextBuilt).toBe(0);
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

  it('streams the CSV export compressed with brotli or gzip as accepted, byte for byte the plain export once decoded', async () => {
    const path = '/export/enterprises.csv?orderBy=CREDIT_CODE_ASC';
    const plain = await request(port, path, { headers: auth });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const text = plain.body.toString('utf8');
    expect(text.startsWith('\uFEFF统一社会信用代码,')).toBe(true);
    expect(text.trimEnd().split('\r\n')).toHaveLength(1 + 300);
    for (const enc of ['br', 'gzip'] as const) {
      const r = await request(port, path, { headers: { ...auth, 'accept-encoding': enc === 'br' ? 'gzip, deflate, br' : 'gzip' } });
      expect([enc, r.status, r.headers['content-encoding'], r.headers['content-type']]).toEqual([enc, 200, enc, 'text/csv; charset=utf-8']);
      expect(r.headers['content-length']).toBeUndefined();
      expect(r.headers['content-disposition']).toMatch(/attachment/);
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(r.body.length).toBeLessThan(plain.body.length / 3);
      expect(decode(r).equals(plain.body)).toBe(true);
    }
    expect((await request(port, path, { headers: { ...auth, 'accept-encoding': 'identity' } })).headers['content-encoding']).toBeUndefined();
    // A refusal is plain JSON whatever the client accepts.
    const bad = await request(port, '/export/enterprises.csv?orderBy=NOPE', { headers: { ...auth, 'accept-encoding': 'br' } });
    expect([bad.status, bad.headers['content-encoding']]).toEqual([400, undefined]);
    expect(JSON.parse(bad.body.toString('utf8')).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const anonymous = await request(port, path, { headers: { 'accept-encoding': 'br' } });
    expect([anonymous.status, anonymous.headers['content-encoding']]).toEqual([401, undefined]);
  });

  it('keeps back-pressure through the compressor: a reader that takes one chunk per turn still gets the whole export (the 2,000-row batches overfill the compressor buffer, so the export waits for its drain)', async () => {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/export/enterprises.csv', headers: { ...auth, 'accept-encoding': 'gzip' }, highWaterMark: 1024 },
        (res) => {
          const chunks: Buffer[] = [];
          res.pause();
          // Read one chunk per turn of the event loop: the server meets a full socket now and then.
          const pump = () => {
            let c: Buffer | null;
            if ((c = res.read()) !== null) chunks.push(c);
            if (res.readableEnded) return;
            setImmediate(pump);
          };
          res.on('end', () => resolve(zlib.gunzipSync(Buffer.concat(chunks))));
          pump();
        },
      );
      req.on('error', reject);
    });
    expect(body.toString('utf8').trimEnd().split('\r\n')).toHaveLength(301);
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
