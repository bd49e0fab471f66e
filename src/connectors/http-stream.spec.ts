import { loopbackServer } from '../../test/support/loopback-server';
import { HttpClient } from './http.client';

/** A server whose answers are scripted per request: full, cut off mid-body, stalled, 500 or not an array. */
function scriptedServer(script: ('full' | 'drop' | 'stall' | '500' | 'object')[], body: Buffer) {
  return loopbackServer('/credit', (n, _req, res) => {
    const step = script[Math.min(n, script.length - 1)];
    if (step === '500') {
      res.writeHead(500).end('{"error":"down"}');
      return;
    }
    if (step === 'object') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    if (step === 'full') {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, Math.floor(body.length * 0.6)));
    if (step === 'drop') setTimeout(() => res.destroy(), 20);
    // 'stall': nothing more is sent until the client gives up.
  });
}

const items = Array.from({ length: 2500 }, (_, i) => ({ uscc: `code-${i}`, level: ['绿标', '黄标'][i % 2] }));
const body = Buffer.from(JSON.stringify(items));

async function readAll(client: HttpClient, url: string): Promise<unknown[][]> {
  const batches: unknown[][] = [];
  for await (const b of client.streamJsonArray({ method: 'GET', url }, 1000)) batches.push(b);
  return batches;
}

describe('HttpClient.streamJsonArray against a real server', () => {
  const client = (log: string[] = []) => new HttpClient({ timeoutMs: 300, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4, log: (l) => log.push(l) });

  it('yields the array in batches', async () => {
    const s = await scriptedServer(['full'], body);
    try {
      const batches = await readAll(client(), s.url);
      expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
      expect(batches.flat()).toEqual(items);
    } finally {
      await s.close();
    }
  });

  it('after a connection lost mid-body or a stalled body, asks again and skips what it already yielded', async () => {
    for (const fault of ['drop', 'stall'] as const) {
      const s = await scriptedServer(['500', fault, 'full'], body);
      const log: string[] = [];
      try {
        const batches = await readAll(client(log), s.url);
        expect(batches.flat()).toEqual(items);
        expect(s.requests()).toBe(3);
        expect(log.join('\n')).toMatch(/HTTP 500/);
        expect(log.join('\n')).toMatch(fault === 'stall' ? /ETIMEDOUT/ : /aborted|ECONNRESET|socket hang up|ERR_/i);
      } finally {
        await s.close();
      }
    }
  });

  it('does not retry a body that is not an array, and says so', async () => {
    const s = await scriptedServer(['object'], body);
    try {
      await expect(readAll(client(), s.url)).rejects.toThrow(/expected a JSON array, the body starts with '\{'/);
      expect(s.requests()).toBe(1);
    } finally {
      await s.close();
    }
  });
});
