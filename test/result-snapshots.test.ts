import { Pool } from 'pg';
import { EnterpriseSearchService } from '../src/enterprises/enterprise-search.service';
import { InvalidCursorError } from '../src/enterprises/enterprise-cursor';
import { Scope } from '../src/jurisdiction/scope';
import { countStatements } from './support/sql-counter';
import { TestHub, startTestHub } from './support/test-hub';

const PROVINCE: Scope = { divisionCode: '370000', level: 'PROVINCE' } as Scope;

/**
 * Result snapshots (consistent paging of `enterprises`) stay small and
 * bounded: 4 bytes an enterprise, stored behind the first page in its
 * transaction (a later page asked for before it is stored waits for it, and
 * it is the result the first page read though scores change before it is
 * written), expiry by age and a cap on the keys kept in total, and the
 * read-replica path (the replica orders, the primary stores) pages the same
 * as the single pool.
 */
describe('result snapshots', () => {
  let hub: TestHub;
  let total: number;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 120, seed: 31 }, server: false });
    const runs = await hub.services.runner.syncAll(['permit'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    total = (await hub.tdb.db.pool.query(`select count(*)::int as n from enterprise`)).rows[0].n;
    expect(total).toBeGreaterThan(50);
  }, 180_000);
  afterAll(async () => hub?.close());

  const snapshotRow = async (id: string) =>
    (await hub.tdb.db.pool.query(`select length, cardinality(keys) as n, pg_column_size(keys) as bytes from result_snapshot where id = $1`, [id])).rows[0];

  it('stores the whole ordered result as int4 keys, about 4 bytes an enterprise', async () => {
    const page = await hub.services.enterprises.search(PROVINCE, {}, 'SCORE_ASC', { first: 10 });
    expect(page.edges).toHaveLength(10);
    expect(await page.totalCount()).toBe(total);
    const row = await snapshotRow(page.snapshotId);
    expect(row.length).toBe(total);
    expect(row.n).toBe(total);
    expect(row.bytes).toBeLessThanOrEqual(4 * total + 32);
    // The keys are the result in order: the first ten are the page's enterprises.
    const ordered = await hub.tdb.db.pool.query(`select credit_code from enterprise order by score, credit_code limit 10`);
    expect(page.edges.map((e) => e.node.creditCode)).toEqual(ordered.rows.map((r) => r.credit_code));
    expect(Object.keys(page.edges[0].node)).not.toContain('rowKey');
  });

  it('pages forward and back through the stored keys, every enterprise once', async () => {
    const seen: string[] = [];
    let page = await hub.services.enterprises.search(PROVINCE, {}, 'NAME_ASC', { first: 25 });
    seen.push(...page.edges.map((e) => e.node.creditCode));
    while (page.hasNextPage) {
      page = await hub.services.enterprises.search(PROVINCE, {}, 'NAME_ASC', { first: 25, after: page.endCursor });
      seen.push(...page.edges.map((e) => e.node.creditCode));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const back = await hub.services.enterprises.search(PROVINCE, {}, 'NAME_ASC', { last: 7 });
    expect(back.edges.map((e) => e.node.creditCode)).toEqual(seen.slice(total - 7));
    expect(back.hasPreviousPage).toBe(true);
    expect(back.hasNextPage).toBe(false);
  });

  it('stores the result the first page read, behind it: a later page asked for meanwhile on another process waits for it, and scores changed before it is written do not move it', async () => {
    const pool = hub.tdb.db.pool;
    const order = async () => (await pool.query(`select credit_code from enterprise order by score, credit_code`)).rows.map((r) => r.credit_code);
    const before = await order();
    // Holds the snapshot's INSERT back (reads of result_snapshot go on), as a slow store would be.
    const blocker = await pool.connect();
    const otherProcess = new Pool({ connectionString: hub.tdb.url, max: 2 });
    let changed = false;
    try {
      await blocker.query(`begin; lock table result_snapshot in exclusive mode`);
      const svc = new EnterpriseSearchService(pool, hub.services.divisions, pool);
      const first = await svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 10 });
      expect(first.edges.map((e) => e.node.creditCode)).toEqual(before.slice(0, 10));
      expect(await snapshotRow(first.snapshotId)).toBeUndefined(); // answered, not yet stored
      // Scores change (the order with them) and commit before the snapshot is written.
      await pool.query(`update enterprise set score = score - row_key % 50`);
      changed = true;
      expect((await order()).slice(0, 10)).not.toEqual(before.slice(0, 10));
      // Another hub process asks for the second page: it finds no snapshot yet and waits on the snapshot's lock.
      const next = new EnterpriseSearchService(otherProcess, hub.services.divisions, otherProcess).search(PROVINCE, {}, 'SCORE_ASC', {
        first: 10,
        after: first.endCursor,
      });
      const waiting = async () => (await pool.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)).rows[0].n;
      let answered = false; // (without waiting it would answer at once, refusing the cursor)
      next.then(
        () => (answered = true),
        () => (answered = true),
      );
      while (!answered && (await waiting()) === 0) await new Promise((r) => setImmediate(r));
      await blocker.query('commit');
      const second = await next;
      expect(second.edges.map((e) => e.node.creditCode)).toEqual(before.slice(10, 20));
      expect(await first.totalCount()).toBe(total);
      const stored = await pool.query(
        `select e.credit_code from result_snapshot s cross join unnest(s.keys) with ordinality as k(key, i) join enterprise e on e.row_key = k.key
          where s.id = $1 order by k.i`,
        [first.snapshotId],
      );
      expect(stored.rows.map((r) => r.credit_code)).toEqual(before);
    } finally {
      await blocker.query('rollback');
      blocker.release();
      await otherProcess.end();
      if (changed) await pool.query(`update enterprise set score = score + row_key % 50`);
    }
  });

  it("a province caller's list reads without a division predicate (the province holds every division), a city caller's with one", async () => {
    const divisions = hub.services.divisions;
    const city = { divisionCode: '370100', level: 'CITY' } as Scope;
    expect(divisions.holdsEveryDivision(PROVINCE)).toBe(true);
    expect(divisions.holdsEveryDivision(city)).toBe(false);
    expect(divisions.holdsEveryDivision({ divisionCode: '370102', level: 'COUNTY' } as Scope)).toBe(false);
    const read = async (scope: Scope) => {
      const counted = await countStatements(async () => {
        const page = await hub.services.enterprises.search(scope, {}, 'SCORE_ASC', { first: 500 });
        return { codes: page.edges.map((e) => e.node.creditCode), total: await page.totalCount() };
      });
      // The WHERE clauses of the statements that read the list (the page, the stored result).
      const where = counted.statements.map((x) => /from enterprise e where (.*?) order by/s.exec(x)?.[1]).filter((w): w is string => !!w);
      expect(where.length).toBeGreaterThan(0);
      return { ...counted.result, where: [...new Set(where)] };
    };
    const province = await read(PROVINCE);
    expect(province.where).toEqual(['true']);
    expect(province.total).toBe(total);
    const jinan = await read(city);
    expect(jinan.where).toEqual(['e.city_code = $1']);
    const truth = await hub.tdb.db.pool.query(`select credit_code from enterprise where city_code = '370100' order by score, credit_code`);
    expect(truth.rows.length).toBeGreaterThan(0);
    expect(jinan.codes).toEqual(truth.rows.map((r) => r.credit_code));
    expect(jinan.total).toBe(truth.rows.length);
  });

  it('drops snapshots past their lifetime, and their cursors ask to restart paging', async () => {
    const svc = new EnterpriseSearchService(hub.tdb.db.pool, hub.services.divisions, hub.tdb.db.pool, { ttlMs: 60_000 });
    const page = await svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 5 });
    await page.totalCount(); // the snapshot is stored behind the page: totalCount waits for it
    await hub.tdb.db.pool.query(`update result_snapshot set created_at = now() - interval '2 minutes' where id = $1`, [page.snapshotId]);
    await expect(svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 5, after: page.endCursor })).rejects.toThrow(/restart paging/);
    // (The expiry the first page started may already have dropped it: either way it is gone after one.)
    await svc.expireSnapshots();
    expect(await snapshotRow(page.snapshotId)).toBeUndefined();
  });

  it('keeps at most the capped number of keys in total, dropping the oldest snapshots first', async () => {
    await hub.tdb.db.pool.query(`truncate result_snapshot`);
    const svc = new EnterpriseSearchService(hub.tdb.db.pool, hub.services.divisions, hub.tdb.db.pool, { maxStoredKeys: 2 * total });
    const pages = [];
    for (let i = 0; i < 3; i++) {
      pages.push(await svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 5 }));
      await pages[i].totalCount(); // stored
      // Distinct creation times, oldest first (no sleeping: the clock is set).
      await hub.tdb.db.pool.query(`update result_snapshot set created_at = now() - make_interval(secs => $2) where id = $1`, [pages[i].snapshotId, 30 - i]);
    }
    await svc.expireSnapshots();
    const kept = await hub.tdb.db.pool.query(`select id, length from result_snapshot order by created_at`);
    expect(kept.rows.map((r) => r.id)).toEqual([pages[1].snapshotId, pages[2].snapshotId]);
    expect(kept.rows.reduce((a, r) => a + r.length, 0)).toBeLessThanOrEqual(2 * total);
    const dropped = svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 5, after: pages[0].endCursor });
    await expect(dropped).rejects.toBeInstanceOf(InvalidCursorError);
    const live = await svc.search(PROVINCE, {}, 'SCORE_ASC', { first: 5, after: pages[2].endCursor });
    expect(live.edges).toHaveLength(5);
  });

  it('with a read replica the replica orders the result and the primary stores it: the same pages', async () => {
    const replica = new Pool({ connectionString: hub.tdb.url, max: 2 });
    try {
      const split = new EnterpriseSearchService(replica, hub.services.divisions, hub.tdb.db.pool);
      const single = hub.services.enterprises;
      for (const paging of [{ first: 9 }, { last: 9 }]) {
        const a = await split.search(PROVINCE, { riskLevels: ['LOW', 'MEDIUM'] }, 'SCORE_DESC', paging);
        const b = await single.search(PROVINCE, { riskLevels: ['LOW', 'MEDIUM'] }, 'SCORE_DESC', paging);
        expect(a.edges.map((e) => e.node.creditCode)).toEqual(b.edges.map((e) => e.node.creditCode));
        expect(await a.totalCount()).toBe(await b.totalCount());
        expect([a.hasNextPage, a.hasPreviousPage]).toEqual([b.hasNextPage, b.hasPreviousPage]);
        expect((await snapshotRow(a.snapshotId)).length).toBe(await b.totalCount());
        const next = await split.search(PROVINCE, { riskLevels: ['LOW', 'MEDIUM'] }, 'SCORE_DESC', { first: 3, after: a.endCursor });
        const nextSingle = await single.search(PROVINCE, { riskLevels: ['LOW', 'MEDIUM'] }, 'SCORE_DESC', { first: 3, after: b.endCursor });
        expect(next.edges.map((e) => e.node.creditCode)).toEqual(nextSingle.edges.map((e) => e.node.creditCode));
      }
    } finally {
      await replica.end();
    }
  });
});
