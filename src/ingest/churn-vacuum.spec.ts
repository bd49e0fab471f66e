import { ChurnVacuum } from './churn-vacuum';

/** A pool that records its statements and answers the statistics query with `stats`. */
function fakePool(stats: { live: number; dead: number }, failVacuum = false) {
  const sql: string[] = [];
  return {
    sql,
    pool: {
      query: async (text: string) => {
        const partitions = text.includes('pg_partition_tree');
        const analyze = text.includes('n_mod_since_analyze');
        sql.push(partitions ? 'partitions' : analyze ? 'analyze stats' : text.startsWith('select') ? 'stats' : text);
        // Only the partition the run wrote has statistics behind it.
        if (analyze) return { rows: [{ name: 'monitoring_day_p202612' }] };
        if (text.startsWith('vacuum') && failVacuum) throw new Error('connection lost');
        // Of monitoring_day's partitions, the current month's changed.
        if (partitions) return { rows: [{ name: 'monitoring_day_p202612' }] };
        return { rows: text.startsWith('select') ? [{ relname: 'monitoring_month', n_live_tup: String(stats.live), n_dead_tup: String(stats.dead) }] : [] };
      },
    } as never,
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ChurnVacuum', () => {
  it('looks at the dead tuples every checkEveryRows changed rows and vacuums a table past the threshold, then vacuums at the end of the run', async () => {
    const stats = { live: 100_000, dead: 25_000 };
    const f = fakePool(stats);
    const log: string[] = [];
    const v = new ChurnVacuum(f.pool, ['monitoring'], (l) => log.push(l), { checkEveryRows: 10_000, deadFraction: 0.2, deadThreshold: 1_000 });
    v.pageCommitted(5_000);
    await settle();
    expect(f.sql).toEqual([]);
    v.pageCommitted(5_000); // 10,000: a look, 25,000 dead > 0.2 × 100,000 + 1,000
    await settle();
    await settle();
    expect(f.sql).toEqual(['stats', 'vacuum (skip_locked) monitoring_month']);
    stats.dead = 20_000; // not past 21,000
    v.pageCommitted(10_000);
    await settle();
    await settle();
    expect(f.sql).toEqual(['stats', 'vacuum (skip_locked) monitoring_month', 'stats']);
    await v.runEnded();
    expect(f.sql.slice(3)).toEqual([
      'partitions',
      'analyze stats',
      'vacuum (skip_locked) monitoring_month, monitoring_outlet_month, monitoring_exceed_month, monitoring_outlet',
      'vacuum (skip_locked, analyze) monitoring_day_p202612',
    ]);
    expect(log.filter((l) => l.startsWith('vacuumed monitoring_month'))).toHaveLength(2);
  });

  it('does nothing for a connector that writes no churned table, nor at the end of a run that changed nothing', async () => {
    const f = fakePool({ live: 1, dead: 1_000_000 });
    const permits = new ChurnVacuum(f.pool, ['enterprise'], () => undefined, { checkEveryRows: 1 });
    permits.pageCommitted(100);
    await permits.runEnded();
    const unchanged = new ChurnVacuum(f.pool, ['monitoring'], () => undefined, { checkEveryRows: 1 });
    unchanged.pageCommitted(0);
    await unchanged.runEnded();
    expect(f.sql).toEqual([]);
  });

  it('logs a failed vacuum without failing the run', async () => {
    const f = fakePool({ live: 0, dead: 0 }, true);
    const log: string[] = [];
    const v = new ChurnVacuum(f.pool, ['monitoring'], (l) => log.push(l));
    v.pageCommitted(1);
    await expect(v.runEnded()).resolves.toBeUndefined();
    expect(log).toEqual([
      'vacuum of monitoring_month, monitoring_outlet_month, monitoring_exceed_month, monitoring_outlet failed (end of run): connection lost',
      'vacuum of monitoring_day_p202612 failed (end of run, statistics stale): connection lost',
    ]);
  });
});
