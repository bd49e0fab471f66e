/**
 * In-memory data of the five source systems, indexed for the access path of each
 * API: permits sorted by (updatedAt, creditCode), enforcement as an append-only
 * change log, penalties by modification time, monitoring by date, credit ratings
 * by updatedAt. Loaded from a data folder (fixture format) or from the generator;
 * changed at run time through upserts (the admin API).
 */
import type { TruthEntry } from './identity-noise';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chinaInstant, dateToDay, nowIsoChina, parseInstant, todayInChina } from './china-time';
import type { GeneratedProvince, Profile } from './province.generator';
import { compareChannelKey, type MonitoringGenerator } from './monitoring.generator';
import {
  SYSTEM_NAMES,
  recordId,
  type CreditRating,
  type EnforcementRecord,
  type MonitoringRow,
  type PenaltyRecord,
  type PermitRecord,
  type SystemName,
} from './source-record.types';

/** Records sorted by an instant, with the instants alongside for binary search. */
export interface SortedView<T> {
  records: T[];
  /** ms since epoch of each record's ordering timestamp. */
  keys: number[];
}

/** Result of an upsert batch. */
export interface UpsertResult {
  system: SystemName;
  received: number;
  inserted: number;
  updated: number;
}

/** Record counts per system (enforcement: entries of the change log and distinct records). */
export interface StoreCounts {
  permit: number;
  enforcement: number;
  enforcementRecords: number;
  penalty: number;
  monitoring: number;
  credit: number;
}

const TIMESTAMP_FIELD: Record<Exclude<SystemName, 'monitoring'>, string> = {
  permit: 'updatedAt',
  enforcement: 'modified_at',
  penalty: 'modifiedAt',
  credit: 'updatedAt',
};

const REQUIRED_ID_FIELDS: Record<SystemName, string[]> = {
  permit: ['creditCode'],
  enforcement: ['record_id'],
  penalty: ['caseNo'],
  monitoring: ['creditCode', 'outletCode', 'date', 'pollutantCode'],
  credit: ['uscc'],
};

const MONITORING_CACHE_DATES = 6;

const ZONED = /T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** Ordering instant of a timestamp field (0 when absent or unreadable). */
function instantOf(value: unknown): number {
  if (typeof value !== 'string') return 0;
  if (ZONED.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return parseInstant(value) ?? 0;
}

/** First index whose key is >= ms (lowerBound) or > ms (upperBound). */
export function lowerBound(keys: readonly number[], ms: number, strict = false): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? keys[mid] <= ms : keys[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sorted-by-instant collection keyed by id, rebuilt lazily after changes. */
class KeyedSorted<T> {
  private readonly byId = new Map<string, T>();
  private view: SortedView<T> | null = null;

  constructor(
    private readonly idOf: (r: T) => string,
    private readonly instantOf: (r: T) => number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Upserts; returns true when the id was new. */
  put(r: T): boolean {
    const id = this.idOf(r);
    const isNew = !this.byId.has(id);
    this.byId.set(id, r);
    this.view = null;
    return isNew;
  }

  sorted(): SortedView<T> {
    if (this.view) return this.view;
    const items = [...this.byId.entries()].map(([id, r]) => ({ id, r, ms: this.instantOf(r) }));
    items.sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.view = { records: items.map((i) => i.r), keys: items.map((i) => i.ms) };
    return this.view;
  }
}

/** The simulator's data: one collection per source system. */
export class SourceDataStore {
  private readonly permits = new KeyedSorted<PermitRecord>(
    (r) => r.creditCode,
    (r) => instantOf(r.updatedAt),
  );
  private readonly enforcementLog: EnforcementRecord[] = [];
  private readonly enforcementIds = new Set<string>();
  private readonly penalties = new KeyedSorted<PenaltyRecord>(
    (r) => r.caseNo,
    (r) => instantOf(r.modifiedAt),
  );
  private readonly credits = new KeyedSorted<CreditRating>(
    (r) => r.uscc,
    (r) => instantOf(r.updatedAt),
  );
  private monitoringBase: MonitoringGenerator | null = null;
  /** Rows not from the generator (fixtures, admin upserts): date → id → row. */
  private readonly monitoringOverlay = new Map<string, Map<string, MonitoringRow>>();
  private readonly monitoringCache = new Map<string, MonitoringRow[]>();
  /** Incremented on every change of a system's data (views derived from it are cached by version). */
  /** The enterprise each noisy record of a generated province really names (`GET /admin/truth`). */
  truth: readonly TruthEntry[] = [];
  /** Hidden compliance profiles of a generated province's enterprises (empty for a data folder), and its seed. */
  profiles: ReadonlyMap<string, Profile> = new Map();
  seed = 0;
  private partyNames = false;
  readonly versions: Record<SystemName, number> = { permit: 0, enforcement: 0, penalty: 0, monitoring: 0, credit: 0 };

  /** An empty store. */
  static empty(): SourceDataStore {
    return new SourceDataStore();
  }

  /** Loads a data folder: permit.json, enforcement.json, penalty.json, monitoring.json, credit.json (any may be absent). */
  static fromDataDir(dir: string): SourceDataStore {
    if (!existsSync(dir)) throw new Error(`data folder '${dir}' does not exist`);
    const store = new SourceDataStore();
    for (const system of SYSTEM_NAMES) {
      const file = join(dir, `${system}.json`);
      if (!existsSync(file)) continue;
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array of ${system} records`);
      if (system === 'enforcement') {
        // The initial log is ordered by modified_at; equal times keep file order.
        const entries = (parsed as EnforcementRecord[]).map((r, i) => ({ r, i, ms: instantOf(r.modified_at) }));
        entries.sort((a, b) => a.ms - b.ms || a.i - b.i);
        store.load(
          'enforcement',
          entries.map((e) => e.r),
        );
      } else {
        store.load(system, parsed as Array<Record<string, unknown>>);
      }
    }
    return store.warm();
  }

  /** Wraps a generated province (monitoring stays lazy). */
  static fromGenerated(p: GeneratedProvince): SourceDataStore {
    const store = new SourceDataStore();
    store.truth = p.truth;
    store.profiles = p.profiles;
    store.seed = p.seed;
    store.load('permit', p.permit);
    store.load('enforcement', p.enforcement);
    store.load('penalty', p.penalty);
    store.load('credit', p.credit);
    store.monitoringBase = p.monitoring;
    return store.warm();
  }

  /** Builds the sorted views now, so the first request does not pay for them. */
  private warm(): this {
    this.permits.sorted();
    this.penalties.sorted();
    this.credits.sorted();
    return this;
  }

  private load(system: SystemName, records: ReadonlyArray<object>): void {
    for (const r of records) this.apply(system, r as Record<string, unknown>);
    this.versions[system]++;
  }

  private apply(system: SystemName, r: Record<string, unknown>): boolean {
    switch (system) {
      case 'permit':
        return this.permits.put(r as unknown as PermitRecord);
      case 'penalty':
        if (typeof r.partyName === 'string' && r.partyName !== '') this.partyNames = true;
        return this.penalties.put(r as unknown as PenaltyRecord);
      case 'credit':
        return this.credits.put(r as unknown as CreditRating);
      case 'enforcement': {
        const rec = r as unknown as EnforcementRecord;
        this.enforcementLog.push(rec);
        const isNew = !this.enforcementIds.has(rec.record_id);
        this.enforcementIds.add(rec.record_id);
        return isNew;
      }
      case 'monitoring': {
        const row = r as unknown as MonitoringRow;
        let byId = this.monitoringOverlay.get(row.date);
        if (!byId) this.monitoringOverlay.set(row.date, (byId = new Map()));
        const id = recordId('monitoring', r);
        const isNew = !byId.has(id) && !this.baseHas(row);
        byId.set(id, row);
        this.monitoringCache.delete(row.date);
        this.monitoringCache.delete(`${row.date}|preliminary`);
        return isNew;
      }
    }
  }

  private baseHas(row: MonitoringRow): boolean {
    const day = dateToDay(String(row.date));
    if (!this.monitoringBase || day === null || this.monitoringBase.countFor(day) === 0) return false;
    return this.monitoringRowsFor(row.date).some((x) => compareChannelKey(x, row) === 0);
  }

  /**
   * Upserts records in fixture format (the admin API). Records lacking their
   * modification timestamp are stamped with the current time.
   * @throws Error naming the problem when a record lacks its identity fields
   */
  upsert(system: SystemName, records: unknown): UpsertResult {
    if (!Array.isArray(records)) throw new Error(`body must be a JSON array of ${system} records`);
    records.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`record ${i} is not a JSON object`);
      for (const f of REQUIRED_ID_FIELDS[system]) {
        const v = (r as Record<string, unknown>)[f];
        if (typeof v !== 'string' || v === '') throw new Error(`record ${i} lacks '${f}' (a non-empty string)`);
      }
    });
    const now = nowIsoChina();
    let inserted = 0;
    for (const raw of records as Array<Record<string, unknown>>) {
      const r = { ...raw };
      if (system !== 'monitoring') {
        const f = TIMESTAMP_FIELD[system];
        if (r[f] === undefined || r[f] === null || r[f] === '') r[f] = now;
      }
      if (this.apply(system, r)) inserted++;
    }
    this.versions[system]++;
    return { system, received: records.length, inserted, updated: records.length - inserted };
  }

  /** Permits ordered by (updatedAt, creditCode). */
  permitView(): SortedView<PermitRecord> {
    return this.permits.sorted();
  }

  /** The enforcement change log (creates and changes, oldest first). Do not mutate. */
  enforcementView(): readonly EnforcementRecord[] {
    return this.enforcementLog;
  }

  /** True once any case carries a party name: the export then has its 当事人名称 column. */
  penaltyHasPartyNames(): boolean {
    return this.partyNames;
  }

  /** Penalties ordered by (modifiedAt, caseNo). */
  penaltyView(): SortedView<PenaltyRecord> {
    return this.penalties.sorted();
  }

  /** Credit ratings ordered by (updatedAt, uscc). */
  creditView(): SortedView<CreditRating> {
    return this.credits.sorted();
  }

  /** Monitoring rows of a date, ordered by creditCode, outletCode, pollutantCode. */
  monitoringRowsFor(date: string): MonitoringRow[] {
    const day = dateToDay(date);
    // Late revisions: recent dates are served preliminary until the simulator's clock (today, or the generated today when later) has moved on.
    const gen = this.monitoringBase;
    const clock = gen ? Math.max(gen.firstDay + gen.days, todayInChina()) : 0;
    const key = gen && day !== null && gen.isPreliminary(day, clock) ? `${date}|preliminary` : date;
    const cached = this.monitoringCache.get(key);
    if (cached) return cached;
    const base = gen && day !== null ? gen.rowsFor(day, clock) : [];
    const overlay = this.monitoringOverlay.get(date);
    let rows = base;
    if (overlay && overlay.size) {
      const merged = new Map<string, MonitoringRow>();
      for (const r of base) merged.set(recordId('monitoring', r as unknown as Record<string, unknown>), r);
      for (const [id, r] of overlay) merged.set(id, r);
      rows = [...merged.values()].sort(compareChannelKey);
    }
    if (this.monitoringCache.size >= MONITORING_CACHE_DATES) {
      this.monitoringCache.delete(this.monitoringCache.keys().next().value as string);
    }
    this.monitoringCache.set(key, rows);
    return rows;
  }

  /** Dates that have monitoring rows, oldest first. */
  monitoringDates(): string[] {
    const dates = new Set<string>(this.monitoringBase ? this.monitoringBase.dates() : []);
    for (const [d, m] of this.monitoringOverlay) if (m.size) dates.add(d);
    return [...dates].sort();
  }

  /** Record counts per system. */
  counts(): StoreCounts {
    let monitoring = 0;
    if (this.monitoringBase) monitoring += this.monitoringBase.total();
    for (const [date, byId] of this.monitoringOverlay) {
      const day = dateToDay(date);
      const baseCount = this.monitoringBase && day !== null ? this.monitoringBase.countFor(day) : 0;
      monitoring += baseCount > 0 ? this.monitoringRowsFor(date).length - baseCount : byId.size;
    }
    return {
      permit: this.permits.size,
      enforcement: this.enforcementLog.length,
      enforcementRecords: this.enforcementIds.size,
      penalty: this.penalties.size,
      monitoring,
      credit: this.credits.size,
    };
  }
}

/** The China-time day window [from, to] of penalty modification dates as instants [startMs, endMs). */
export function chinaDayRange(fromDay: number, toDay: number): [number, number] {
  return [chinaInstant(fromDay, 0), chinaInstant(toDay + 1, 0)];
}
