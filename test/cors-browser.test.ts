import http from 'node:http';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { WebSocket } from 'ws';
import { CorsPolicy } from '../src/server/cors';
import { loadConfig } from '../src/config/config';
import { TestHub, startTestHub } from './support/test-hub';

/** A second local web server (another origin) serving one page of a browser app. */
async function startAppServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>app</title></head><body>app on another origin</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function wsOutcome(url: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
    ws.once('error', (e) => resolve(`error ${e.message}`));
  });
}

describe('CORS policy (HUB_CORS_ORIGINS)', () => {
  it('matches exact origins, any port of a host, and * ; refuses malformed lists in the configuration', () => {
    const p = CorsPolicy.parse('https://app.example.cn, http://localhost:*');
    expect([
      p.allows('https://app.example.cn'),
      p.allows('http://localhost:5173'),
      p.allows('http://localhost'),
      p.allows('http://localhost.evil.cn:80'),
      p.allows('https://app.example.cn:8443'),
      p.allows('http://127.0.0.1:5173'),
    ]).toEqual([true, true, true, false, false, false]);
    expect(CorsPolicy.parse('*').allows('https://anything.cn')).toBe(true);
    expect(CorsPolicy.parse(undefined).allows('http://localhost:3000')).toBe(false);
    expect(loadConfig({ HUB_CORS_ORIGINS: 'http://localhost:*,https://a.cn' }).corsOrigins).toEqual(['http://localhost:*', 'https://a.cn']);
    expect(() => loadConfig({ HUB_CORS_ORIGINS: 'localhost:3000' })).toThrow(/HUB_CORS_ORIGINS must list origins/);
  });
});

describe('a browser app on another origin', () => {
  let hub: TestHub;
  let app: { origin: string; close(): Promise<void> };
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 40, seed: 11 }, serverOptions: { corsOrigins: ['http://127.0.0.1:*'] } });
    base = `http://127.0.0.1:${hub.server!.port}`;
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    app = await startAppServer();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await hub?.close();
  });

  it('queries /graphql, downloads the CSV export and loads a QR image with the API key', async () => {
    const page = await browser.newPage();
    await page.goto(app.origin + '/');
    const result = await page.evaluate(
      async ({ base, key }) => {
        const auth = { authorization: `Bearer ${key}` };
        const g = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ query: '{ enterprises(first: 100) { totalCount edges { node { creditCode } } } }' }),
        });
        const body = await g.json();
        const csv = await fetch(`${base}/export/enterprises.csv`, { headers: auth });
        const text = await csv.text();
        const first = body.data.enterprises.edges[0].node.creditCode;
        const qr = await fetch(`${base}/qr/${first}.svg`);
        return {
          status: g.status,
          requestId: g.headers.get('x-request-id'),
          total: body.data.enterprises.totalCount,
          codes: body.data.enterprises.edges.map((e: { node: { creditCode: string } }) => e.node.creditCode).sort(),
          csvStatus: csv.status,
          disposition: csv.headers.get('content-disposition'),
          csvLines: text
            .replace(/^\uFEFF/, '')
            .trim()
            .split(/\r?\n/),
          qrStatus: qr.status,
          qrType: qr.headers.get('content-type'),
        };
      },
      { base, key: hub.adminKey },
    );
    expect(result.status).toBe(200);
    expect(result.requestId).toBeTruthy();
    expect(result.total).toBe(40);
    expect(result.csvStatus).toBe(200);
    expect(result.disposition).toMatch(/attachment/);
    expect(result.csvLines[0]).toMatch(/^统一社会信用代码,/);
    expect(
      result.csvLines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(result.codes);
    expect(result.qrStatus).toBe(200);
    expect(result.qrType).toMatch(/image\/svg/);
    await page.close();
  });

  it('answers preflights with the allowed methods and headers, refuses other origins, and checks the WebSocket Origin', async () => {
    const preflight = (origin: string, path = '/graphql') =>
      fetch(`${base}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const ok = await preflight(app.origin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(app.origin);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect((await preflight(app.origin, '/export/enterprises.csv')).status).toBe(204);
    const other = await preflight('https://evil.example.cn');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // A plain request from a refused origin carries no allow header, so the browser withholds the answer.
    const plain = await fetch(`${base}/qr/none.svg`, { headers: { origin: 'https://evil.example.cn' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    // Not a covered path: no CORS at all.
    expect((await fetch(`${base}/metrics`, { method: 'OPTIONS', headers: { origin: app.origin, 'access-control-request-method': 'GET' } })).status).toBe(405);

    const wsUrl = `ws://127.0.0.1:${hub.server!.port}/graphql`;
    expect(await wsOutcome(wsUrl, app.origin)).toBe('open');
    expect(await wsOutcome(wsUrl)).toBe('open');
    expect(await wsOutcome(wsUrl, 'https://evil.example.cn')).toBe('refused 403');
  });

  it('a page on a refused origin cannot read /graphql', async () => {
    const strict = await startTestHub({ serverOptions: { corsOrigins: ['https://only.example.cn'] } });
    try {
      const page = await browser.newPage();
      await page.goto(app.origin + '/');
      const outcome = await page.evaluate(async (url) => {
        try {
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
          return 'read';
        } catch {
          return 'blocked';
        }
      }, `http://127.0.0.1:${strict.server!.port}/graphql`);
      expect(outcome).toBe('blocked');
      await page.close();
    } finally {
      await strict.close();
    }
  });
});
