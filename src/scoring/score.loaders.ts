import DataLoader from 'dataloader';
import { ScoringServices } from './scoring.module';
import { HealthReportData, ReportKey, ScorePointData } from './health-report.service';

/** Per-request DataLoaders of the score fields: each level of a query costs one statement, not one per enterprise. */
export interface ScoreLoaders {
  report: DataLoader<ReportKey, HealthReportData, string>;
  history: DataLoader<{ creditCode: string; from?: Date | null; to?: Date | null }, ScorePointData[], string>;
  rank: DataLoader<{ creditCode: string; scope: string }, number | null, string>;
}

const perRequest = new WeakMap<object, ScoreLoaders>();

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
 * The score loaders of one request, created on first use and tied to the
 * request's context object (so nothing is shared between callers).
 */
export function scoreLoaders(requestContext: object, scoring: ScoringServices): ScoreLoaders {
  let l = perRequest.get(requestContext);
  if (!l) {
    l = {
      report: new DataLoader((keys) => scoring.reports.reports(keys), {
        cacheKeyFn: (k) => `${k.creditCode}|${k.asOf ?? ''}|${k.knownAt?.toISOString() ?? ''}`,
      }),
      history: new DataLoader(
        (keys) => grouped(keys, (k) => `${k.from?.toISOString() ?? ''}|${k.to?.toISOString() ?? ''}`,
          (g) => scoring.reports.histories(g.map((k) => k.creditCode), g[0].from, g[0].to)),
        { cacheKeyFn: (k) => `${k.creditCode}|${k.from?.toISOString() ?? ''}|${k.to?.toISOString() ?? ''}` },
      ),
      rank: new DataLoader(
        (keys) => grouped(keys, (k) => k.scope, (g) => scoring.reports.ranks(g.map((k) => k.creditCode), g[0].scope)),
        { cacheKeyFn: (k) => `${k.creditCode}|${k.scope}` },
      ),
    };
    perRequest.set(requestContext, l);
  }
  return l;
}
