import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import http from 'node:http';

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

/** Errors worth retrying: timeouts, dropped connections, 429 and 5xx. */
export function isRetryable(err: unknown): boolean {
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

  /** GETs `url` and returns the body as UTF-8 text (BOM kept). */
  async getText(url: string, params?: Record<string, unknown>): Promise<string> {
    const res = await this.request<ArrayBuffer>({ method: 'GET', url, params, responseType: 'arraybuffer' });
    return Buffer.from(res.data).toString('utf8');
  }

  async request<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    let lastErr: unknown;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      try {
        const res = await this.axios.request<T>({ ...config, timeout: this.opts.timeoutMs, signal: AbortSignal.timeout(this.opts.timeoutMs) });
        return res;
      } catch (err) {
        lastErr = err;
        if (!isRetryable(err) || attempt === this.opts.maxAttempts) break;
        const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
        const wait = Math.min(this.opts.maxDelayMs, retryAfterMs(err) ?? Math.round(this.opts.random() * backoff));
        this.opts.log(`${config.method ?? 'GET'} ${config.url} failed (${describe(err)}), attempt ${attempt}/${this.opts.maxAttempts}; retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    const e = new Error(`${config.method ?? 'GET'} ${config.url} failed after retries: ${describe(lastErr)}`);
    (e as Error & { cause?: unknown }).cause = lastErr;
    throw e;
  }
}
