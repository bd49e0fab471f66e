import fs from 'node:fs';
import path from 'node:path';
import { withCheckChar } from '../src/domain/credit-code';
import { minimalPermitRecord } from './support/source-records';
import { TestHub, startTestHub } from './support/test-hub';
import { countStatements } from './support/sql-counter';

/**
 * Search (issue 5): Relay paging under ties, the statement count of a nested
 * page, facets against SQL, and the streaming CSV export with jurisdiction.
 */

/** Parses RFC 4180 CSV (CRLF records, quoted fields with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const ODD_NAME = '济南新注册,"测试"环保\n科技有限公司';

describe('search: paging, nested pages, facets, export', () => {
  let hub: TestHub;
  const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params).then((r) => r.rows);
  const odd = withCheckChar('91370102MA3PRCH01');

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 600, seed: 9, today: '2026-11-30' } });
    const def = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'connectors', 'credit-rating.declarative.json'), 'utf8'));
    await hub.services.declarativeConnectors.register(def);
    const res = await fetch(`${hub.sim.url}/admin/records/permit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([minimalPermitRecord(odd, ODD_NAME)]),
    });
    expect(res.status).toBe(200);
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating']);
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    // Fifteen older history points per enterprise, so "the last 12" has something to cut.
    await q(`insert into score_history (credit_code, at, score, risk_level, rule_set_version, cause)
      select e.credit_code, now() - make_interval(days => g), 100 - g, 'LOW', 'SD-2021', 'RESCORE' from enterprise e cross join generate_series(1, 15) g`);
  }, 180000);
  afterAll(async () => hub?.close());

  it.each(['SCORE_ASC', 'SCORE_DESC', 'NAME_ASC', 'CREDIT_CODE_ASC'])(
    'cursor paging (%s, 7 per page, many ties) visits every row exactly once',
    async (orderBy) => {
      const filter = { divisionCode: '370100' };
      const seen: string[] = [];
      let after: string | null = null;
      let total = -1;
      for (let guard = 0; guard < 1000; guard++) {
        const r: any = await hub.graphql(
          `query($f: EnterpriseFilter, $o: EnterpriseOrder, $a: String) { enterprises(filter: $f, orderBy: $o, first: 7, after: $a) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { creditCode score name } } } }`,
          { f: filter, o: orderBy, a: after },
        );
        expect(r.errors).toBeUndefined();
        total = r.data.enterprises.totalCount;
        seen.push(...r.data.enterprises.edges.map((e: any) => e.node.creditCode));
        if (!r.data.enterprises.pageInfo.hasNextPage) break;
        after = r.data.enterprises.pageInfo.endCursor;
      }
      const truth = await q(`select credit_code from enterprise where city_code = '370100'`);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(truth.length);
      expect(total).toBe(truth.length);
      const ties = await q(`select count(*)::int n from (select score from enterprise where city_code = '370100' group by score having count(*) > 7) t`);
      expect(ties[0].n).toBeGreaterThan(0);
    },
  );

  it('a nested page (score, risk, rank, tags, last 12 history points, division) costs the same statements for 5 and 100 rows', async () => {
    const Q = `query($n: Int) { enterprises(first: $n, filter: {tags: {none: ["绿标"]}}) { totalCount edges { node {
      creditCode score riskLevel rank division { name } tags { code } recentHistory(last: 12) { score } } } } }`;
    const run = async (n: number) => {
      await hub.graphql(Q, { n });
      const counted = await countStatements(() => hub.graphql(Q, { n }));
      const { result } = counted;
      expect(result.errors).toBeUndefined();
      expect(result.data.enterprises.edges).toHaveLength(n);
      // The key's lookup is cached for a few seconds: on a slow machine it can expire between the
      // two runs and add one statement per request (not per row), so it is left out of the count.
      const statements = counted.statements.filter((x) => !/\bapi_key\b/.test(x));
      return { statements, data: result.data };
    };
    const small = await run(5);
    const large = await run(100);
    expect(large.statements.length).toBe(small.statements.length);
    // page and its result snapshot (begin with the snapshot's lock, the page, the snapshot's insert, commit; totalCount is
    // its length), tags, recent history, divisions, rank (begin, set local jit, query, commit): one batch per field, none per row.
    expect(small.statements.length).toBeLessThanOrEqual(10);
    expect(small.statements.filter((x) => /from enterprise_tags s where s.credit_code = any/.test(x))).toHaveLength(1);
    expect(small.statements.filter((x) => /from score_history/.test(x))).toHaveLength(1);
    const withHistory = large.data.enterprises.edges.map((e: any) => e.node).find((n: any) => n.recentHistory.length === 12);
    expect(withHistory).toBeDefined();
    const hist = await q(`select score from score_history where credit_code = $1 order by at desc, id desc limit 12`, [withHistory.creditCode]);
    expect(withHistory.recentHistory.map((p: any) => p.score)).toEqual(hist.map((h: any) => h.score).reverse());
  });

  it("a tag search's first page takes its keys from an index-only walk of the score index and reads only its own rows", async () => {
    // The two most common tags, so that the walk passes entries that do not match before it has its page.
    const common = await q(`select t.code from enterprise e cross join unnest(e.tag_ids) x(id) join tag t on t.id = x.id
      group by t.code order by count(*) desc, t.code limit 2`);
    expect(common).toHaveLength(2);
    const codes = common.map((t: any) => t.code);
    const truth = await q(
      `select e.credit_code from enterprise e where e.tag_ids @> (select array_agg(id) from tag where code = any($1))
      order by e.score, e.credit_code limit 5`,
      [codes],
    );
    expect(truth).toHaveLength(5);
    await q('vacuum analyze enterprise'); // as the post-sync search upkeep leaves it: the visibility map set
    const { result, calls } = await countStatements(() =>
      hub.graphql(`query($t: [String!]!) { enterprises(filter: {tags: {all: $t}}, orderBy: SCORE_ASC, first: 4) { edges { node { creditCode } } } }`, {
        t: codes,
      }),
    );
    expect(result.data.enterprises.edges.map((e: any) => e.node.creditCode)).toEqual(truth.slice(0, 4).map((r: any) => r.credit_code));
    const page = calls.find((c) => /^with p as materialized/.test(c.text.trim()));
    expect(page).toBeDefined();
    // The plan it can have, whatever the planner picks on a table this small: an index-only walk with no heap fetch,
    // then the page's rows (5: the page and one to tell whether another follows) by key.
    const client = await hub.tdb.db.pool.connect();
    try {
      await client.query('begin; set local enable_seqscan = off; set local enable_bitmapscan = off');
      const plan = (await client.query(`explain (analyze, format json) ${page!.text}`, page!.values)).rows[0]['QUERY PLAN'][0].Plan;
      const nodes: any[] = [];
      const walk = (n: any) => (nodes.push(n), (n.Plans ?? []).forEach(walk));
      walk(plan);
      const scans = nodes.filter((n) => n['Relation Name'] === 'enterprise');
      expect(scans.map((n) => [n['Node Type'], n['Index Name']])).toEqual([
        ['Index Only Scan', 'enterprise_score_idx'],
        ['Index Scan', 'enterprise_row_key'],
      ]);
      expect(scans[0]['Heap Fetches']).toBe(0);
      expect(scans[0]['Actual Rows']).toBe(5);
      expect(scans[0]['Rows Removed by Filter']).toBeGreaterThan(0);
      expect(scans[1]['Actual Rows'] * scans[1]['Actual Loops']).toBe(5);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('facets of a filter match SQL counts, inside the caller jurisdiction', async () => {
    const key = await hub.createKey('370100', 'PARTNER');
    const r = await hub.graphqlAs(
      key,
      `{ enterpriseFacets(filter: {tags: {any: ["废水", "噪声"]}}, scoreBucketWidth: 5) {
      totalCount tags { tag { code } count } riskLevels { riskLevel count } breakdownDivision { code }
      divisions { division { code } count } scoreHistogram { from to count } } }`,
    );
    expect(r.errors).toBeUndefined();
    const f = r.data.enterpriseFacets;
    const base = `from enterprise e join enterprise_tags s using (credit_code) where e.city_code = '370100'
      and s.tag_ids && (select array_agg(id) from tag where code in ('POLLUTION/water', 'POLLUTION/noise'))`;
    expect(f.totalCount).toBe((await q(`select count(*)::int n ${base}`))[0].n);
    expect(f.breakdownDivision.code).toBe('370100');
    const byCounty = new Map((await q(`select e.division_code k, count(*)::int n ${base} group by 1`)).map((x: any) => [x.k, x.n]));
    expect(f.divisions.filter((d: any) => d.count > 0).map((d: any) => [d.division.code, d.count])).toEqual([...byCounty.entries()].sort());
    const byTag = new Map(
      (await q(`select t.code k, count(*)::int n ${base.replace('where', 'cross join unnest(s.tag_ids) x join tag t on t.id = x where')} group by 1`)).map(
        (x: any) => [x.k, x.n],
      ),
    );
    for (const t of f.tags) expect([t.tag.code, t.count]).toEqual([t.tag.code, byTag.get(t.tag.code) ?? 0]);
    const risk = new Map((await q(`select e.risk_level k, count(*)::int n ${base} group by 1`)).map((x: any) => [x.k, x.n]));
    for (const x of f.riskLevels) expect(x.count).toBe(risk.get(x.riskLevel) ?? 0);
    const hist = (await q(`select floor(e.score / 5.0)::int * 5 k, count(*)::int n ${base} group by 1 order by 1`)).map((x: any) => ({
      from: x.k,
      to: x.k + 5,
      count: x.n,
    }));
    expect(f.scoreHistogram).toEqual(hist);
    // A province caller breaks the province down by city.
    const p = await hub.graphql(`{ enterpriseFacets { totalCount divisions { division { code } count } } }`);
    expect(p.data.enterpriseFacets.divisions).toHaveLength(16);
    expect(p.data.enterpriseFacets.divisions.reduce((a: number, d: any) => a + d.count, 0)).toBe(p.data.enterpriseFacets.totalCount);
  });

  it('filters by name substring, industry, risk levels and score range together', async () => {
    const r =
      await hub.graphql(`{ enterprises(filter: {nameContains: "化工", industryCode: "C26", riskLevels: [LOW, MEDIUM], scoreMin: 70, scoreMax: 100}, first: 500) {
      totalCount edges { node { creditCode } } } }`);
    const truth = await q(
      `select credit_code from enterprise where name like '%化工%' and industry_code like 'C26%' and risk_level in ('LOW', 'MEDIUM') and score between 70 and 100 order by 1`,
    );
    expect(r.data.enterprises.totalCount).toBe(truth.length);
    expect(r.data.enterprises.edges.map((e: any) => e.node.creditCode).sort()).toEqual(truth.map((t: any) => t.credit_code));
  });

  describe('CSV export', () => {
    const get = (key: string | null, qs: string) =>
      fetch(`http://127.0.0.1:${hub.server!.port}/export/enterprises.csv?${qs}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

    it('streams the filtered set as UTF-8 CSV with BOM, Chinese headers and RFC 4180 quoting', async () => {
      const filter = JSON.stringify({ tags: { all: ['黄标', '固废危废'] } });
      const res = await get(hub.adminKey, `filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const buf = Buffer.from(await res.arrayBuffer());
      expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(buf.subarray(3).toString('utf8'));
      expect(rows[0]).toEqual(['统一社会信用代码', '企业名称', '所属城市', '所属区县', '行政区划代码', '行业代码', '健康得分', '风险等级', '标签']);
      const truth = (
        await q(`select e.credit_code from enterprise e join enterprise_tags s using (credit_code)
        where s.tag_ids @> (select array_agg(id) from tag where code in ('CREDIT/yellow', 'POLLUTION/solid-hazardous-waste')) order by e.score, e.credit_code`)
      ).map((r: any) => r.credit_code);
      expect(rows.slice(1).map((r) => r[0])).toEqual(truth);
      expect(rows.slice(1).every((r) => r.length === 9 && r[8].includes('黄标') && r[8].includes('固废危废'))).toBe(true);
    });

    it('quotes names with commas, quotes and line breaks', async () => {
      const res = await get(hub.adminKey, `filter=${encodeURIComponent(JSON.stringify({ divisionCode: '370102', nameContains: '新注册' }))}`);
      const text = (await res.text()).replace(/^\uFEFF/, '');
      expect(text).toContain('"济南新注册,""测试""环保\n科技有限公司"');
      const rows = parseCsv(text);
      expect(rows).toHaveLength(2);
      expect(rows[1].slice(0, 2)).toEqual([odd, ODD_NAME]);
    });

    it("honours the caller's jurisdiction, refuses anonymous callers and names a bad filter", async () => {
      const key = await hub.createKey('370200', 'PARTNER');
      const rows = parseCsv((await (await get(key, '')).text()).replace(/^\uFEFF/, ''));
      const truth = (await q(`select count(*)::int n from enterprise where city_code = '370200'`))[0].n;
      expect(rows.length - 1).toBe(truth);
      expect(rows.slice(1).every((r) => r[4].startsWith('3702'))).toBe(true);
      expect((await get(null, '')).status).toBe(401);
      const bad = await get(key, `filter=${encodeURIComponent(JSON.stringify({ tags: { all: ['紫标'] } }))}`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toMatch(/紫标/);
      expect((await get(key, 'filter=%7Bnope')).status).toBe(400);
    });

    it('neutralises cells a spreadsheet would run as formulas (=, +, -, @, tab, CR) and leaves numbers alone (issue 13 item 9)', async () => {
      const hostile = ['=HYPERLINK("http://evil.test","点我")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
      const victims = (await q(`select credit_code from enterprise where city_code = '370200' order by credit_code limit ${hostile.length}`)).map(
        (r: any) => r.credit_code,
      );
      expect(victims).toHaveLength(hostile.length);
      for (const [i, code] of victims.entries()) await q(`update enterprise set name = $1 where credit_code = $2`, [hostile[i], code]);
      const res = await get(hub.adminKey, `filter=${encodeURIComponent(JSON.stringify({ divisionCode: '370200' }))}&orderBy=CREDIT_CODE_ASC`);
      const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
      const byCode = new Map(rows.slice(1).map((r) => [r[0], r]));
      for (const [i, code] of victims.entries()) expect(byCode.get(code)![1]).toBe(`'${hostile[i]}`);
      // No cell of the file starts a formula; scores stay numbers.
      expect(
        rows
          .slice(1)
          .flat()
          .filter((c) => /^[=+\-@\t\r]/.test(c)),
      ).toEqual([]);
      expect(rows.slice(1).every((r) => /^\d+$/.test(r[6]))).toBe(true);
    });
  });
});
