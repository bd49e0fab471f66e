import { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { DivisionEntity, PermitEntity } from '../db/entities';
import { EnterpriseRow } from '../enterprises/enterprise.model';
import { Scope } from '../jurisdiction/scope';
import type { MonitoringDeviceService, MonitoringHourRow } from '../monitoring/monitoring-device.service';
import { Database } from '../db/database';
import { ScoringServices } from '../scoring/scoring.module';
import { WarningService } from '../warnings/warning.service';
import { WebhookService } from '../webhooks/webhook.service';
import { HealthReportData, ReportKey, ScorePointData } from '../scoring/health-report.service';
import { EnterpriseTagView, TagChangeView, TagService } from '../tags/tag.service';
import { WarningStatusValue } from '../domain/vocabulary';
import { WarningRow } from '../warnings/warning.types';
import { WebhookAttemptRow, WebhookDeliveryRow } from '../webhooks/webhook.types';
import { recentHistories } from './recent-history.loader';

/** Groups rows by a key, keeping the order of `keys`. */
export function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** Groups keys by a parameter signature and runs `fn` once per group, keeping key order. */
async function grouped<K, V>(keys: readonly K[], sig: (k: K) => string, fn: (group: K[]) => Promise<V[]>): Promise<V[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => groups.set(sig(k), [...(groups.get(sig(k)) ?? []), i]));
  const out: V[] = new Array(keys.length);
  for (const idx of groups.values()) {
    const values = await fn(idx.map((i) => keys[i]));
    idx.forEach((i, j) => (out[i] = values[j]));
  }
  return out;
}

/**
 * One DataLoader per distinct set of field arguments (`Enterprise.warnings(status)`,
 * `Webhook.deliveries(last)`, `Enterprise.monitoringHours(from, to, …)`): a
 * query level asking the same arguments for many parents costs one statement.
 */
export class LoaderFamily<A, K, V> {
  private readonly byArgs = new Map<string, DataLoader<K, V>>();

  constructor(
    private readonly signature: (args: A) => string,
    private readonly make: (args: A) => DataLoader<K, V>,
  ) {}

  /** The loader of these arguments, made on first use. */
  of(args: A): DataLoader<K, V> {
    const sig = this.signature(args);
    let l = this.byArgs.get(sig);
    if (!l) this.byArgs.set(sig, (l = this.make(args)));
    return l;
  }

  /** How many argument sets have a loader (for tests). */
  get size(): number {
    return this.byArgs.size;
  }
}

/** What the loaders read through (a part of the request's `ApiServices`). */
export interface LoaderServices {
  db: Pick<Database, 'apiPool'>;
  scoring: ScoringServices;
  tags: TagService;
  warnings: { workflow: WarningService; webhooks: WebhookService };
  monitoringDevices: MonitoringDeviceService;
}

/** A key of `Enterprise.recentHistory(last)`. */
export interface RecentHistoryKey {
  creditCode: string;
  last: number;
}

/**
 * Every per-request DataLoader of the API, built once per request by
 * `createContext`: every nested field fetches for all its parents in one
 * statement per query level, and nothing is shared between requests (or
 * between the events of a subscription). Jurisdiction-bound loaders carry the
 * caller's scope into their SQL. `em` is called only when an ORM-backed loader
 * first runs, so a context that never reads divisions or permits forks no
 * EntityManager.
 */
export function createLoaders(services: LoaderServices, scope: Scope, em: () => EntityManager) {
  const { scoring, tags, warnings, monitoringDevices } = services;
  return {
    division: new DataLoader<string, DivisionEntity | null>(async (codes) => {
      const rows = await em().find(DivisionEntity, { code: { $in: [...codes] } });
      const byCode = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => byCode.get(c) ?? null);
    }),
    permits: new DataLoader<string, PermitEntity[]>(async (codes) => {
      const rows = await em().find(PermitEntity, { creditCode: { $in: [...codes] } }, { orderBy: { creditCode: 'asc', validFrom: 'asc', permitNo: 'asc' } });
      return groupBy(codes, rows, (r) => r.creditCode);
    }),

    /** Tags an enterprise carries, as the caller's jurisdiction sees them (API pool). */
    tags: new DataLoader<string, EnterpriseTagView[]>((codes) => tags.tagsOf(codes, scope)),
    /** Manual tag changes of an enterprise. */
    tagChanges: new DataLoader<string, TagChangeView[]>((codes) => tags.changesOf(codes, scope)),

    /** Enterprises of warnings, read inside the caller's jurisdiction (SQL). */
    warningEnterprise: new DataLoader<string, EnterpriseRow | null>((codes) => warnings.workflow.enterprisesOf(scope, codes)),
    /** `Enterprise.warnings(status)`: one loader per status ('' for any). */
    enterpriseWarnings: new LoaderFamily<WarningStatusValue | null, string, WarningRow[]>(
      (status) => status ?? '',
      (status) => new DataLoader((codes) => warnings.workflow.ofEnterprises(scope, codes, status)),
    ),

    /** `Webhook.deliveries(last)`: one loader per `last`. */
    webhookDeliveries: new LoaderFamily<number, string, WebhookDeliveryRow[]>(
      (last) => String(last),
      (last) => new DataLoader((ids) => warnings.webhooks.deliveries(ids, last)),
    ),
    /** `WebhookDelivery.attemptLog`. */
    webhookAttempts: new DataLoader<string, WebhookAttemptRow[]>((ids) => warnings.webhooks.attempts(ids)),

    /** `Enterprise.monitoringHours(from, to, pollutantCode)`: one loader per argument set. */
    monitoringHours: new LoaderFamily<{ from: Date; to: Date; pollutantCode?: string | null }, string, MonitoringHourRow[]>(
      (a) => `${a.from.toISOString()}|${a.to.toISOString()}|${a.pollutantCode ?? ''}`,
      (a) => new DataLoader((codes) => monitoringDevices.hours(codes, a.from, a.to, a.pollutantCode)),
    ),

    /** Health reports: one statement per distinct (asOf, knownAt) per level. */
    scoreReport: new DataLoader<ReportKey, HealthReportData, string>((keys) => scoring.reports.reports(keys), {
      cacheKeyFn: (k) => `${k.creditCode}|${k.asOf ?? ''}|${k.knownAt?.toISOString() ?? ''}`,
    }),
    /** Score history between two instants: one statement per distinct range. */
    scoreHistory: new DataLoader<{ creditCode: string; from?: Date | null; to?: Date | null }, ScorePointData[], string>(
      (keys) =>
        grouped(
          keys,
          (k) => `${k.from?.toISOString() ?? ''}|${k.to?.toISOString() ?? ''}`,
          (g) => scoring.reports.histories(g.map((k) => k.creditCode), g[0].from, g[0].to),
        ),
      { cacheKeyFn: (k) => `${k.creditCode}|${k.from?.toISOString() ?? ''}|${k.to?.toISOString() ?? ''}` },
    ),
    /** Ranks within a scope: one statement per distinct scope. */
    rank: new DataLoader<{ creditCode: string; scope: string }, number | null, string>(
      (keys) => grouped(keys, (k) => k.scope, (g) => scoring.reports.ranks(g.map((k) => k.creditCode), g[0].scope)),
      { cacheKeyFn: (k) => `${k.creditCode}|${k.scope}` },
    ),
    /** The last `last` score points (API pool): one statement per distinct `last`; the page prefetch primes it. */
    recentHistory: new DataLoader<RecentHistoryKey, ScorePointData[], string>(
      (keys) => grouped(keys, (k) => String(k.last), (g) => recentHistories(services.db.apiPool, g.map((k) => k.creditCode), g[0].last)),
      { cacheKeyFn: (k) => `${k.creditCode}|${k.last}` },
    ),
  };
}

/** The loaders of one request (see `createLoaders`). */
export type Loaders = ReturnType<typeof createLoaders>;
