import { ScopedPersistedQueryCache } from './persisted-query.cache';

describe('ScopedPersistedQueryCache', () => {
  it('finds a hash only in the scope that stored it', () => {
    const cache = new ScopedPersistedQueryCache();
    cache.set('key:1', 'h', '{ a }');
    expect(cache.get('key:1', 'h')).toBe('{ a }');
    expect(cache.get('key:2', 'h')).toBeUndefined();
    cache.set('key:2', 'h', '{ b }');
    expect(cache.get('key:1', 'h')).toBe('{ a }');
    expect(cache.get('key:2', 'h')).toBe('{ b }');
    expect(cache.size).toBe(2);
  });

  it('holds a bounded amount of text, least recently used first', () => {
    const cache = new ScopedPersistedQueryCache({ maxChars: 1000 });
    for (let i = 0; i < 100; i++) cache.set('key:1', `h${i}`, 'x'.repeat(90));
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('key:1', 'h99')).toBeDefined();
    expect(cache.get('key:1', 'h0')).toBeUndefined();
  });

  it('drops an entry older than its TTL when one is set', () => {
    let now = 0;
    const cache = new ScopedPersistedQueryCache({ ttlSeconds: 1, now: () => now });
    cache.set('key:1', 't', '{ t }');
    now += 999;
    expect(cache.get('key:1', 't')).toBe('{ t }');
    now += 2;
    expect(cache.get('key:1', 't')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
