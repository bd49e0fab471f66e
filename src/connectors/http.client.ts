import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import http from 'node:http';
import { Readable } from 'node:stream';
import { JsonArrayStreamError, jsonArrayElements } from './json-array-stream';

/** Retry and timeout policy of the shared HTTP client. */
export interface HttpClientOptions {
  /** Per-request timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Attempts per request including the first (default 6). */
  maxAttempts?: number;
  /** First backoff in ms; doubles each retry, with full jitter (default 200). */
  baseDelayMs?: number;
  /** Longest single wait in ms, also caps Retry-After (default 10 000). */
  maxDelayMs?: number;
  log?: (line: string) => void;
  /** Source of randomness for jitter (tests make it deterministic). */
  random?: () => number;
}

/** Errors worth retrying: timeouts, dropped connections, bodies cut short, 429 and 5xx. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof JsonArrayStreamError) return err.truncated;
  const e = err as AxiosError;
  if (e?.response) return e.response.status === 429 || e.response.status >= 500;
  return true;
}

function retryAfterMs(err: unknown): number | undefined {
  const h = (err as AxiosError)?.response?.headers?.['retry-after'];
  if (h === undefined) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(String(h));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(err: unknown): string {
  const e = err as AxiosError;
  if (e?.response) return `HTTP ${e.response.status}`;
  return e?.code ?? (e as Error)?.message ?? String(err);
}

/**
 * The HTTP client every connector uses: timeouts, retries with exponential
 * backoff and full jitter, and `Retry-After` honoured. A response body that
 * does not arrive whole counts as a failed attempt and is retried.
 */
export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly opts: Required<Omit<HttpClientOptions, 'log'>> & { log: (l: string) => void };

  constructor(options: HttpClientOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 10_000,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      random: options.random ?? Math.random,
      log: options.log ?? (() => undefined),
    };
    this.axios = axios.create({
      timeout: this.opts.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 8 }),
      maxContentLength: 512 * 1024 * 1024,
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** GETs `url` and returns the parsed JSON body. */
  async getJson<T>(url: string, params?: Record<string, unknown>): Promise<T> {
    const res = await this.request<T>({ method: 'GET', url, params, responseType: 'json' });
    if (typeof res.data === 'string') throw new Error(`expected JSON from ${url}, got text`);
    return res.data;
  }

  /** GETs `url` and returns the body's bytes, for callers that check the encoding themselves. */
  async getBytes(url: string, params?: Record<string, unknown>): Promise<Buffer> {
    const res = await this.request<ArrayBuffer>({ method: 'GET', url, params, responseType: 'arraybuffer' });
    return Buffer.from(res.data);
  }

  async request<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    let lastErr: unknown;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      try {
        const res = await this.axios.request<T>({ ...config, timeout: this.opts.timeoutMs, signal: AbortSignal.timeout(this.opts.timeoutMs) });
        return res;
      } catch (err) {
        lastErr = err;
        if (!(await this.backOff(config, err, attempt))) break;
      }
    }
    throw this.failure(config, lastErr);
  }

  /**
   * GETs a body that is one JSON array and yields its elements in batches of
   * `batchSize` as they arrive, so a source that answers with a whole
   * province at once is never held in memory whole. Waiting longer than the
   * timeout for the headers or for the next bytes is a failed attempt. A
   * failed attempt is retried like any request — also after some batches were
   * yielded: the same question is asked again and the elements already
   * delivered are skipped, which relies on the source answering it in the
   * same order (a bare array listing does).
   */
  async *streamJsonArray(config: AxiosRequestConfig, batchSize: number): AsyncIterable<unknown[]> {
    let delivered = 0;
    let lastErr: unknown;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      let body: Readable | undefined;
      try {
        const headersWait = new AbortController();
        const timer = setTimeout(() => headersWait.abort(new Error(`no response within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
        const res = await this.axios.request<Readable>({ ...config, responseType: 'stream', timeout: 0, signal: headersWait.signal }).finally(() => clearTimeout(timer));
        body = res.data;
        let seen = 0;
        let batch: unknown[] = [];
        for await (const element of jsonArrayElements(readWithin(body, this.opts.timeoutMs))) {
          if (seen++ < delivered) continue;
          batch.push(element);
          if (batch.length >= batchSize) {
            delivered += batch.length;
            const full = batch;
            batch = [];
            yield full;
          }
        }
        if (batch.length || delivered === 0) yield batch;
        return;
      } catch (err) {
        lastErr = err;
        (err as AxiosError<Readable>)?.response?.data?.destroy?.();
        if (!(await this.backOff(config, err, attempt))) break;
      } finally {
        body?.destroy();
      }
    }
    throw this.failure(config, lastErr);
  }

  /** Logs a failed attempt and waits before the next; false when the error is final or attempts are used up. */
  private async backOff(config: AxiosRequestConfig, err: unknown, attempt: number): Promise<boolean> {
    if (!isRetryable(err) || attempt === this.opts.maxAttempts) return false;
    const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
    const wait = Math.min(this.opts.maxDelayMs, retryAfterMs(err) ?? Math.round(this.opts.random() * backoff));
    this.opts.log(`${config.method ?? 'GET'} ${config.url} failed (${describe(err)}), attempt ${attempt}/${this.opts.maxAttempts}; retrying in ${wait} ms`);
    await new Promise((r) => setTimeout(r, wait));
    return true;
  }

  private failure(config: AxiosRequestConfig, lastErr: unknown): Error {
    const e = new Error(`${config.method ?? 'GET'} ${config.url} failed after retries: ${describe(lastErr)}`);
    (e as Error & { cause?: unknown }).cause = lastErr;
    return e;
  }
}

/** The chunks of `stream`, failing with ETIMEDOUT when the next one takes longer than `ms`. */
async function* readWithin(stream: Readable, ms: number): AsyncIterable<Buffer> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no data for ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    });
    const r = await Promise.race([it.next(), stalled]).finally(() => clearTimeout(timer));
    if (r.done) return;
    yield r.value;
  }
}
