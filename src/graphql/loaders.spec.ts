import DataLoader from 'dataloader';
import { LoaderFamily, LoaderServices, createLoaders } from './loaders';

/** The per-request loaders: one batch per argument set and level, nothing shared between requests. */
describe('request loaders', () => {
  it('a loader family batches the parents of one argument set into one call, and keeps argument sets apart', async () => {
    const calls: string[] = [];
    const family = new LoaderFamily<number, string, string>(
      (n) => String(n),
      (n) => new DataLoader(async (keys) => (calls.push(`${n}:${keys.join(',')}`), keys.map((k) => `${k}/${n}`))),
    );
    const got = await Promise.all([family.of(20).load('a'), family.of(20).load('b'), family.of(5).load('a')]);
    expect(got).toEqual(['a/20', 'b/20', 'a/5']);
    expect(calls.sort()).toEqual(['20:a,b', '5:a']);
    expect(family.size).toBe(2);
  });

  it('every request gets loaders of its own, so a cached row never crosses requests', () => {
    const services = {} as LoaderServices; // the loaders read through the services only when a field loads
    const a = createLoaders(services, { divisionCode: '370000', level: 1 } as never);
    const b = createLoaders(services, { divisionCode: '370100', level: 2 } as never);
    for (const name of Object.keys(a) as (keyof typeof a)[]) expect(a[name]).not.toBe(b[name]);
    expect(Object.keys(a).sort()).toEqual([
      'division',
      'enterpriseWarnings',
      'inspectorName',
      'monitoringDays',
      'monitoringHours',
      'objection',
      'objectionEvents',
      'pagePrimed',
      'permits',
      'rank',
      'recentHistory',
      'scoreHistory',
      'scoreReport',
      'tagChanges',
      'tags',
      'task',
      'taskEvents',
      'warningEnterprise',
      'webhookAttempts',
      'webhookDeliveries',
    ]);
  });
});
