import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../graphql/context';

interface Entry {
  query: string;
  expiresAt: number;
}

/** Options of {@link ScopedPersistedQueryCache}. */
export interface ScopedPersistedQueryCacheOptions {
  /** Characters of query text held at once over all scopes (default 16 Mi); the least recently used entries go first. */
  maxChars?: number;
  /** Seconds an entry lives; default: until the least-recently-used rule drops it (as Apollo keeps APQ entries). */
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * The query texts of automatic persisted queries (APQ), kept per scope (an
 * API key): a hash one key registered is found only by that key. Memory is
 * bounded by `maxChars`, least recently used first.
 */
export class ScopedPersistedQueryCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;
  private readonly maxChars: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: ScopedPersistedQueryCacheOptions = {}) {
    this.maxChars = opts.maxChars ?? 16 * 1024 * 1024;
    this.ttlMs = opts.ttlSeconds ? opts.ttlSeconds * 1000 : Number.POSITIVE_INFINITY;
    this.now = opts.now ?? Date.now;
  }

  /** The query text `scope` registered under `hash`, if it is still held. */
  get(scope: string, hash: string): string | undefined {
    const k = `${scope}\u0000${hash}`;
    const e = this.entries.get(k);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.remove(k);
      return undefined;
    }
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.query;
  }

  /** Registers `query` under `hash` for `scope` (most recently used). */
  set(scope: string, hash: string, query: string): void {
    const k = `${scope}\u0000${hash}`;
    if (k.length + query.length > this.maxChars) return;
    this.remove(k);
    this.entries.set(k, { query, expiresAt: this.now() + this.ttlMs });
    this.chars += k.length + query.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.remove(oldest);
    }
  }

  private remove(k: string): boolean {
    const e = this.entries.get(k);
    if (!e) return false;
    this.entries.delete(k);
    this.chars -= k.length + e.query.length;
    return true;
  }

  /** Entries held now, over all scopes. */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Apollo's own APQ cache, given to Apollo in place of a shared one: it holds
 * nothing, so a hash that {@link scopedPersistedQueries} did not resolve for
 * the caller is Apollo's `PERSISTED_QUERY_NOT_FOUND`, answered as Apollo
 * answers it (and a client's retry with the text registers it).
 */
export const NO_SHARED_PERSISTED_QUERIES = {
  get: async (): Promise<string | undefined> => undefined,
  set: async (): Promise<void> => undefined,
  delete: async (): Promise<boolean> => false,
};

/** The APQ extension of a request, when it is one Apollo accepts (version 1 with a hash). */
function persistedQueryOf(extensions: Record<string, unknown> | undefined): { hash: string } | null {
  const pq = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return pq && pq.version === 1 && typeof pq.sha256Hash === 'string' ? { hash: pq.sha256Hash } : null;
}

/**
 * Automatic persisted queries scoped by caller, so that no caller can learn
 * whether another sent a query: a hash one API key registered is found only
 * by that key — to any other caller it is `PERSISTED_QUERY_NOT_FOUND`, exactly
 * as a hash nobody sent. Apollo keeps its protocol (it checks the version and
 * that a sent text matches its hash, and answers every error); this plugin
 * only fills in, at the start of a request, the text the caller registered
 * for a hash sent alone, and registers a text the caller sent once its
 * operation has parsed and validated (as Apollo would). The caller comes from the request's
 * context, so no async-local storage is needed — in Node 20 one enabled
 * makes every promise of the process pay a hook.
 */
export function scopedPersistedQueries(cache: ScopedPersistedQueryCache): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart(rc) {
      const pq = persistedQueryOf(rc.request.extensions);
      if (!pq) return;
      const scope = `key:${rc.contextValue.caller.keyId}`;
      const sent = rc.request.query;
      // A hash sent alone: the text this caller registered, if any (the lookup also makes it the most recently used).
      if (sent === undefined) {
        rc.request.query = cache.get(scope, pq.hash);
        return;
      }
      return {
        async didResolveOperation() {
          cache.set(scope, pq.hash, sent);
        },
      };
    },
  };
}
