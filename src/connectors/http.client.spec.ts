import type { ServerResponse } from 'node:http';
import { loopbackServer } from '../../test/support/loopback-server';
import { HttpClient, HttpClientOptions } from './http.client';

type Step =
  | 'full' // the whole JSON body
  | 'drop' // HTTP 200 with a content-length, half the body, then the connection destroyed
  | 'half' // HTTP 200, chunked, half the body, then a clean end (truncated JSON)
  | 'drip' // HTTP 200, one byte of the body at a time, 40 ms apart, for as long as the client listens
  | 'text' // HTTP 200 with an HTML page
  | '404'
  | '500'
  | { status: 500 | 503; retryAfter: string };

/** A real HTTP server whose answers are scripted per request; `onBody` fires when a scripted body has started. */
function scripted(script: Step[], body: Buffer, onBody?: () => void) {
  const timers = new Set<NodeJS.Timeout>();
  const answer = (n: number, _req: unknown, res: ServerResponse) => {
    const step = script[Math.min(n, script.length - 1)];
    if (typeof step === 'object') {
      res.writeHead(step.status, { 'retry-after': step.retryAfter }).end('{"error":"busy"}');
      return;
    }
    if (step === '404' || step === '500') {
      res.writeHead(Number(step)).end('{"error":"no"}');
      return;
    }
    if (step === 'text') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    }
    if (step === 'full') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const half = body.subarray(0, Math.floor(body.length / 2));
    if (step === 'drop') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(half, () => {
        onBody?.();
        res.destroy();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (step === 'half') {
      res.end(half);
      return;
    }
    let i = 0;
    const drip = () => {
      if (res.destroyed || i >= body.length) return;
      res.write(body.subarray(i, ++i));
      if (i === 1) onBody?.();
      const t = setTimeout(() => {
        timers.delete(t);
        drip();
      }, 40);
      timers.add(t);
    };
    drip();
  };
  return loopbackServer('/data', answer, () => timers.forEach(clearTimeout));
}

const doc = { items: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `企业 ${i}` })) };
const body = Buffer.from(JSON.stringify(doc));
const array = Buffer.from(JSON.stringify(doc.items));

/**
 * A client with quick retries. Its request deadline is long enough that a loaded machine never turns a good answer
 * into a timeout (and so a retry more than the test counts); the deadline tests set theirs.
 */
function client(log: string[], extra: HttpClientOptions = {}) {
  return new HttpClient({ timeoutMs: 10_000, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4, log: (l) => log.push(l), ...extra });
}

async function readAll(c: HttpClient, url: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of c.streamJsonArray({ method: 'GET', url }, 100)) out.push(...b);
  return out;
}

describe('HttpClient against a real server', () => {
  /** A first answer that fails as `first` is asked again: the second, full answer is returned and the log names the failure. */
  async function expectRetriedAfter(first: Step, logged: RegExp): Promise<void> {
    const s = await scripted([first, 'full'], body);
    const log: string[] = [];
    try {
      expect(await client(log).getJson(s.url)).toEqual(doc);
      expect(s.requests()).toBe(2);
      expect(log.join('\n')).toMatch(logged);
    } finally {
      await s.close();
    }
  }

  it('retries an HTTP 200 whose connection dropped mid-body, like any transient failure', async () => {
    await expectRetriedAfter('drop', /HTTP 200 with the body cut short/);
  });

  it('reports a body cut short as "truncated JSON" (not "got text") and asks again', async () => {
    await expectRetriedAfter('half', /truncated JSON/);
    const again = await scripted(['half'], body);
    try {
      const err = await client([], { maxAttempts: 2 })
        .getJson(again.url)
        .catch((e: Error) => e);
      expect((err as Error).message).toMatch(/truncated JSON/);
      expect((err as Error).message).not.toMatch(/got text/);
    } finally {
      await again.close();
    }
  });

  it('says "got text" for a page that is not JSON, once, without claiming retries', async () => {
    const s = await scripted(['text'], body);
    try {
      const err = (await client([])
        .getJson(s.url)
        .catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/expected JSON from .*, got text/);
      expect(err.message).not.toMatch(/retries|attempts/);
      expect(s.requests()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('says "failed after N attempts" only when it retried', async () => {
    const notFound = await scripted(['404'], body);
    const down = await scripted(['500'], body);
    try {
      const e1 = (await client([])
        .getJson(notFound.url)
        .catch((e: Error) => e)) as Error;
      expect(e1.message).toMatch(/^GET .* failed: HTTP 404$/);
      expect(notFound.requests()).toBe(1);
      const e2 = (await client([])
        .getJson(down.url)
        .catch((e: Error) => e)) as Error;
      expect(e2.message).toMatch(/failed after 4 attempts: HTTP 500$/);
      expect(down.requests()).toBe(4);
    } finally {
      await notFound.close();
      await down.close();
    }
  });

  it('fails a slow-drip request at its total deadline, though bytes keep coming', async () => {
    const s = await scripted(['drip'], body);
    try {
      const err = (await client([], { maxAttempts: 2, timeoutMs: 400 })
        .getJson(s.url)
        .catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/failed after 2 attempts: ETIMEDOUT: no complete response within 400 ms/);
      expect(s.requests()).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('fails a slow-drip streamed listing at its total deadline, not only after an idle gap', async () => {
    const s = await scripted(['drip'], array);
    try {
      const err = (await readAll(client([], { maxAttempts: 2, timeoutMs: 400, streamTimeoutMs: 800 }), s.url).catch((e: Error) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/failed after 2 attempts: ETIMEDOUT: the body did not arrive whole within 800 ms/);
      expect(s.requests()).toBe(2);
    } finally {
      await s.close();
    }
  });

  it("stops a request in flight when the run's signal aborts, without retrying", async () => {
    const run = new AbortController();
    const s = await scripted(['drip'], array, () => run.abort(new Error('timed out after 1800000 ms')));
    try {
      const err = (await readAll(client([], { signal: run.signal, streamTimeoutMs: 60_000 }), s.url).catch((e: Error) => e)) as Error;
      expect(err.message).toBe('run stopped: timed out after 1800000 ms');
      expect(s.requests()).toBe(1);
    } finally {
      await s.close();
    }
    const run2 = new AbortController();
    const s2 = await scripted(['drip'], body, () => run2.abort(new Error('stop')));
    try {
      const err = (await client([], { signal: run2.signal, timeoutMs: 60_000 })
        .getJson(s2.url)
        .catch((e: Error) => e)) as Error;
      expect(err.message).toBe('run stopped: stop');
      expect(s2.requests()).toBe(1);
    } finally {
      await s2.close();
    }
  });

  it("honours Retry-After beyond the backoff cap, and gives up when it reaches past the run's deadline", async () => {
    const s = await scripted([{ status: 503, retryAfter: '1' }, 'full'], body);
    const log: string[] = [];
    try {
      expect(await client(log, { deadline: Date.now() + 60_000 }).getJson(s.url)).toEqual(doc);
      expect(s.requests()).toBe(2);
      expect(log.join('\n')).toMatch(/retrying in 1000 ms \(Retry-After\)/);
    } finally {
      await s.close();
    }
    const far = await scripted([{ status: 503, retryAfter: '3600' }, 'full'], body);
    const log2: string[] = [];
    try {
      const err = (await client(log2, { deadline: Date.now() + 60_000 })
        .getJson(far.url)
        .catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/failed: HTTP 503$/);
      expect(far.requests()).toBe(1);
      expect(log2.join('\n')).toMatch(/asks to retry in 3600 s, past the run's deadline/);
    } finally {
      await far.close();
    }
  });

  it("ends a Retry-After wait when the run's signal aborts", async () => {
    const run = new AbortController();
    const s = await scripted([{ status: 503, retryAfter: '600' }, 'full'], body);
    const log: string[] = [];
    try {
      const pending = client(log, {
        signal: run.signal,
        log: (l) => {
          log.push(l);
          run.abort(new Error('stop'));
        },
      })
        .getJson(s.url)
        .catch((e: Error) => e);
      const err = (await pending) as Error;
      expect(err.message).toBe('run stopped: stop');
      expect(s.requests()).toBe(1);
      expect(log.join('\n')).toMatch(/retrying in 600000 ms \(Retry-After\)/);
    } finally {
      await s.close();
    }
  });
});
