import { withCheckChar } from '../src/domain/credit-code';
import { TestHub, startTestHub } from './support/test-hub';
import { countStatements } from './support/sql-counter';
import { minimalPermitRecord } from './support/source-records';

/** Store fingerprint: row counts and an md5 over the typed rows. */
async function fingerprint(hub: TestHub) {
  const q = (sql: string) => hub.tdb.db.pool.query(sql).then((r) => r.rows[0]);
  return {
    enterprises: await q(
      `select count(*)::int n, md5(string_agg(e::text, '|' order by credit_code)) h from (select credit_code, name, division_code, industry_code, pollution_types, updated_at from enterprise) e`,
    ),
    permits: await q(`select count(*)::int n, md5(string_agg(p::text, '|' order by credit_code, permit_no)) h from permit p`),
    sourceRecords: await q(`select count(*)::int n, max(changed_at) changed from source_record`),
  };
}

const postAdmin = (hub: TestHub, system: string, records: unknown[]) => hub.postRecords(system, records);

describe('foundation: permit system → connector → ingest → store → GraphQL', () => {
  let hub: TestHub;
  const N = 400;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: N, seed: 7, today: '2026-11-30' } });
  });
  afterAll(async () => hub?.close());

  it('loads every enterprise of the permit system with its permits', async () => {
    const s = await hub.services.runner.run('permit');
    expect(s.status).toBe('SUCCEEDED');
    expect(s.fetched).toBe(N);
    expect(s.loaded).toBe(N);
    expect(s.quarantined).toBe(0);
    const counts = await hub.tdb.db.pool.query(
      `select (select count(*)::int from enterprise) e, (select count(*)::int from permit) p, (select cursor from connector_state where connector_id = 'permit') c`,
    );
    expect(counts.rows[0].e).toBe(N);
    expect(counts.rows[0].p).toBeGreaterThanOrEqual(N);
    expect(counts.rows[0].c.watermark).toEqual(expect.any(String));
    const run = await hub.tdb.db.pool.query(`select status, fetched, loaded, finished_at from connector_run where id = $1`, [s.runId]);
    expect(run.rows[0]).toMatchObject({ status: 'SUCCEEDED', fetched: N, loaded: N });
  });

  it('syncing the same data twice changes nothing', async () => {
    const before = await fingerprint(hub);
    // Forget the watermark so the whole system is read again.
    await hub.tdb.db.pool.query(`delete from connector_state where connector_id = 'permit'`);
    const s = await hub.services.runner.run('permit');
    expect(s.status).toBe('SUCCEEDED');
    expect(s.fetched).toBe(N);
    expect(s.loaded).toBe(0);
    expect(s.unchanged).toBe(N);
    expect(await fingerprint(hub)).toEqual(before);
  });

  it('refreshes last_seen_at of a record seen again after a day, without rewriting its content', async () => {
    const code = (await hub.tdb.db.pool.query(`select source_id from source_record where connector_id = 'permit' order by source_id limit 1`)).rows[0]
      .source_id;
    await hub.tdb.db.pool.query(
      `update source_record set last_seen_at = now() - interval '2 days', changed_at = now() - interval '3 days' where connector_id = 'permit' and source_id = $1`,
      [code],
    );
    await hub.tdb.db.pool.query(`delete from connector_state where connector_id = 'permit'`);
    const s = await hub.services.runner.run('permit');
    expect(s.loaded).toBe(0);
    const row = (
      await hub.tdb.db.pool.query(
        `select now() - last_seen_at < interval '1 minute' as fresh, now() - changed_at > interval '2 days' as unchanged from source_record where connector_id = 'permit' and source_id = $1`,
        [code],
      )
    ).rows[0];
    expect(row).toEqual({ fresh: true, unchanged: true });
  });

  it('follows a record changed through the simulator at the next sync, reading only what changed since the watermark', async () => {
    const target = (await hub.tdb.db.pool.query(`select credit_code from enterprise order by credit_code limit 1`)).rows[0].credit_code;
    const page = (await (await fetch(`${hub.sim.url}/permit/api/v1/enterprises?page=1&pageSize=1000`)).json()) as { items: any[] };
    const native = page.items.find((i) => i.creditCode === target);
    await postAdmin(hub, 'permit', [
      {
        ...native,
        name: '济南测试更名环保科技有限公司',
        updatedAt: undefined,
        permits: [...native.permits, { permitNo: `${target}002P`, validFrom: '2026-01-01', validTo: '2031-12-31', status: 'VALID' }],
      },
    ]);
    const s = await hub.services.runner.run('permit');
    expect(s.status).toBe('SUCCEEDED');
    expect(s.loaded).toBe(1);
    expect(s.fetched).toBeLessThan(N);
    expect(s.touched).toEqual([target]);
    const row = await hub.tdb.db.pool.query(
      `select name, (select count(*)::int from permit where credit_code = $1 and permit_no = $2) p from enterprise where credit_code = $1`,
      [target, `${target}002P`],
    );
    expect(row.rows[0]).toEqual({ name: '济南测试更名环保科技有限公司', p: 1 });
  });

  it('quarantines a record with a bad credit code with its reason and loads the good records of its page', async () => {
    const good = withCheckChar('91370102MA3TEXT01');
    const badCode = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    await postAdmin(hub, 'permit', [
      minimalPermitRecord(good, '济南良好化工有限公司'),
      minimalPermitRecord(badCode, '济南错码化工有限公司'),
      minimalPermitRecord(withCheckChar('91370102MA3TEXT02'), '济南日期化工有限公司', {
        permits: [{ permitNo: 'X1', validFrom: '2026-02-30', validTo: '2027-01-01', status: 'VALID' }],
      }),
    ]);
    const s = await hub.services.runner.run('permit');
    expect(s.status).toBe('SUCCEEDED');
    expect(s.loaded).toBe(1);
    expect(s.quarantined).toBe(2);
    const q = await hub.tdb.db.pool.query(
      `select source_id, reason, payload->>'name' as name from quarantine where connector_id = 'permit' and status = 'OPEN' order by source_id`,
    );
    expect(q.rows).toHaveLength(2);
    const byName = Object.fromEntries(q.rows.map((r) => [r.name, r.reason]));
    expect(byName['济南错码化工有限公司']).toMatch(/fails the check character/);
    expect(byName['济南日期化工有限公司']).toMatch(/permits\[0\]\.validFrom' is not a real date/);
    const loaded = await hub.tdb.db.pool.query(`select count(*)::int n from enterprise where credit_code = $1`, [good]);
    expect(loaded.rows[0].n).toBe(1);
    // The same bad record seen again stays one quarantine entry.
    await hub.tdb.db.pool.query(`delete from connector_state where connector_id = 'permit'`);
    await hub.services.runner.run('permit');
    const again = await hub.tdb.db.pool.query(`select count(*)::int n from quarantine where status = 'OPEN'`);
    expect(again.rows[0].n).toBe(2);
  });

  it('answers enterprises with totalCount, division subtree and name filters, and Relay pages', async () => {
    const total = await hub.graphql(`{ enterprises(first: 5) { totalCount edges { node { creditCode } } pageInfo { hasNextPage endCursor } } }`);
    expect(total.errors).toBeUndefined();
    const all = (await hub.tdb.db.pool.query(`select count(*)::int n from enterprise`)).rows[0].n;
    expect(total.data.enterprises.totalCount).toBe(all);
    expect(total.data.enterprises.edges).toHaveLength(5);
    expect(total.data.enterprises.pageInfo.hasNextPage).toBe(true);

    const city = (await hub.tdb.db.pool.query(`select city_code, count(*)::int n from enterprise group by city_code order by n desc limit 1`)).rows[0];
    const r = await hub.graphql(`query($d: String) { enterprises(filter: { divisionCode: $d }, first: 0) { totalCount } }`, { d: city.city_code });
    expect(r.data.enterprises.totalCount).toBe(city.n);

    const named = await hub.graphql(`{ enterprises(filter: { nameContains: "测试更名" }) { totalCount edges { node { name } } } }`);
    expect(named.data.enterprises.totalCount).toBe(1);
    expect(named.data.enterprises.edges[0].node.name).toBe('济南测试更名环保科技有限公司');

    // Walking every page by credit code visits each enterprise exactly once.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p: any = await hub.graphql(
        `query($a: String) { enterprises(orderBy: CREDIT_CODE_ASC, first: 97, after: $a) { edges { node { creditCode } } pageInfo { hasNextPage endCursor } } }`,
        { a: after },
      );
      seen.push(...p.data.enterprises.edges.map((e: any) => e.node.creditCode));
      if (!p.data.enterprises.pageInfo.hasNextPage) break;
      after = p.data.enterprises.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);
    expect([...seen].sort()).toEqual(seen);
  });

  it('looks one enterprise up with its division and permits, and says null for an unknown code', async () => {
    const code = (await hub.tdb.db.pool.query(`select credit_code from enterprise where division_code = '370102' limit 1`)).rows[0]?.credit_code;
    const r = await hub.graphql(
      `query($c: String!) { enterprise(creditCode: $c) { creditCode division { code name level parent { code name } } permits { permitNo validFrom validTo status } reportUrl } }`,
      { c: code },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.enterprise.division).toEqual({ code: '370102', name: '历下区', level: 'COUNTY', parent: { code: '370100', name: '济南市' } });
    expect(r.data.enterprise.permits.length).toBeGreaterThanOrEqual(1);
    expect(r.data.enterprise.permits[0].validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.data.enterprise.reportUrl).toBe(`http://hub.test/report/${code}`);
    const none = await hub.graphql(`{ enterprise(creditCode: "${withCheckChar('91370102MA3NULL00')}") { name } }`);
    expect(none.data.enterprise).toBeNull();
  });

  it('lists divisions by parent', async () => {
    const r = await hub.graphql(
      `{ province: divisions { code name } cities: divisions(parentCode: "370000") { code } jinan: divisions(parentCode: "370100") { code level } }`,
    );
    expect(r.data.province).toEqual([{ code: '370000', name: '山东省' }]);
    expect(r.data.cities).toHaveLength(16);
    expect(r.data.jinan.every((d: any) => d.level === 'COUNTY' && d.code.startsWith('3701'))).toBe(true);
  });

  it('explains bad requests instead of failing silently', async () => {
    const badDivision = await hub.graphql(`{ enterprises(filter: { divisionCode: "999999" }) { totalCount } }`);
    expect(badDivision.errors[0].message).toMatch(/'999999' is not a known division code/);
    expect(badDivision.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const badCursor = await hub.graphql(`{ enterprises(after: "garbage") { totalCount } }`);
    expect(badCursor.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const badField = await hub.graphql(`{ enterprises { nope } }`);
    expect(badField.status).toBe(400);
    expect(badField.errors[0].message).toMatch(/Cannot query field "nope"/);
  });

  it('costs a bounded number of SQL statements for a page with division and permits, whatever its size', async () => {
    // totalCount waits for the first page's result snapshot to be stored, so its statements are all counted.
    const query = (n: number) =>
      `{ enterprises(first: ${n}) { totalCount edges { node { creditCode division { name parent { name } } permits { permitNo } } } } }`;
    const small = await countStatements(() => hub.graphql(query(5)));
    const large = await countStatements(() => hub.graphql(query(100)));
    expect(small.result.errors).toBeUndefined();
    expect(large.result.data.enterprises.edges).toHaveLength(100);
    expect(large.statements.length).toBe(small.statements.length);
    // The first page also stores its result snapshot for consistent paging, in the page's transaction: begin with the
    // snapshot's lock, the page, one insert whatever the page's size, commit.
    expect(large.statements.length).toBeLessThanOrEqual(7);
    expect(large.statements.filter((x) => /insert into result_snapshot/.test(x))).toHaveLength(1);
  });
});
