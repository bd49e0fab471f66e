import DataLoader from 'dataloader';
import { EnterpriseRow } from '../enterprises/enterprise.model';
import { Scope } from '../jurisdiction/scope';
import type { MonitoringDeviceService, MonitoringHourRow } from '../monitoring/monitoring-device.service';
import type { MonitoringDayRow, MonitoringDayService } from '../monitoring/monitoring-day.service';
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
import { groupBy } from '../domain/group-by';
import type { InspectionPlanService } from '../supervision/inspection-plan.service';
import type { SupervisionTaskService, TaskEventRow, TaskRow } from '../supervision/supervision-task.service';
import { ObjectionEventRow, ObjectionRow, ObjectionService } from '../supervision/objection.service';

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
  db: Pick<Database, 'apiPool' | 'readPool'>;
  scoring: ScoringServices;
  tags: TagService;
  warnings: { workflow: WarningService; webhooks: WebhookService };
  /** HJ 212 devices: binding, the device list, hourly values. */
  monitoringDevices: MonitoringDeviceService;
  /** Per-enterprise daily monitoring summaries (`Enterprise.monitoringDays`). */
  monitoringDays: MonitoringDayService;
  inspectionPlans: Pick<InspectionPlanService, 'inspectorNames'>;
  supervisionTasks: Pick<SupervisionTaskService, 'byIds' | 'eventsOf'>;
  objections: Pick<ObjectionService, 'byIds' | 'eventsOf'>;
}

/** A division as the `Division` type reads it. */
export interface DivisionRow {
  code: string;
  name: string;
  /** PROVINCE, CITY or COUNTY. */
  level: string;
  parentCode: string | null;
}

/** A permit as the `Permit` type reads it (dates as YYYY-MM-DD). */
export interface PermitRow {
  creditCode: string;
  permitNo: string;
  validFrom: string;
  validTo: string;
  /** VALID, EXPIRED or REVOKED. */
  status: string;
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
 * caller's scope into their SQL. Every loader is plain SQL through the pools
 * (the hub's one way to read; see docs/architecture.md, "Database access").
 */
export function createLoaders(services: LoaderServices, scope: Scope) {
  const { scoring, tags, warnings, monitoringDevices } = services;
  return {
    /** Inspector names by id, null outside the caller's jurisdiction (plan items, tasks). */
    inspectorName: new DataLoader<string, string | null>((ids) => services.inspectionPlans.inspectorNames(scope, ids)),
    /** Supervision tasks by id, inside the caller's jurisdiction. */
    task: new DataLoader<string, TaskRow | null>((ids) => services.supervisionTasks.byIds(scope, ids)),
    /** The histories of supervision tasks, oldest first. */
    taskEvents: new DataLoader<string, TaskEventRow[]>((ids) => services.supervisionTasks.eventsOf(ids)),
    /** Objections by id, inside the caller's jurisdiction. */
    objection: new DataLoader<string, ObjectionRow | null>((ids) => services.objections.byIds(scope, ids)),
    /** The histories of objections, oldest first. */
    objectionEvents: new DataLoader<string, ObjectionEventRow[]>((ids) => services.objections.eventsOf(ids)),
    /** Divisions by code (read pool: a standby when there is one). */
    division: new DataLoader<string, DivisionRow | null>(async (codes) => {
      const res = await services.db.readPool.query<DivisionRow>({
        name: 'divisions-by-code',
        text: 'select code, name, level, parent_code as "parentCode" from division where code = any($1::text[])',
        values: [[...codes]],
      });
      const byCode = new Map(res.rows.map((r) => [r.code, r]));
      return codes.map((c) => byCode.get(c) ?? null);
    }),
    /** Permits of enterprises, oldest first (read pool). */
    permits: new DataLoader<string, PermitRow[]>(async (codes) => {
      const res = await services.db.readPool.query<PermitRow>({
        name: 'permits-of-enterprises',
        text: `select credit_code as "creditCode", permit_no as "permitNo", to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
                      to_char(valid_to, 'YYYY-MM-DD') as "validTo", status
                 from permit where credit_code = any($1::text[]) order by credit_code, valid_from, permit_no`,
        values: [[...codes]],
      });
      return groupBy(codes, res.rows, (r) => r.creditCode);
    }),

    /**
     * What a page's prefetch fetched (see `prefetchPageExtras`), by credit code and by `recentHistoryKey`: the
     * `tags` and `recentHistory` resolvers answer from it, without a promise, before asking their loaders.
     */
    pagePrimed: { tags: new Map<string, EnterpriseTagView[]>(), recentHistory: new Map<string, ScorePointData[]>() },
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

    /** `Enterprise.monitoringDays(from, to, pollutantCode)`: one loader per argument set, inside the caller's jurisdiction. */
    monitoringDays: new LoaderFamily<{ from: string; to: string; pollutantCode: string | null }, string, MonitoringDayRow[]>(
      (a) => `${a.from}|${a.to}|${a.pollutantCode ?? ''}`,
      (a) => new DataLoader((codes) => services.monitoringDays.days(codes, a.from, a.to, a.pollutantCode, scope)),
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
          (g) =>
            scoring.reports.histories(
              g.map((k) => k.creditCode),
              g[0].from,
              g[0].to,
            ),
        ),
      { cacheKeyFn: (k) => `${k.creditCode}|${k.from?.toISOString() ?? ''}|${k.to?.toISOString() ?? ''}` },
    ),
    /** Ranks within a scope: one statement per distinct scope. */
    rank: new DataLoader<{ creditCode: string; scope: string }, number | null, string>(
      (keys) =>
        grouped(
          keys,
          (k) => k.scope,
          (g) =>
            scoring.reports.ranks(
              g.map((k) => k.creditCode),
              g[0].scope,
            ),
        ),
      { cacheKeyFn: (k) => `${k.creditCode}|${k.scope}` },
    ),
    /** The last `last` score points (API pool): one statement per distinct `last` (a prefetched page answers from `pagePrimed` instead). */
    recentHistory: new DataLoader<RecentHistoryKey, ScorePointData[], string>(
      (keys) =>
        grouped(
          keys,
          (k) => String(k.last),
          (g) =>
            recentHistories(
              services.db.apiPool,
              g.map((k) => k.creditCode),
              g[0].last,
            ),
        ),
      { cacheKeyFn: recentHistoryKey },
    ),
  };
}

/** The cache key of a `recentHistory` loader key (and of `pagePrimed.recentHistory`). */
export function recentHistoryKey(k: RecentHistoryKey): string {
  return `${k.creditCode}|${k.last}`;
}

/** The loaders of one request (see `createLoaders`). */
export type Loaders = ReturnType<typeof createLoaders>;
