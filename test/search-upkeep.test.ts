import { mergeGinPendingLists, searchUpkeepStep } from '../src/search/search-upkeep.step';
import { tableChurn } from '../src/db/vacuum-rule';
import { suiteDatabase } from './support/test-database';

/**
 * The post-sync search upkeep: rewritten enterprise rows leave entries in the
 * GIN indexes' pending lists (read whole by every tag or name search) and
 * clear the visibility map; the step merges the lists when the dead row
 * versions are few and vacuums `enterprise` when they warrant it, on a real
 * PostgreSQL.
 */
describe('search upkeep after the post-sync steps', () => {
  const tdb = suiteDatabase();
  const pool = () => tdb().db.pool;
  const codes = (n: number) => Array.from({ length: n }, (_, i) => `91370102UPKEEP${String(i).padStart(4, '0')}`);
  /** Pages each GIN index of `enterprise` still holds in its pending list (merging them: call it once per state). */
  const pendingPages = async () => (await mergeGinPendingLists(pool())).map((m) => [m.name, m.pages]);
  /** Runs a rewrite of `enterprise` rows and has its statistics sent at once (they otherwise follow within about a second). */
  const rewrite = async (sql: string, params: unknown[]) => {
    const client = await pool().connect();
    try {
      await client.query(sql, params);
      await client.query(`select pg_stat_force_next_flush()`);
    } finally {
      client.release();
    }
  };
  /** Dead row versions of `enterprise` the statistics count, once they count at least `n`. */
  const deadRowsReach = async (n: number) => {
    for (let i = 0; i < 500; i++) {
      const { dead } = await tableChurn(pool(), 'enterprise');
      if (dead >= n) return dead;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`the statistics never counted ${n} dead row versions in enterprise`);
  };
  const counts = async () =>
    (
      await pool().query<{ vacuums: string; analyzes: string }>(
        `select vacuum_count as vacuums, analyze_count as analyzes from pg_stat_user_tables where relname = 'enterprise'`,
      )
    ).rows.map((r) => ({ vacuums: Number(r.vacuums), analyzes: Number(r.analyzes) }))[0];

  beforeAll(async () => {
    const county = (await pool().query<{ code: string }>(`select code from division where level = 'COUNTY' order by code limit 1`)).rows[0].code;
    await pool().query(
      `insert into enterprise (credit_code, name, division_code) select c, '济南市升级测试企业' || i, $2 from unnest($1::text[]) with ordinality as t(c, i)`,
      [codes(1200), county],
    );
    await pool().query(`vacuum analyze enterprise`);
  });

  it('merges the pending lists when the rows rewritten do not warrant a vacuum, however many enterprises the pass touched', async () => {
    const touched = codes(1200);
    await rewrite(`update enterprise set score = score - 24, tag_ids = '{9001}' where credit_code = any($1::text[])`, [codes(300)]);
    expect(await deadRowsReach(300)).toBeLessThan(1000);
    const before = await counts();
    const log: string[] = [];
    const r = await searchUpkeepStep(pool()).run(tdb().db, touched, (l) => log.push(l));
    expect(r).toEqual({ enterprises: 1200 });
    // 300 of 1,200 rows changed since the last analyze: past a tenth plus 50, so the statistics are renewed.
    expect(log.join('\n')).toMatch(/merged \d+ GIN pending-list pages of enterprise and analyzed it \(300 dead row versions\)/);
    const merged = Number(/merged (\d+) GIN pending-list pages/.exec(log.join('\n'))?.[1]);
    expect(await counts()).toEqual({ vacuums: before.vacuums, analyzes: before.analyzes + 1 }); // analyzed, not vacuumed
    expect(merged).toBeGreaterThan(0);
    expect(await pendingPages()).toEqual([
      ['enterprise_name_trgm_idx', 0],
      ['enterprise_tag_ids_idx', 0],
    ]);
    const found = await pool().query<{ n: number }>(`select count(*)::int as n from enterprise where tag_ids @> '{9001}' and name like '%升级测试%'`);
    expect(found.rows[0].n).toBe(300);
  });

  it('vacuums enterprise once its dead row versions warrant it (1,000 and a tenth of its rows), which empties the pending lists too', async () => {
    const touched = codes(1200);
    await rewrite(`update enterprise set score = score - 3 where credit_code = any($1::text[])`, [touched]);
    await deadRowsReach(1500); // this pass's 1,200 and the 300 the merge left
    const before = await counts();
    const log: string[] = [];
    await searchUpkeepStep(pool()).run(tdb().db, touched, (l) => log.push(l));
    expect(log.join('\n')).toMatch(/search upkeep: vacuumed and analyzed enterprise \(1500 dead row versions\) in \d+ ms/);
    expect(await counts()).toEqual({ vacuums: before.vacuums + 1, analyzes: before.analyzes + 1 });
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

  it('vacuums after a pass that touched no enterprise but derived rewrites (a crash left them marked), then does nothing while nothing is written', async () => {
    await rewrite(`update enterprise set score = score + 27 where credit_code = any($1::text[])`, [codes(1100)]);
    await deadRowsReach(1100);
    const before = await counts();
    const log: string[] = [];
    expect(await searchUpkeepStep(pool()).run(tdb().db, [], (l) => log.push(l))).toEqual({ enterprises: 0 });
    expect(log).toEqual([expect.stringMatching(/^search upkeep: vacuumed and analyzed enterprise \(1100 dead row versions\)/)]);
    expect(await counts()).toEqual({ vacuums: before.vacuums + 1, analyzes: before.analyzes + 1 });
    const idle: string[] = [];
    expect(await searchUpkeepStep(pool()).run(tdb().db, [], (l) => idle.push(l))).toEqual({ enterprises: 0 });
    expect(idle).toEqual([]);
    expect(await counts()).toEqual({ vacuums: before.vacuums + 1, analyzes: before.analyzes + 1 });
  });

  it('logs a failure without failing the sync', async () => {
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
