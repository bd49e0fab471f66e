/**
 * Fault injection: deterministic from a fault seed, so a run can be repeated.
 *
 * Request faults (HTTP 500, delay past the client's timeout, connection dropped
 * mid-body) are decided per request from hash(seed, method+url, nth attempt of that
 * URL), so a retry of the same URL can succeed. Record faults (malformed, duplicated)
 * are decided per record id, so the SAME records are affected on every request.
 */
import { CREDIT_CODE_ALPHABET } from '../src/domain/credit-code';
import { hashParts, hashUnit } from './prng';
import { recordId, type SystemName } from './source-record.types';
import type { SortedView } from './source-data.store';

/** Fault settings of a simulator run. All rates are shares in [0, 1]; all off by default. */
export interface FaultConfig {
  /** Share of requests answered with HTTP 500. */
  error500Rate: number;
  /** Share of responses delayed by `timeoutMs` before being sent. */
  timeoutRate: number;
  /** Delay of a timed-out response, in ms (default 30 000: past a client's timeout). */
  timeoutMs: number;
  /** Share of records served malformed (same records on every request). */
  malformedRate: number;
  /** Share of records repeated on the next page / feed batch (or twice in a CSV / array). */
  duplicateRate: number;
  /** Share of responses whose connection is destroyed after part of the body. */
  dropRate: number;
  /** When set, HTTP 500 responses carry `Retry-After` with this many seconds. */
  retryAfterSeconds: number | null;
  /** Seed of every fault decision. */
  seed: number;
  /** Serve the data minus the records that would be malformed (for comparing against a faulty run). */
  omitMalformed: boolean;
}

/** Faults off. */
export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.freeze({
  error500Rate: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  malformedRate: 0,
  duplicateRate: 0,
  dropRate: 0,
  retryAfterSeconds: null,
  seed: 1,
  omitMalformed: false,
});

const RATE_KEYS = ['error500Rate', 'timeoutRate', 'malformedRate', 'duplicateRate', 'dropRate'] as const;

/** The four kinds of malformation, rotating over the malformed records. */
export const MALFORMED_KINDS = ['bad-check-character', 'impossible-date', 'missing-field', 'wrong-type'] as const;

/**
 * Validates a (partial) fault configuration and merges it onto `base`.
 * @throws Error naming the offending key
 */
export function mergeFaults(base: FaultConfig, input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be a JSON object');
  const out: FaultConfig = { ...base };
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if ((RATE_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${k} must be a number between 0 and 1`);
      (out as unknown as Record<string, number>)[k] = v;
    } else if (k === 'timeoutMs') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error('timeoutMs must be a non-negative number');
      out.timeoutMs = v;
    } else if (k === 'retryAfterSeconds') {
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new Error('retryAfterSeconds must be a non-negative integer or null');
      out.retryAfterSeconds = v as number | null;
    } else if (k === 'seed') {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error('seed must be an integer');
      out.seed = v;
    } else if (k === 'omitMalformed') {
      if (typeof v !== 'boolean') throw new Error('omitMalformed must be true or false');
      out.omitMalformed = v;
    } else {
      throw new Error(`unknown fault '${k}'; valid: ${Object.keys(DEFAULT_FAULTS).join(', ')}`);
    }
  }
  return out;
}

/** What happens to one request. */
export interface RequestFaults {
  error500: boolean;
  delayMs: number;
  drop: boolean;
}

function corruptCode(code: unknown): string {
  const s = String(code ?? '');
  if (s.length !== 18) return s + 'X';
  const i = CREDIT_CODE_ALPHABET.indexOf(s[17]);
  return s.slice(0, 17) + CREDIT_CODE_ALPHABET[(i + 1) % CREDIT_CODE_ALPHABET.length];
}

function impossibleDate(date: unknown): string {
  const y = typeof date === 'string' && /^\d{4}/.test(date) ? date.slice(0, 4) : '2026';
  return `${y}-02-30`;
}

/** Holds the fault configuration and makes every fault decision. */
export class FaultInjector {
  private cfg: FaultConfig;
  private readonly attempts = new Map<string, number>();
  private readonly viewCache = new Map<string, { version: string; value: unknown }>();
  /** Incremented on every configuration change. */
  version = 0;

  constructor(initial: Partial<FaultConfig> = {}) {
    this.cfg = mergeFaults({ ...DEFAULT_FAULTS }, initial);
  }

  /** The current configuration. */
  get config(): FaultConfig {
    return { ...this.cfg };
  }

  /** Replaces the configuration (unset keys back to defaults); resets attempt counters. */
  replace(input: unknown): FaultConfig {
    this.cfg = mergeFaults({ ...DEFAULT_FAULTS }, input);
    return this.changed();
  }

  /** Merges keys onto the configuration; resets attempt counters. */
  merge(input: unknown): FaultConfig {
    this.cfg = mergeFaults(this.cfg, input);
    return this.changed();
  }

  private changed(): FaultConfig {
    this.version++;
    this.attempts.clear();
    this.viewCache.clear();
    return this.config;
  }

  /** Decides the request faults of one request (counts it as an attempt of its URL). */
  forRequest(method: string, url: string): RequestFaults {
    const key = `${method} ${url}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    const { seed } = this.cfg;
    return {
      error500: this.cfg.error500Rate > 0 && hashUnit(seed, 'error500', key, n) < this.cfg.error500Rate,
      delayMs: this.cfg.timeoutRate > 0 && hashUnit(seed, 'timeout', key, n) < this.cfg.timeoutRate ? this.cfg.timeoutMs : 0,
      drop: this.cfg.dropRate > 0 && hashUnit(seed, 'drop', key, n) < this.cfg.dropRate,
    };
  }

  /** True when the record with this id would be served malformed. */
  wouldBeMalformed(system: SystemName, id: string): boolean {
    return this.cfg.malformedRate > 0 && hashUnit(this.cfg.seed, 'malformed', system, id) < this.cfg.malformedRate;
  }

  /** True when the record is actually served malformed (not when omitted instead). */
  isMalformed(system: SystemName, id: string): boolean {
    return !this.cfg.omitMalformed && this.wouldBeMalformed(system, id);
  }

  /** True when the record is repeated on the next page / batch. */
  isDuplicated(system: SystemName, id: string): boolean {
    return this.cfg.duplicateRate > 0 && hashUnit(this.cfg.seed, 'duplicate', system, id) < this.cfg.duplicateRate;
  }

  /** Which kind of malformation a record gets. */
  malformedKind(system: SystemName, id: string): (typeof MALFORMED_KINDS)[number] {
    return MALFORMED_KINDS[hashParts(this.cfg.seed, 'kind', system, id) % MALFORMED_KINDS.length];
  }

  /** The record as served: itself, or a malformed copy. */
  serve<T extends object>(system: SystemName, r: T): T {
    const id = recordId(system, r as Record<string, unknown>);
    if (!this.isMalformed(system, id)) return r;
    return malform(system, r as Record<string, unknown>, this.malformedKind(system, id)) as T;
  }

  /** A list minus the would-be-malformed records when `omitMalformed` is on (cached per data version). */
  servedList<T extends object>(system: SystemName, cacheKey: string, dataVersion: number, list: readonly T[]): readonly T[] {
    if (!this.cfg.omitMalformed || this.cfg.malformedRate === 0) return list;
    return this.cached(cacheKey, dataVersion, () => list.filter((r) => !this.wouldBeMalformed(system, recordId(system, r as Record<string, unknown>))));
  }

  /** A sorted view minus the would-be-malformed records when `omitMalformed` is on. */
  servedView<T extends object>(system: SystemName, dataVersion: number, view: SortedView<T>): SortedView<T> {
    if (!this.cfg.omitMalformed || this.cfg.malformedRate === 0) return view;
    return this.cached(system, dataVersion, () => {
      const out: SortedView<T> = { records: [], keys: [] };
      view.records.forEach((r, i) => {
        if (this.wouldBeMalformed(system, recordId(system, r as Record<string, unknown>))) return;
        out.records.push(r);
        out.keys.push(view.keys[i]);
      });
      return out;
    });
  }

  private cached<V>(key: string, dataVersion: number, make: () => V): V {
    const version = `${dataVersion}/${this.version}`;
    const hit = this.viewCache.get(key);
    if (hit && hit.version === version) return hit.value as V;
    const value = make();
    if (this.viewCache.size > 32) this.viewCache.clear();
    this.viewCache.set(key, { version, value });
    return value;
  }
}

/** A malformed copy of a record, of the given kind. */
export function malform(system: SystemName, r: Record<string, unknown>, kind: (typeof MALFORMED_KINDS)[number]): Record<string, unknown> {
  const c: Record<string, unknown> = { ...r };
  switch (system) {
    case 'permit':
      if (kind === 'bad-check-character') c.creditCode = corruptCode(c.creditCode);
      else if (kind === 'impossible-date') {
        const permits = Array.isArray(c.permits) ? (c.permits as Array<Record<string, unknown>>).map((p) => ({ ...p })) : [];
        if (permits.length) permits[0].validTo = impossibleDate(permits[0].validTo);
        else permits.push({ permitNo: `${c.creditCode}001P`, validFrom: '2026-01-01', validTo: '2026-02-30', status: 'VALID' });
        c.permits = permits;
      } else if (kind === 'missing-field') delete c.divisionCode;
      else c.permits = 'abc';
      break;
    case 'enforcement':
      if (kind === 'bad-check-character') c.credit_code = corruptCode(c.credit_code);
      else if (kind === 'impossible-date') c.date = impossibleDate(c.date);
      else if (kind === 'missing-field') delete c.kind;
      else c.date = Number(String(c.date).replace(/-/g, '')) || 20260101;
      break;
    case 'penalty':
      if (kind === 'bad-check-character') c.creditCode = corruptCode(c.creditCode);
      else if (kind === 'impossible-date') c.decisionDate = impossibleDate(c.decisionDate);
      else if (kind === 'missing-field') c.creditCode = '';
      else c.amount = 'abc';
      break;
    case 'monitoring':
      if (kind === 'bad-check-character') c.creditCode = corruptCode(c.creditCode);
      else if (kind === 'impossible-date') c.date = impossibleDate(c.date);
      else if (kind === 'missing-field') delete c.validHours;
      else c.validHours = 'n/a';
      break;
    case 'credit':
      if (kind === 'bad-check-character') c.uscc = corruptCode(c.uscc);
      else if (kind === 'impossible-date') c.ratedOn = impossibleDate(c.ratedOn);
      else if (kind === 'missing-field') delete c.level;
      else c.level = 3;
      break;
  }
  return c;
}
