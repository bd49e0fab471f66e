import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The scope of the request being executed: `key:<api key id>` for an
 * authenticated caller. The GraphQL route runs Apollo inside it, and
 * {@link ScopedPersistedQueryCache} reads it, because Apollo's cache calls
 * carry no request.
 */
export const persistedQueryScope = new AsyncLocalStorage<string>();

interface Entry {
  query: string;
  expiresAt: number;
}

/** Options of {@link ScopedPersistedQueryCache}. */
export interface ScopedPersistedQueryCacheOptions {
  /** Characters of query text held at once over all scopes (default 16 Mi); the least recently used entries go first. */
  maxChars?: number;
  now?: () => number;
}

/**
 * Apollo's automatic persisted queries (APQ), scoped by caller: a hash one
 * API key registered is found only by that key — to any other caller it is
 * `PERSISTED_QUERY_NOT_FOUND`, exactly as a hash nobody sent — so no caller
 * can learn whether another sent a query. A call outside any scope (none is
 * expected) finds nothing and stores nothing. Memory is bounded by
 * `maxChars`, least recently used first; entries keep Apollo's TTL.
 */
export class ScopedPersistedQueryCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;
  private readonly maxChars: number;
  private readonly now: () => number;

  constructor(opts: ScopedPersistedQueryCacheOptions = {}) {
    this.maxChars = opts.maxChars ?? 16 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  private scoped(key: string): string | null {
    const scope = persistedQueryScope.getStore();
    return scope ? `${scope}\u0000${key}` : null;
  }

  async get(key: string): Promise<string | undefined> {
    const k = this.scoped(key);
    if (!k) return undefined;
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

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const k = this.scoped(key);
    if (!k || k.length + value.length > this.maxChars) return;
    this.remove(k);
    const ttl = options?.ttl;
    this.entries.set(k, { query: value, expiresAt: ttl ? this.now() + ttl * 1000 : Number.POSITIVE_INFINITY });
    this.chars += k.length + value.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.remove(oldest);
    }
  }

  async delete(key: string): Promise<boolean | void> {
    const k = this.scoped(key);
    return k ? this.remove(k) : false;
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
