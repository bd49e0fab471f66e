import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import http from 'node:http';
import { Readable } from 'node:stream';
import { JsonArrayStreamError, jsonArrayElements } from './json-array-stream';
import { ForbiddenTargetError, OutboundTargetPolicy } from './outbound-target.policy';
import { NamedError } from '../domain/named-error';

/** Retry and timeout policy of the shared HTTP client. */
export interface HttpClientOptions {
  /**
   * Total deadline of one request in ms — the headers and the whole body
   * (default 10 000); for a streamed listing, the longest gap between chunks.
   */
  timeoutMs?: number;
  /** Total deadline of one streamed listing (`streamJsonArray`) in ms, headers to last byte (default 600 000). */
  streamTimeoutMs?: number;
  /** Attempts per request including the first (default 6). */
  maxAttempts?: number;
  /** First backoff in ms; doubles each retry, with full jitter (default 200). */
  baseDelayMs?: number;
  /** Longest backoff in ms when the source gives no `Retry-After` (default 10 000). */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured when the run has no `deadline` (default 900 000). */
  maxRetryAfterMs?: number;
  /** The run's signal: when it aborts, a request in flight (or a wait between attempts) stops at once. */
  signal?: AbortSignal;
  /** The run's deadline (epoch ms): a `Retry-After` is honoured up to it; one past it ends the retries. */
  deadline?: number;
  log?: (line: string) => void;
  /** Source of randomness for jitter (tests make it deterministic). */
  random?: () => number;
  /**
   * Where requests may go: internal addresses refused (on the URL, after name
   * resolution and on every redirect) unless the operator allows them. Absent:
   * no check (connectors that only read operator-configured sources).
   */
  targets?: OutboundTargetPolicy;
}

/** A response body that is not the JSON it should be; `truncated` when it was cut short (worth asking again). */
export class JsonBodyError extends NamedError {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

/** The run was stopped (its signal aborted) while a request was in flight or waiting to be retried. */
export class RunStoppedError extends NamedError {
  constructor(reason: unknown) {
    super(`run stopped: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
  }
}

/**
 * Errors worth retrying: timeouts, dropped connections, bodies cut short (also
 * after an HTTP 200: the status came, the body did not), 429 and 5xx.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RunStoppedError || isForbiddenTarget(err)) return false;
  if (err instanceof JsonArrayStreamError || err instanceof JsonBodyError) return err.truncated;
  const e = err as AxiosError;
  if (e?.response) return e.response.status < 400 || e.response.status === 429 || e.response.status >= 500;
  return true;
}

/** A request refused by the {@link OutboundTargetPolicy} (possibly wrapped by axios). */
function isForbiddenTarget(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof ForbiddenTargetError || e.code === 'EFORBIDDENTARGET') return true;
  }
  return false;
}

function retryAfterMs(err: unknown): number | undefined {
  const h = (err as AxiosError)?.response?.headers?.['retry-after'];
  if (h === undefined) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(String(h));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(err: unknown): string {
  if (err instanceof JsonBodyError || err instanceof JsonArrayStreamError) return err.message;
  const e = err as AxiosError;
  if (e?.response) return e.response.status < 400 ? `HTTP ${e.response.status} with the body cut short (${e.code ?? e.message})` : `HTTP ${e.response.status}`;
  const message = (e as Error)?.message;
  if (e?.code) return message && message !== e.code ? `${e.code}: ${message}` : e.code;
  return message ?? String(err);
}

/**
 * Parses a JSON body. A body cut short is reported as "truncated JSON" (and
 * retried); a body that is not JSON at all as "got text".
 */
export function parseJsonBody(body: Buffer, url: string): unknown {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const trimmed = text.trimEnd();
    if (/end of JSON input|Unterminated string/.test(msg) || (at && Number(at[1]) >= trimmed.length)) {
      if (trimmed !== '') throw new JsonBodyError(`truncated JSON from ${url}: the body ended after ${body.length} bytes`, true);
    }
    // The position only: the parser's message quotes the body, and a run error must never echo what a remote sent.
    if (/^\s*[[{"]/.test(text)) throw new JsonBodyError(`invalid JSON from ${url}${at ? ` at position ${at[1]}` : ''} (${body.length} bytes)`, false);
    throw new JsonBodyError(`expected JSON from ${url}, got text`, false);
  }
}

/**
 * The HTTP client every connector uses: a total deadline per request,
 * retries with exponential backoff and full jitter, `Retry-After` honoured up
 * to the run's deadline, and the run's signal obeyed inside a request. A
 * response body that does not arrive whole (a connection dropped after the
 * status, truncated JSON) counts as a failed attempt and is retried.
 */
export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly opts: Required<Omit<HttpClientOptions, 'log' | 'signal' | 'deadline' | 'targets'>> &
    Pick<HttpClientOptions, 'signal' | 'deadline' | 'targets'> & { log: (l: string) => void };

  constructor(options: HttpClientOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 10_000,
      streamTimeoutMs: options.streamTimeoutMs ?? 600_000,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 900_000,
      random: options.random ?? Math.random,
      signal: options.signal,
      deadline: options.deadline,
      targets: options.targets,
      log: options.log ?? (() => undefined),
    };
    this.axios = axios.create({
      timeout: this.opts.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 8 }),
      maxContentLength: 512 * 1024 * 1024,
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** GETs `url` and returns the parsed JSON body (a truncated body is retried). */
  async getJson<T>(url: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
    const res = await this.request<ArrayBuffer, T>(
      { method: 'GET', url, params, headers, responseType: 'arraybuffer' },
      (r) => parseJsonBody(Buffer.from(r.data), url) as T,
    );
    return res;
  }

  /** GETs `url` and returns the body's bytes, for callers that check the encoding themselves. */
  async getBytes(url: string, params?: Record<string, unknown>): Promise<Buffer> {
    return this.request<ArrayBuffer, Buffer>({ method: 'GET', url, params, responseType: 'arraybuffer' }, (r) => Buffer.from(r.data));
  }

  /**
   * Sends a request with retries; `read` turns the response into the result
   * inside the attempt, so a body it refuses as truncated is asked for again.
   */
  async request<T, R = AxiosResponse<T>>(config: AxiosRequestConfig, read: (res: AxiosResponse<T>) => R = (r) => r as unknown as R): Promise<R> {
    let lastErr: unknown;
    let attempt = 1;
    for (; attempt <= this.opts.maxAttempts; attempt++) {
      const deadline = AbortSignal.timeout(this.opts.timeoutMs);
      try {
        this.throwIfStopped();
        const res = await this.axios.request<T>({ ...this.guarded(config), timeout: this.opts.timeoutMs, signal: this.withRun(deadline) });
        return read(res);
      } catch (err) {
        lastErr = this.explain(err, deadline, `no complete response within ${this.opts.timeoutMs} ms`);
        if (!(await this.backOff(config, lastErr, attempt))) break;
      }
    }
    throw this.failure(config, lastErr, Math.min(attempt, this.opts.maxAttempts));
  }

  /**
   * GETs a body that is one JSON array and yields its elements in batches of
   * `batchSize` as they arrive, so a source that answers with a whole
   * province at once is never held in memory whole. Waiting longer than
   * `timeoutMs` for the headers or for the next bytes, or longer than
   * `streamTimeoutMs` for the whole body, is a failed attempt. A failed
   * attempt is retried like any request — also after some batches were
   * yielded: the same question is asked again and the elements already
   * delivered are skipped, which relies on the source answering it in the
   * same order (a bare array listing does).
   */
  async *streamJsonArray(config: AxiosRequestConfig, batchSize: number): AsyncIterable<unknown[]> {
    let delivered = 0;
    let lastErr: unknown;
    let attempt = 1;
    for (; attempt <= this.opts.maxAttempts; attempt++) {
      let body: Readable | undefined;
      const total = AbortSignal.timeout(this.opts.streamTimeoutMs);
      const signal = this.withRun(total);
      const cut = () =>
        body?.destroy(Object.assign(new Error(signal.reason instanceof Error ? signal.reason.message : String(signal.reason)), { code: 'EABORTED' }));
      signal.addEventListener('abort', cut);
      try {
        this.throwIfStopped();
        const headersWait = new AbortController();
        const timer = setTimeout(() => headersWait.abort(new Error(`no response within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
        const res = await this.axios
          .request<Readable>({ ...this.guarded(config), responseType: 'stream', timeout: 0, signal: AbortSignal.any([signal, headersWait.signal]) })
          .finally(() => clearTimeout(timer));
        body = res.data;
        if (signal.aborted) cut();
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
        lastErr = this.explain(err, total, `the body did not arrive whole within ${this.opts.streamTimeoutMs} ms`);
        (err as AxiosError<Readable>)?.response?.data?.destroy?.();
        if (!(await this.backOff(config, lastErr, attempt))) break;
      } finally {
        signal.removeEventListener('abort', cut);
        body?.destroy();
      }
    }
    throw this.failure(config, lastErr, Math.min(attempt, this.opts.maxAttempts));
  }

  /**
   * `config` with the target policy applied: the URL checked now, the
   * resolved address checked before the socket connects, and each redirect's
   * URL checked before it is followed.
   */
  private guarded(config: AxiosRequestConfig): AxiosRequestConfig {
    const policy = this.opts.targets;
    if (!policy || !config.url) return config;
    let trusted = policy.isTrusted(policy.checkUrl(config.url));
    return {
      ...config,
      lookup: policy.lookupFor(() => trusted) as AxiosRequestConfig['lookup'],
      beforeRedirect: (options: Record<string, string | undefined>) => {
        const next = policy.checkUrl(options.href ?? `${options.protocol}//${options.host ?? options.hostname}${options.path ?? ''}`);
        trusted = policy.isTrusted(next);
      },
    };
  }

  /** The request's own deadline joined with the run's signal. */
  private withRun(deadline: AbortSignal): AbortSignal {
    return this.opts.signal ? AbortSignal.any([deadline, this.opts.signal]) : deadline;
  }

  private throwIfStopped(): void {
    if (this.opts.signal?.aborted) throw new RunStoppedError(this.opts.signal.reason);
  }

  /** Names why an attempt ended when it was cut by the run's signal or by the request's deadline. */
  private explain(err: unknown, deadline: AbortSignal, timedOut: string): unknown {
    if (this.opts.signal?.aborted) return new RunStoppedError(this.opts.signal.reason);
    if (deadline.aborted) return Object.assign(new Error(timedOut), { code: 'ETIMEDOUT', cause: err });
    return err;
  }

  /** Logs a failed attempt and waits before the next; false when the error is final or attempts are used up. */
  private async backOff(config: AxiosRequestConfig, err: unknown, attempt: number): Promise<boolean> {
    if (!isRetryable(err) || attempt === this.opts.maxAttempts) return false;
    const asked = retryAfterMs(err);
    let wait: number;
    if (asked !== undefined) {
      const limit = this.opts.deadline !== undefined ? this.opts.deadline - Date.now() : this.opts.maxRetryAfterMs;
      if (asked > limit) {
        this.opts.log(
          `${config.method ?? 'GET'} ${config.url} failed (${describe(err)}); the source asks to retry in ${Math.round(asked / 1000)} s, past the run's ${this.opts.deadline !== undefined ? 'deadline' : 'longest wait'}: giving up`,
        );
        return false;
      }
      wait = asked;
    } else {
      const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
      wait = Math.round(this.opts.random() * backoff);
    }
    this.opts.log(
      `${config.method ?? 'GET'} ${config.url} failed (${describe(err)}), attempt ${attempt}/${this.opts.maxAttempts}; retrying in ${wait} ms${asked !== undefined ? ' (Retry-After)' : ''}`,
    );
    await sleep(wait, this.opts.signal);
    this.throwIfStopped();
    return true;
  }

  private failure(config: AxiosRequestConfig, lastErr: unknown, attempts: number): Error {
    if (lastErr instanceof RunStoppedError) return lastErr;
    const what = attempts > 1 ? `failed after ${attempts} attempts` : 'failed';
    const e = new Error(`${config.method ?? 'GET'} ${config.url} ${what}: ${describe(lastErr)}`);
    (e as Error & { cause?: unknown }).cause = lastErr;
    return e;
  }
}

/** Waits `ms`, ending early when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
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
