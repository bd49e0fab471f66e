import { TestHub, startTestHub } from './support/test-hub';

/**
 * Jurisdiction on every path: a province, a city and a county key see their
 * subtree and nothing else; a key of the neighbouring county sees none of the
 * county's enterprises. Ground truth comes from SQL on the same database.
 */
describe('jurisdiction matrix', () => {
  let hub: TestHub;
  const keys: Record<string, string> = {};
  const CALLERS = {
    province: { division: '370000', level: 'PROVINCE' },
    city: { division: '370100', level: 'CITY' },
    county: { division: '370102', level: 'COUNTY' },
    neighbour: { division: '370103', level: 'COUNTY' },
  } as const;
  type Who = keyof typeof CALLERS;
  let countyEnterprise: string;
  let otherCityEnterprise: string;

  const inScope = (who: Who, alias = 'e') => {
    const c = CALLERS[who];
    return c.level === 'PROVINCE' ? 'true' : c.level === 'CITY' ? `${alias}.city_code = '${c.division}'` : `${alias}.division_code = '${c.division}'`;
  };
  const count = async (sql: string) => (await hub.tdb.db.pool.query(sql)).rows[0].n as number;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 1500, seed: 5, today: '2026-11-30' } });
    await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty']);
    for (const who of Object.keys(CALLERS) as Who[]) keys[who] = await hub.createKey(CALLERS[who].division, who === 'province' ? 'ADMIN' : 'BUREAU');
    countyEnterprise = (await hub.tdb.db.pool.query(`select credit_code from enterprise where division_code = '370102' order by score, credit_code limit 1`))
      .rows[0].credit_code;
    otherCityEnterprise = (await hub.tdb.db.pool.query(`select credit_code from enterprise where city_code = '370200' limit 1`)).rows[0].credit_code;
    expect(await count(`select count(*)::int n from enterprise where division_code = '370103'`)).toBeGreaterThan(0);
  });
  afterAll(async () => hub?.close());

  it.each(Object.keys(CALLERS) as Who[])('%s: enterprises and totalCount hold exactly its subtree', async (who) => {
    const truth = await count(`select count(*)::int n from enterprise e where ${inScope(who)}`);
    const res = await hub.graphqlAs(keys[who], `{ enterprises(first: 500) { totalCount edges { node { creditCode division { code } } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.enterprises.totalCount).toBe(truth);
    const codes = res.data.enterprises.edges.map((e: any) => e.node.division.code as string);
    const c = CALLERS[who];
    for (const d of codes) {
      if (c.level === 'CITY') expect(d.slice(0, 4)).toBe(c.division.slice(0, 4));
      if (c.level === 'COUNTY') expect(d).toBe(c.division);
    }
  });

  it.each(Object.keys(CALLERS) as Who[])('%s: filtering on a division outside its jurisdiction yields nothing', async (who) => {
    const outside = who === 'province' ? null : '370200';
    if (!outside) {
      const all = await hub.graphqlAs(keys[who], `{ enterprises(filter: { divisionCode: "370200" }, first: 0) { totalCount } }`);
      expect(all.data.enterprises.totalCount).toBe(await count(`select count(*)::int n from enterprise where city_code = '370200'`));
      return;
    }
    const res = await hub.graphqlAs(keys[who], `{ enterprises(filter: { divisionCode: "${outside}" }) { totalCount edges { node { creditCode } } } }`);
    expect(res.data.enterprises).toEqual({ totalCount: 0, edges: [] });
  });

  it('single lookups: an enterprise outside the jurisdiction is indistinguishable from one that does not exist', async () => {
    const q = `query($c: String!) { enterprise(creditCode: $c) { creditCode score rank } }`;
    const expectVisible = async (who: Who, code: string, visible: boolean) => {
      const res = await hub.graphqlAs(keys[who], q, { c: code });
      expect(res.errors).toBeUndefined();
      expect(res.data.enterprise?.creditCode ?? null).toBe(visible ? code : null);
    };
    await expectVisible('province', countyEnterprise, true);
    await expectVisible('city', countyEnterprise, true);
    await expectVisible('county', countyEnterprise, true);
    await expectVisible('neighbour', countyEnterprise, false);
    await expectVisible('city', otherCityEnterprise, false);
    await expectVisible('county', otherCityEnterprise, false);
  });

  it('ranks inside the jurisdiction count only its enterprises', async () => {
    const res = await hub.graphqlAs(keys.county, `query($c: String!) { enterprise(creditCode: $c) { rankInDivision } }`, { c: countyEnterprise });
    expect(res.data.enterprise.rankInDivision).toBe(1);
    const outside = await hub.graphqlAs(keys.county, `query($c: String!) { enterprise(creditCode: $c) { rankInDivision(divisionCode: "370100") } }`, {
      c: countyEnterprise,
    });
    expect(outside.errors?.[0]?.message).toMatch(/outside your jurisdiction/);
  });

  it('what-if previews count only the jurisdiction', async () => {
    const q = `{ ruleSetPreview(version: "SD-2021") { enterprises } }`;
    for (const who of Object.keys(CALLERS) as Who[]) {
      const res = await hub.graphqlAs(keys[who], q);
      expect(res.errors).toBeUndefined();
      expect(res.data.ruleSetPreview.enterprises).toBe(await count(`select count(*)::int n from enterprise e where ${inScope(who)}`));
    }
  });
});
