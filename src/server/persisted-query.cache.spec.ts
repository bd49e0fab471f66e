import { ScopedPersistedQueryCache, persistedQueryScope } from './persisted-query.cache';

describe('ScopedPersistedQueryCache', () => {
  it('finds a hash only in the scope that stored it, and nothing outside any scope', async () => {
    const cache = new ScopedPersistedQueryCache();
    await persistedQueryScope.run('key:1', () => cache.set('h', '{ a }'));
    expect(await persistedQueryScope.run('key:1', () => cache.get('h'))).toBe('{ a }');
    expect(await persistedQueryScope.run('key:2', () => cache.get('h'))).toBeUndefined();
    expect(await cache.get('h')).toBeUndefined();
    await cache.set('h', '{ b }');
    expect(cache.size).toBe(1);
  });

  it('holds a bounded amount of text, least recently used first, and honours the TTL', async () => {
    let now = 0;
    const cache = new ScopedPersistedQueryCache({ maxChars: 1000, now: () => now });
    await persistedQueryScope.run('key:1', async () => {
      for (let i = 0; i < 100; i++) await cache.set(`h${i}`, 'x'.repeat(90));
      expect(cache.size).toBeLessThanOrEqual(10);
      expect(await cache.get('h99')).toBeDefined();
      expect(await cache.get('h0')).toBeUndefined();
      await cache.set('t', '{ t }', { ttl: 1 });
      now += 1001;
      expect(await cache.get('t')).toBeUndefined();
    });
  });
});
