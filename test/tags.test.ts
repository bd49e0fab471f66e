import fs from 'node:fs';
import path from 'node:path';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Tags (issue 5): the catalogue, derivation from the synced province against
 * an independent reading of domain.md §4, the seed's search by label and by
 * code against SQL, all/any/none, manual tags with audit and suppression, and
 * local tags that exist only inside their division.
 */

const INDUSTRY_PREFIXES: [string, string][] = [
  ['D4411', 'thermal-power'],
  ['C31', 'steel'],
  ['C3011', 'cement'],
  ['C26', 'chemical'],
  ['C22', 'paper'],
  ['C27', 'pharma'],
  ['C1713', 'dyeing'],
  ['C1723', 'dyeing'],
  ['C1733', 'dyeing'],
  ['C1743', 'dyeing'],
  ['C1752', 'dyeing'],
  ['C1762', 'dyeing'],
  ['C3360', 'electroplating'],
];
const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');

/** The tags domain.md §4 gives an enterprise, computed in JS from its facts. */
function expectedTags(e: any, credit: string | null, reported: boolean): string[] {
  const out: string[] = [];
  if (e.supervision_level) out.push(`SUPERVISION/${kebab(e.supervision_level)}`);
  const ind = INDUSTRY_PREFIXES.filter(([p]) => (e.industry_code ?? '').startsWith(p)).sort((a, b) => b[0].length - a[0].length)[0];
  out.push(`INDUSTRY/${ind ? ind[1] : 'other-industry'}`);
  if (e.management_class) out.push(`PERMIT_CLASS/${kebab(e.management_class)}`);
  if (e.basin) out.push(`BASIN/${kebab(e.basin)}`);
  for (const p of e.pollution_types) out.push(`POLLUTION/${kebab(p)}`);
  for (const a of e.air_sources) out.push(`AIR/${kebab(a)}`);
  if (credit) out.push(`CREDIT/${credit}`);
  const mon = new Set<string>(e.monitoring_facilities.map((m: string) => `MONITORING/${kebab(m)}`));
  if (reported) mon.add('MONITORING/online');
  if (!mon.size) mon.add('MONITORING/unmonitored');
  out.push(...mon);
  return out.sort();
}

const PAGE = `query($filter: EnterpriseFilter, $after: String) {
  enterprises(filter: $filter, first: 500, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { creditCode } } } }`;

async function allCodes(hub: TestHub, filter: unknown, key?: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const r: any = key ? await hub.graphqlAs(key, PAGE, { filter, after }) : await hub.graphql(PAGE, { filter, after });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    out.push(...r.data.enterprises.edges.map((e: any) => e.node.creditCode));
    if (!r.data.enterprises.pageInfo.hasNextPage) return out.sort();
    after = r.data.enterprises.pageInfo.endCursor;
  }
}

describe('tags: catalogue, derivation, search, manual and local tags', () => {
  let hub: TestHub;
  const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params).then((r) => r.rows);
  const tagsOfAll = async () =>
    new Map(
      (await q(`select s.credit_code, array(select t.code from unnest(s.tag_ids) x join tag t on t.id = x order by t.code) codes from enterprise_tags s`)).map(
        (r: any) => [r.credit_code, r.codes as string[]],
      ),
    );

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 700, seed: 5, today: '2026-11-30' } });
    const def = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'connectors', 'credit-rating.declarative.json'), 'utf8'));
    await hub.services.declarativeConnectors.register(def);
    const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'credit-rating']);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  }, 120000);
  afterAll(async () => hub?.close());

  it('lists the catalogue: eight categories with every tag of the spec, codes and both labels', async () => {
    const r = await hub.graphql(`{ tags { code category label labelEn source sourceKind } }`);
    expect(r.errors).toBeUndefined();
    const tags = r.data.tags;
    expect(tags).toHaveLength(4 + 9 + 3 + 5 + 4 + 4 + 5 + 4);
    expect(tags).toContainEqual(expect.objectContaining({ code: 'CREDIT/yellow', category: 'CREDIT', label: '黄标', sourceKind: 'CATALOGUE' }));
    expect(tags).toContainEqual(expect.objectContaining({ code: 'POLLUTION/solid-hazardous-waste', label: '固废危废' }));
    expect(tags).toContainEqual(expect.objectContaining({ code: 'INDUSTRY/other-industry', label: '其他行业' }));
    const credit = await hub.graphql(`{ tags(category: CREDIT) { code } }`);
    expect(credit.data.tags.map((t: any) => t.code)).toEqual(['CREDIT/green', 'CREDIT/blue', 'CREDIT/yellow', 'CREDIT/red', 'CREDIT/black']);
  });

  it('derives for every enterprise exactly the tags of domain.md §4 (longest industry prefix, latest credit, online from monitoring, unmonitored)', async () => {
    const ents = await q(`select * from enterprise`);
    const credit = new Map(
      (
        await q(`select distinct on (credit_code) credit_code, level from credit_rating order by credit_code, rated_on desc, source_updated_at desc nulls last`)
      ).map((r: any) => [r.credit_code, r.level]),
    );
    const reported = new Set((await q(`select distinct credit_code from monitoring_day`)).map((r: any) => r.credit_code));
    const actual = await tagsOfAll();
    expect(actual.size).toBe(ents.length);
    let mismatches = 0;
    for (const e of ents) {
      const exp = expectedTags(e, credit.get(e.credit_code) ?? null, reported.has(e.credit_code));
      if (JSON.stringify(actual.get(e.credit_code)) !== JSON.stringify(exp)) {
        if (mismatches++ < 3) expect({ code: e.credit_code, tags: actual.get(e.credit_code) }).toEqual({ code: e.credit_code, tags: exp });
      }
    }
    expect(mismatches).toBe(0);
    // Near-misses of the prefixes exist in the generated province and are other-industry.
    const nearMiss = ents.filter((e: any) => ['C1711', 'C1712', 'C3012', 'C2620', 'C3031'].includes(e.industry_code));
    expect(nearMiss.length).toBeGreaterThan(0);
    const c2620 = nearMiss.find((e: any) => e.industry_code === 'C2620');
    if (c2620) expect(actual.get(c2620.credit_code)).toContain('INDUSTRY/chemical');
    expect(actual.get(nearMiss.find((e: any) => e.industry_code !== 'C2620')!.credit_code)).toContain('INDUSTRY/other-industry');
  });

  it('records the source of a derived tag: the rule and its field', async () => {
    const e = (await q(`select credit_code from enterprise where industry_code = 'C3360' limit 1`))[0];
    const r = await hub.graphql(`query($c: String!) { enterprise(creditCode: $c) { tags(category: INDUSTRY) { code source sourceKind } } }`, {
      c: e.credit_code,
    });
    expect(r.data.enterprise.tags).toEqual([
      { code: 'INDUSTRY/electroplating', sourceKind: 'DERIVED', source: expect.stringMatching(/industry_code starts with C3360/) },
    ]);
  });

  it("the seed's search (黄标 + 固废危废) returns exactly the yellow-credit solid/hazardous-waste enterprises, by label and by code", async () => {
    const truth = (
      await q(`select e.credit_code from enterprise e
        join lateral (select level from credit_rating r where r.credit_code = e.credit_code order by rated_on desc, source_updated_at desc nulls last limit 1) c on true
       where c.level = 'yellow' and 'SOLID_HAZARDOUS_WASTE' = any(e.pollution_types) order by 1`)
    ).map((r: any) => r.credit_code);
    expect(truth.length).toBeGreaterThan(5);
    expect(await allCodes(hub, { tags: { all: ['黄标', '固废危废'] } })).toEqual(truth);
    expect(await allCodes(hub, { tags: { all: ['CREDIT/yellow', 'POLLUTION/solid-hazardous-waste'] } })).toEqual(truth);
    expect(await allCodes(hub, { tags: { all: ['CREDIT/yellow', '固废危废'] } })).toEqual(truth);
    const count = await hub.graphql(`{ enterprises(filter: {tags: {all: ["黄标", "固废危废"]}}) { totalCount } }`);
    expect(count.data.enterprises.totalCount).toBe(truth.length);
  });

  it('combines all, any and none across categories with other conditions, as the tag sets say', async () => {
    const tags = await tagsOfAll();
    const rows = await q(`select credit_code, city_code, risk_level, score from enterprise`);
    const has = (c: string, t: string) => tags.get(c)!.includes(t);
    const cases: { filter: any; pred: (r: any) => boolean }[] = [
      {
        filter: { tags: { any: ['国控重点', 'SUPERVISION/provincial-key'] } },
        pred: (r) => has(r.credit_code, 'SUPERVISION/national-key') || has(r.credit_code, 'SUPERVISION/provincial-key'),
      },
      {
        filter: { tags: { all: ['废水'], none: ['黄标', 'MONITORING/unmonitored'] } },
        pred: (r) => has(r.credit_code, 'POLLUTION/water') && !has(r.credit_code, 'CREDIT/yellow') && !has(r.credit_code, 'MONITORING/unmonitored'),
      },
      {
        filter: { tags: { all: ['化工'], any: ['涉VOCs', '燃煤锅炉'], none: ['重点管理'] }, divisionCode: '370100' },
        pred: (r) =>
          r.city_code === '370100' &&
          has(r.credit_code, 'INDUSTRY/chemical') &&
          (has(r.credit_code, 'AIR/vocs') || has(r.credit_code, 'AIR/coal-boiler')) &&
          !has(r.credit_code, 'PERMIT_CLASS/key'),
      },
      {
        filter: { tags: { none: ['其他行业'] }, riskLevels: ['LOW'], scoreMin: 90 },
        pred: (r) => !has(r.credit_code, 'INDUSTRY/other-industry') && r.risk_level === 'LOW' && r.score >= 90,
      },
    ];
    for (const c of cases) {
      const expected = rows
        .filter(c.pred)
        .map((r: any) => r.credit_code)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(await allCodes(hub, c.filter)).toEqual(expected);
    }
  });

  it('answers an unknown tag with an error naming it (BAD_USER_INPUT), not an empty result', async () => {
    const r = await hub.graphql(`{ enterprises(filter: {tags: {all: ["黄标", "紫标"], none: ["CREDIT/purple"]}}) { totalCount } }`);
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(/紫标/);
  });

  it('attaches and detaches by hand with who, when and why; a detached derived tag stays detached across retags until re-attached', async () => {
    const key = await hub.createKey('370100', 'BUREAU');
    const e = (
      await q(`select e.credit_code from enterprise e join enterprise_tags s using (credit_code) join tag t on t.id = any(s.tag_ids)
      where e.city_code = '370100' and t.code = 'POLLUTION/air' order by 1 limit 1`)
    )[0].credit_code;
    const TAGS = `query($c: String!) { enterprise(creditCode: $c) { tags { code sourceKind attachedBy reason } tagChanges { tagCode action actor reason wasPresent actorDivision } } }`;
    const att = await hub.graphqlAs(
      key,
      `mutation($c: String!) { attachTag(creditCode: $c, tag: "黑标", reason: "现场检查发现偷排") { creditCode tags(category: CREDIT) { code sourceKind attachedBy reason } } }`,
      { c: e },
    );
    expect(att.errors).toBeUndefined();
    expect(att.data.attachTag.tags).toContainEqual({
      code: 'CREDIT/black',
      sourceKind: 'MANUAL',
      attachedBy: 'test BUREAU 370100',
      reason: '现场检查发现偷排',
    });
    const det = await hub.graphqlAs(
      key,
      `mutation($c: String!) { detachTag(creditCode: $c, tag: "POLLUTION/air", reason: "已拆除废气排口") { tags { code } } }`,
      { c: e },
    );
    expect(det.errors).toBeUndefined();
    expect(det.data.detachTag.tags.map((t: any) => t.code)).not.toContain('POLLUTION/air');
    // Found by the manual tag, not by the detached one.
    expect(await allCodes(hub, { tags: { all: ['黑标'] }, divisionCode: '370100' })).toContain(e);
    expect(await allCodes(hub, { tags: { all: ['废气'] }, divisionCode: '370100' })).not.toContain(e);
    // A full retag and another sync keep both decisions.
    await hub.services.tags.retagAll();
    await hub.services.tags.retag([e]);
    let r = await hub.graphql(TAGS, { c: e });
    expect(r.data.enterprise.tags.map((t: any) => t.code)).toContain('CREDIT/black');
    expect(r.data.enterprise.tags.map((t: any) => t.code)).not.toContain('POLLUTION/air');
    await hub.graphqlAs(key, `mutation($c: String!) { attachTag(creditCode: $c, tag: "废气", reason: "复查仍有废气排放") { creditCode } }`, { c: e });
    r = await hub.graphql(TAGS, { c: e });
    expect(r.data.enterprise.tags.map((t: any) => t.code)).toContain('POLLUTION/air');
    expect(r.data.enterprise.tagChanges).toEqual([
      { tagCode: 'CREDIT/black', action: 'ATTACH', actor: 'test BUREAU 370100', reason: '现场检查发现偷排', wasPresent: false, actorDivision: '370100' },
      { tagCode: 'POLLUTION/air', action: 'DETACH', actor: 'test BUREAU 370100', reason: '已拆除废气排口', wasPresent: true, actorDivision: '370100' },
      { tagCode: 'POLLUTION/air', action: 'ATTACH', actor: 'test BUREAU 370100', reason: '复查仍有废气排放', wasPresent: false, actorDivision: '370100' },
    ]);
    const audit = await q(`select at, api_key_id from tag_audit where credit_code = $1 order by id`, [e]);
    expect(audit).toHaveLength(3);
    expect(audit.every((a: any) => a.at instanceof Date && a.api_key_id)).toBe(true);
  });

  it('refuses manual tags without a reason, from a partner, or on an enterprise outside the jurisdiction', async () => {
    const bureau = await hub.createKey('370100', 'BUREAU');
    const partner = await hub.createKey('370100', 'PARTNER');
    const inside = (
      await q(`select credit_code from enterprise e where city_code = '370100'
      and not exists (select 1 from tag_manual m where m.credit_code = e.credit_code) limit 1`)
    )[0].credit_code;
    const outside = (await q(`select credit_code from enterprise where city_code = '370200' limit 1`))[0].credit_code;
    const M = `mutation($c: String!, $r: String!) { attachTag(creditCode: $c, tag: "红标", reason: $r) { creditCode } }`;
    const p = await hub.graphqlAs(partner, M, { c: inside, r: '试图' });
    expect(p.errors[0].extensions.code).toBe('FORBIDDEN');
    const o = await hub.graphqlAs(bureau, M, { c: outside, r: '越权' });
    expect(o.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(o.errors[0].message).toMatch(/jurisdiction/);
    const n = await hub.graphqlAs(bureau, M, { c: inside, r: '  ' });
    expect(n.errors[0].message).toMatch(/reason/);
    expect((await q(`select count(*)::int n from tag_manual where credit_code = any($1)`, [[inside, outside]]))[0].n).toBe(0);
  });

  it('local tags exist only inside their division: listed, searchable and attachable there, unknown elsewhere', async () => {
    const county = (await q(`select division_code from enterprise where city_code = '370200' group by 1 order by count(*) desc limit 1`))[0].division_code;
    const countyKey = await hub.createKey(county, 'BUREAU');
    const cityKey = await hub.createKey('370200', 'BUREAU');
    const otherCounty = (await q(`select code from division where parent_code = '370200' and code <> $1 order by code limit 1`, [county]))[0].code;
    const otherKey = await hub.createKey(otherCounty, 'BUREAU');
    const c = await hub.graphqlAs(
      countyKey,
      `mutation($d: String!) { createLocalTag(divisionCode: $d, slug: "river-patrol", label: "河长巡查重点", labelEn: "River patrol focus") { code category label divisionCode } }`,
      { d: county },
    );
    expect(c.errors).toBeUndefined();
    expect(c.data.createLocalTag).toEqual({ code: `LOCAL/${county}-river-patrol`, category: 'LOCAL', label: '河长巡查重点', divisionCode: county });
    const dup = await hub.graphqlAs(
      countyKey,
      `mutation($d: String!) { createLocalTag(divisionCode: $d, slug: "other", label: "黄标", labelEn: "x") { code } }`,
      { d: county },
    );
    expect(dup.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const outsideCreate = await hub.graphqlAs(
      countyKey,
      `mutation { createLocalTag(divisionCode: "370100", slug: "x", label: "越权标签", labelEn: "x") { code } }`,
    );
    expect(outsideCreate.errors[0].extensions.code).toBe('FORBIDDEN');

    const e = (await q(`select credit_code from enterprise where division_code = $1 order by credit_code limit 1`, [county]))[0].credit_code;
    const att = await hub.graphqlAs(
      countyKey,
      `mutation($c: String!) { attachTag(creditCode: $c, tag: "河长巡查重点", reason: "沿河排口") { tags(category: LOCAL) { code } } }`,
      { c: e },
    );
    expect(att.errors).toBeUndefined();
    expect(att.data.attachTag.tags).toEqual([{ code: `LOCAL/${county}-river-patrol` }]);
    expect(await allCodes(hub, { tags: { all: ['河长巡查重点'] } }, countyKey)).toEqual([e]);
    expect((await hub.graphqlAs(countyKey, `{ tags(category: LOCAL) { code } }`)).data.tags).toEqual([{ code: `LOCAL/${county}-river-patrol` }]);

    for (const key of [cityKey, otherKey, hub.adminKey]) {
      const s = await hub.graphqlAs(key, `{ enterprises(filter: {tags: {any: ["河长巡查重点"]}}) { totalCount } }`);
      expect(s.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(s.errors[0].message).toMatch(/河长巡查重点/);
      const byCode = await hub.graphqlAs(key, `query($t: String!) { enterprises(filter: {tags: {none: [$t]}}) { totalCount } }`, {
        t: `LOCAL/${county}-river-patrol`,
      });
      expect(byCode.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect((await hub.graphqlAs(key, `{ tags(category: LOCAL) { code } }`)).data.tags).toEqual([]);
      const seen = await hub.graphqlAs(key, `query($c: String!) { enterprise(creditCode: $c) { tags { code } tagChanges { tagCode } } }`, { c: e });
      if (seen.data.enterprise) {
        expect(seen.data.enterprise.tags.map((t: any) => t.code)).not.toContain(`LOCAL/${county}-river-patrol`);
        expect(seen.data.enterprise.tagChanges).toEqual([]);
      }
      const facets = await hub.graphqlAs(key, `{ enterpriseFacets { tags { tag { code } } } }`);
      expect(facets.data.enterpriseFacets.tags.map((t: any) => t.tag.code)).not.toContain(`LOCAL/${county}-river-patrol`);
    }
  });

  it('retags after a sync: a new credit rating moves the enterprise between credit tags', async () => {
    const e = (
      await q(`select s.credit_code from enterprise_tags s join tag t on t.id = any(s.tag_ids) where t.code = 'CREDIT/green'
      and not exists (select 1 from tag_manual m where m.credit_code = s.credit_code) order by 1 limit 1`)
    )[0].credit_code;
    const res = await fetch(`${hub.sim.url}/admin/records/credit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ uscc: e, level: '红标', ratedOn: '2026-11-29' }]),
    });
    expect(res.status).toBe(200);
    const runs = await hub.services.runner.syncAll(['credit-rating']);
    expect(runs[0].touched).toContain(e);
    const r = await hub.graphql(`query($c: String!) { enterprise(creditCode: $c) { tags(category: CREDIT) { code source } } }`, { c: e });
    expect(r.data.enterprise.tags).toEqual([{ code: 'CREDIT/red', source: expect.stringMatching(/credit_level = red/) }]);
  });
  it("keeps the search's copy of the tags on the enterprise row equal to enterprise_tags, without marking the enterprise for re-derivation", async () => {
    const differing = () =>
      q(`select count(*)::int n from enterprise e left join enterprise_tags t using (credit_code)
          where e.tag_ids is distinct from coalesce(t.tag_ids, '{}')`).then((r) => r[0].n);
    // After the syncs and retags of the tests above (derived, manual, local and credit-moved tags).
    expect((await q(`select count(*)::int n from enterprise where tag_ids <> '{}'`))[0].n).toBeGreaterThan(600);
    expect(await differing()).toBe(0);
    const [a, b] = (await q(`select credit_code from enterprise_tags order by credit_code limit 2`)).map((r: any) => r.credit_code);
    await q(`delete from derive_dirty`);
    await q(`update enterprise_tags set tag_ids = array_append(tag_ids, -1) where credit_code = $1`, [a]);
    expect((await q(`select tag_ids from enterprise where credit_code = $1`, [a]))[0].tag_ids).toContain(-1);
    // The copy's update of enterprise marks nothing (tags are the derivation's output); the tag row itself is not a marked table.
    expect((await q(`select count(*)::int n from derive_dirty`))[0].n).toBe(0);
    await q(`delete from enterprise_tags where credit_code = $1`, [b]);
    expect((await q(`select tag_ids from enterprise where credit_code = $1`, [b]))[0].tag_ids).toEqual([]);
    // A real change of the enterprise still marks it.
    await q(`update enterprise set name = name || ' ' where credit_code = $1`, [b]);
    expect((await q(`select count(*)::int n from derive_dirty where credit_code = $1`, [b]))[0].n).toBeGreaterThan(0);
    await hub.services.tags.retagAll();
    expect(await differing()).toBe(0);
  });
});
