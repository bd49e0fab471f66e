import { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { DivisionEntity, PermitEntity } from '../db/entities';

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

/**
 * Per-request DataLoaders: every nested field fetches for all its parents in
 * one statement. Created fresh for each request so nothing leaks between callers.
 */
export function createLoaders(em: EntityManager) {
  return {
    division: new DataLoader<string, DivisionEntity | null>(async (codes) => {
      const rows = await em.find(DivisionEntity, { code: { $in: [...codes] } });
      const byCode = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => byCode.get(c) ?? null);
    }),
    permits: new DataLoader<string, PermitEntity[]>(async (codes) => {
      const rows = await em.find(PermitEntity, { creditCode: { $in: [...codes] } }, { orderBy: { creditCode: 'asc', validFrom: 'asc', permitNo: 'asc' } });
      return groupBy(codes, rows, (r) => r.creditCode);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
