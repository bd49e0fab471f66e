import { SubscriptionQuota } from './subscription-limits';

describe('subscription quota', () => {
  it('caps open subscriptions per connection and per key, and frees slots on complete and on close', () => {
    const q = new SubscriptionQuota({ perKey: 3, perConnection: 2 });
    expect(q.acquire('k', 'a', '1')).toBeNull();
    expect(q.acquire('k', 'a', '2')).toBeNull();
    expect(q.acquire('k', 'a', '3')?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'connection', limit: 2 });
    expect(q.acquire('k', 'b', '1')).toBeNull();
    expect(q.acquire('k', 'b', '2')?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'key', limit: 3 });
    expect(q.acquire('other', 'c', '1')).toBeNull();
    q.release('a', '1');
    q.release('a', '1');
    expect(q.open({ keyId: 'k' })).toBe(2);
    expect(q.acquire('k', 'b', '2')).toBeNull();
    q.releaseConnection('b');
    expect(q.open({ keyId: 'k' })).toBe(1);
    expect(q.open({ connectionId: 'b' })).toBe(0);
    expect(q.open({ keyId: 'other' })).toBe(1);
  });
});
