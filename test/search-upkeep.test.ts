import { mergeGinPendingLists, searchUpkeepStep } from '../src/search/search-upkeep.step';
import { suiteDatabase } from './support/test-database';

/**
 * The post-sync search upkeep: rewritten enterprise rows leave entries in the
 * GIN indexes' pending lists (read whole by every tag or name search) and
 * clear the visibility map; the step merges the lists after a small pass and
 * vacuums `enterprise` after a large one, on a real PostgreSQL.
 */
describe('search upkeep after the post-sync steps', () => {
  const tdb = suiteDatabase();
  const pool = () => tdb().db.pool;
  const codes = (n: number) => Array.from({ length: n }, (_, i) => `91370102UPKEEP${String(i).padStart(4, '0')}`);
  /** Pages each GIN index of `enterprise` still holds in its pending list (merging them: call it once per state). */
  const pendingPages = async () => (await mergeGinPendingLists(pool())).map((m) => [m.name, m.pages]);
  const vacuums = async () =>
    Number((await pool().query<{ n: string }>(`select vacuum_count as n from pg_stat_user_tables where relname = 'enterprise'`)).rows[0].n);

  beforeAll(async () => {
    const county = (await pool().query<{ code: string }>(`select code from division where level = 'COUNTY' order by code limit 1`)).rows[0].code;
    await pool().query(
      `insert into enterprise (credit_code, name, division_code) select c, '济南市升级测试企业' || i, $2 from unnest($1::text[]) with ordinality as t(c, i)`,
      [codes(1200), county],
    );
    await pool().query(`vacuum enterprise`);
  });

  it('after a pass of fewer than 1,000 enterprises merges the pending lists, and the merged index answers as before', async () => {
    const touched = codes(300);
    await pool().query(`update enterprise set score = score - 24, tag_ids = '{9001}' where credit_code = any($1::text[])`, [touched]);
    const before = await vacuums();
    const log: string[] = [];
    const r = await searchUpkeepStep(pool()).run(tdb().db, touched, (l) => log.push(l));
    expect(r).toEqual({ enterprises: 300 });
    const merged = Number(/merged (\d+) GIN pending-list pages/.exec(log.join('\n'))?.[1]);
    expect(merged).toBeGreaterThan(0);
    expect(await pendingPages()).toEqual([
      ['enterprise_name_trgm_idx', 0],
      ['enterprise_tag_ids_idx', 0],
    ]);
    expect(await vacuums()).toBe(before); // merged, not vacuumed
    const found = await pool().query<{ n: number }>(`select count(*)::int as n from enterprise where tag_ids @> '{9001}' and name like '%升级测试%'`);
    expect(found.rows[0].n).toBe(300);
  });

  it('after a pass of 1,000 enterprises or more vacuums enterprise, which empties the pending lists too', async () => {
    const touched = codes(1200);
    await pool().query(`update enterprise set score = score - 3 where credit_code = any($1::text[])`, [touched]);
    const before = await vacuums();
    const log: string[] = [];
    await searchUpkeepStep(pool()).run(tdb().db, touched, (l) => log.push(l));
    expect(log.join('\n')).toMatch(/search upkeep: vacuumed enterprise in \d+ ms/);
    expect(await vacuums()).toBe(before + 1);
    expect(await pendingPages()).toEqual([
      ['enterprise_name_trgm_idx', 0],
      ['enterprise_tag_ids_idx', 0],
    ]);
    // The vacuum left every page all-visible: the ordering index answers index-only, without visiting the heap.
    const client = await pool().connect();
    try {
      await client.query(`begin; set local enable_seqscan = off; set local enable_bitmapscan = off`);
      const plan = await client.query(`explain (analyze, format json) select score, credit_code from enterprise where score < 90 order by score, credit_code`);
      const scan = JSON.stringify(plan.rows[0]['QUERY PLAN']);
      expect(scan).toContain('"Node Type":"Index Only Scan"');
      expect(scan).toContain('"Heap Fetches":0');
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('does nothing after a pass that touched no enterprise, and logs a failure without failing the sync', async () => {
    const idle: string[] = [];
    expect(await searchUpkeepStep(pool()).run(tdb().db, [], (l) => idle.push(l))).toEqual({ enterprises: 0 });
    expect(idle).toEqual([]);
    const broken = {
      query: async () => {
        throw new Error('connection lost');
      },
    };
    const log: string[] = [];
    expect(await searchUpkeepStep(broken).run(tdb().db, codes(5), (l) => log.push(l))).toEqual({ enterprises: 5 });
    expect(log).toEqual(['search upkeep failed (searches read the GIN pending lists until the next pass): connection lost']);
  });
});
