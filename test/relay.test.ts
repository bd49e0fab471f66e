import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { relayStylePagination } from '@apollo/client/utilities';
import { TestHub, startTestHub } from './support/test-hub';

const CITY_PAGE = gql`
  query CityPage($filter: EnterpriseFilter, $first: Int, $after: String, $last: Int, $before: String) {
    enterprises(filter: $filter, orderBy: SCORE_ASC, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges {
        cursor
        node {
          id
          creditCode
          score
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

type Page = {
  enterprises: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; creditCode: string; score: number } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};

function apollo(hub: TestHub): ApolloClient<unknown> {
  return new ApolloClient({
    link: new HttpLink({ uri: `http://127.0.0.1:${hub.server!.port}/graphql`, headers: { authorization: `Bearer ${hub.adminKey}` } }),
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { enterprises: relayStylePagination(['filter', 'orderBy']) } } } }),
  });
}

/**
 * The Relay side of the API with stock clients: Apollo Client's
 * relayStylePagination paging both ways, paging that stays consistent while a
 * sync changes scores, and node(id) for every Node type.
 */
describe('Relay API', () => {
  let hub: TestHub;
  let city: string;
  let cityCodes: string[];

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 160, seed: 23 } });
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    const biggest = await hub.tdb.db.pool.query(
      `select left(division_code, 4) || '00' as city, count(*)::int as n from enterprise group by 1 order by 2 desc, 1 limit 1`,
    );
    city = biggest.rows[0].city;
    expect(biggest.rows[0].n).toBeGreaterThan(12);
    cityCodes = (
      await hub.tdb.db.pool.query(`select credit_code from enterprise where left(division_code, 4) = left($1, 4) order by score, credit_code`, [city])
    ).rows.map((r) => r.credit_code);
  }, 180_000);
  afterAll(async () => hub?.close());

  it('Apollo Client with relayStylePagination pages a city forward, every row once in order', async () => {
    const client = apollo(hub);
    const q = client.watchQuery<Page>({ query: CITY_PAGE, variables: { filter: { divisionCode: city }, first: 5 } });
    let result = await q.result();
    let fetches = 0;
    while (result.data.enterprises.pageInfo.hasNextPage) {
      await q.fetchMore({ variables: { after: result.data.enterprises.pageInfo.endCursor } });
      result = q.getCurrentResult() as typeof result;
      if (++fetches > 100) throw new Error('paging does not end');
    }
    const codes = result.data.enterprises.edges.map((e) => e.node.creditCode);
    expect(codes).toEqual(cityCodes);
    expect(fetches).toBe(Math.ceil(cityCodes.length / 5) - 1);
    expect(result.data.enterprises.pageInfo.hasPreviousPage).toBe(false);
  });

  it('Apollo Client with relayStylePagination pages the same city backward from its end, every row once in order', async () => {
    const client = apollo(hub);
    const q = client.watchQuery<Page>({ query: CITY_PAGE, variables: { filter: { divisionCode: city }, last: 4 } });
    let result = await q.result();
    expect(result.data.enterprises.pageInfo.hasNextPage).toBe(false);
    let fetches = 0;
    while (result.data.enterprises.pageInfo.hasPreviousPage) {
      await q.fetchMore({ variables: { last: 4, before: result.data.enterprises.pageInfo.startCursor } });
      result = q.getCurrentResult() as typeof result;
      if (++fetches > 100) throw new Error('paging does not end');
    }
    expect(result.data.enterprises.edges.map((e) => e.node.creditCode)).toEqual(cityCodes);
    expect(fetches).toBe(Math.ceil(cityCodes.length / 4) - 1);
  });

  it("paging by score while a concurrent sync changes scores shows every enterprise of the first page's result exactly once", async () => {
    const PAGE = `query($after: String) { enterprises(orderBy: SCORE_ASC, first: 20, after: $after) {
      totalCount edges { node { creditCode score } } pageInfo { hasNextPage endCursor } } }`;
    const before = (await hub.tdb.db.pool.query(`select credit_code, score from enterprise order by score, credit_code`)).rows;
    const first = await hub.graphql(PAGE, { after: null });
    expect(first.errors).toBeUndefined();
    const seen: string[] = first.data.enterprises.edges.map((e: any) => e.node.creditCode);
    // Heavy penalties for the enterprises at the end of the order (they move to the front, behind the cursor),
    // and the first page's own penalties revoked (they move back, ahead of it).
    const now = new Date().toISOString();
    const today = now.slice(0, 10);
    const tail = before.slice(-15).map((r) => r.credit_code);
    const firstPage = new Set(seen);
    const revoked = (hub.sim.store.penaltyView().records as any[])
      .filter((p) => firstPage.has(p.creditCode))
      .map((p) => ({ ...p, status: 'REVOKED', modifiedAt: now }));
    hub.sim.store.upsert('penalty', [
      ...tail.map((code, i) => ({
        caseNo: `鲁环罚〔P〕${i}号`,
        creditCode: code,
        decisionDate: today,
        amount: 3_000_000,
        dailyConsecutive: true,
        status: 'DECIDED',
        modifiedAt: now,
      })),
      ...revoked,
    ]);
    const sync = hub.services.runner.run('penalty', 'test');
    let after = first.data.enterprises.pageInfo.endCursor;
    let more = first.data.enterprises.pageInfo.hasNextPage;
    let pages = 1;
    while (more) {
      const page = await hub.graphql(PAGE, { after });
      expect(page.errors).toBeUndefined();
      seen.push(...page.data.enterprises.edges.map((e: any) => e.node.creditCode));
      after = page.data.enterprises.pageInfo.endCursor;
      more = page.data.enterprises.pageInfo.hasNextPage;
      // The sync's scores are in place from the second page on.
      if (++pages === 2) expect((await sync).status).toBe('SUCCEEDED');
    }
    if (pages < 2) await sync;
    const afterSync = (await hub.tdb.db.pool.query(`select credit_code, score from enterprise order by score, credit_code`)).rows;
    const moved = afterSync.filter((r, i) => before[i].credit_code !== r.credit_code).length;
    expect(moved).toBeGreaterThan(10);
    expect(seen).toHaveLength(before.length);
    expect(new Set(seen).size).toBe(before.length);
    expect([...seen].sort()).toEqual(before.map((r) => r.credit_code).sort());
    // A fresh first page sees the new order.
    const fresh = await hub.graphql(PAGE, { after: null });
    expect(fresh.data.enterprises.edges.map((e: any) => e.node.creditCode)).toEqual(afterSync.slice(0, 20).map((r) => r.credit_code));
  }, 120_000);

  it('node(id) round trips for Enterprise, Warning, Connector, ConnectorRun and Tag; nodes keeps order; jurisdiction applies', async () => {
    const ids = await hub.graphql(`{
      enterprises(first: 1) { edges { node { id creditCode } } }
      warnings(first: 1) { edges { node { id warningId } } }
      connectors { id connectorId lastRun { id runId } }
      tags { id code }
    }`);
    expect(ids.errors).toBeUndefined();
    const e = ids.data.enterprises.edges[0].node;
    const w = ids.data.warnings.edges[0]?.node;
    expect(w).toBeDefined();
    const c = ids.data.connectors.find((x: any) => x.lastRun);
    const t = ids.data.tags[0];
    const NODE = `query($id: ID!) { node(id: $id) { __typename id
      ... on Enterprise { creditCode } ... on Warning { warningId } ... on Connector { connectorId } ... on ConnectorRun { runId } ... on Tag { code } } }`;
    const cases: [string, string, Record<string, string>][] = [
      [e.id, 'Enterprise', { creditCode: e.creditCode }],
      [w.id, 'Warning', { warningId: w.warningId }],
      [c.id, 'Connector', { connectorId: c.connectorId }],
      [c.lastRun.id, 'ConnectorRun', { runId: c.lastRun.runId }],
      [t.id, 'Tag', { code: t.code }],
    ];
    for (const [id, type, key] of cases) {
      const r = await hub.graphql(NODE, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data.node).toEqual({ __typename: type, id, ...key });
    }
    expect(new Set(cases.map((x) => x[0])).size).toBe(5);
    // Global ids are accepted where the own key was (and the own key still is).
    const byGlobal = await hub.graphql(`query($id: String!) { connector(id: $id) { connectorId } }`, { id: c.id });
    expect(byGlobal.data.connector.connectorId).toBe(c.connectorId);

    const many = await hub.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: [t.id, 'bm9wZTox', e.id] });
    expect(many.data.nodes).toEqual([{ __typename: 'Tag', id: t.id }, null, { __typename: 'Enterprise', id: e.id }]);

    // An enterprise outside a county key's jurisdiction is null, as through enterprise(creditCode).
    const other = (
      await hub.tdb.db.pool.query(
        `select division_code from enterprise where credit_code <> $1 and left(division_code, 4) <> left((select division_code from enterprise where credit_code = $1), 4) limit 1`,
        [e.creditCode],
      )
    ).rows[0];
    const county = await hub.createKey(other.division_code, 'BUREAU');
    const outside = await hub.graphqlAs(county, NODE, { id: e.id });
    expect(outside.errors).toBeUndefined();
    expect(outside.data.node).toBeNull();
    const direct = await hub.graphqlAs(county, `query($c: String!) { enterprise(creditCode: $c) { creditCode } }`, { c: e.creditCode });
    expect(direct.data.enterprise).toBeNull();
  });

  it('refuses cursors of another ordering or a tampered one', async () => {
    const first = await hub.graphql(`{ enterprises(first: 2) { pageInfo { endCursor } } }`);
    const cursor = first.data.enterprises.pageInfo.endCursor;
    const other = await hub.graphql(`query($a: String) { enterprises(orderBy: NAME_ASC, first: 2, after: $a) { totalCount } }`, { a: cursor });
    expect(other.errors?.[0].message).toMatch(/another ordering/);
    const tampered = await hub.graphql(`query($a: String) { enterprises(first: 2, after: $a) { totalCount } }`, {
      a: Buffer.from(JSON.stringify(['s', '00000000-0000-0000-0000-000000000000', 3])).toString('base64url'),
    });
    expect(tampered.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
  it('id arguments take the global id and the legacy own key alike (warnings, connectors, tags)', async () => {
    const open = await hub.graphql(`{ warnings(first: 2, filter: { status: [OPEN] }) { edges { node { id warningId status } } } }`);
    expect(open.errors).toBeUndefined();
    const [a, b] = open.data.warnings.edges.map((x: any) => x.node);
    expect(b).toBeDefined();
    const ACK = `mutation($id: ID!) { acknowledgeWarning(id: $id, note: "n") { id warningId status } }`;
    const RES = `mutation($id: ID!) { resolveWarning(id: $id) { id warningId status } }`;
    // a: acknowledged by global id, resolved by its number; b: the other way round.
    expect((await hub.graphql(ACK, { id: a.id })).data.acknowledgeWarning).toEqual({ id: a.id, warningId: a.warningId, status: 'ACKNOWLEDGED' });
    expect((await hub.graphql(RES, { id: a.warningId })).data.resolveWarning).toEqual({ id: a.id, warningId: a.warningId, status: 'RESOLVED' });
    expect((await hub.graphql(ACK, { id: b.warningId })).data.acknowledgeWarning.status).toBe('ACKNOWLEDGED');
    expect((await hub.graphql(RES, { id: b.id })).data.resolveWarning).toEqual({ id: b.id, warningId: b.warningId, status: 'RESOLVED' });
    // A global id of another type is refused, naming the argument.
    const tagId = (await hub.graphql(`{ tags { id code } }`)).data.tags[0];
    const wrong = await hub.graphql(ACK, { id: tagId.id });
    expect(wrong.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0].message).toMatch(/global id of a Tag, not of a Warning/);

    const c = (await hub.graphql(`{ connectors { id connectorId } }`)).data.connectors.find((x: any) => x.connectorId === 'penalty');
    const RUN = `mutation($id: String!) { runConnector(id: $id) { id runId status } }`;
    const byKey = await hub.graphql(RUN, { id: 'penalty' });
    const byGlobal = await hub.graphql(RUN, { id: c.id });
    expect([byKey.errors, byGlobal.errors]).toEqual([undefined, undefined]);
    expect([byKey.data.runConnector.status, byGlobal.data.runConnector.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(Number(byGlobal.data.runConnector.runId)).toBeGreaterThan(Number(byKey.data.runConnector.runId));
    const reset = await hub.graphql(`mutation($id: String!) { resetConnector(id: $id) { status } }`, { id: c.id });
    expect(reset.data.resetConnector.status).toBe('SUCCEEDED');
    const resetByKey = await hub.graphql(`mutation($id: String!) { resetConnector(id: $id) { status } }`, { id: 'penalty' });
    expect(resetByKey.data.resetConnector.status).toBe('SUCCEEDED');
    const q = await hub.graphql(`query($c: String) { quarantinedRecords(connectorId: $c) { totalCount } }`, { c: c.id });
    const qKey = await hub.graphql(`query($c: String) { quarantinedRecords(connectorId: $c) { totalCount } }`, { c: 'penalty' });
    expect(q.errors).toBeUndefined();
    expect(q.data.quarantinedRecords.totalCount).toBe(qKey.data.quarantinedRecords.totalCount);

    // Tags: attach by the tag's global id, detach by its code.
    const local = (await hub.graphql(`{ tags(category: SUPERVISION) { id code } }`)).data.tags[0];
    const code = cityCodes[0];
    const ATTACH = `mutation($c: String!, $t: String!) { attachTag(creditCode: $c, tag: $t, reason: "check") { tags { code } } }`;
    const attached = await hub.graphql(ATTACH, { c: code, t: local.id });
    expect(attached.errors).toBeUndefined();
    expect(attached.data.attachTag.tags.map((t: any) => t.code)).toContain(local.code);
    const DETACH = `mutation($c: String!, $t: String!) { detachTag(creditCode: $c, tag: $t, reason: "check") { tags { code } } }`;
    const detached = await hub.graphql(DETACH, { c: code, t: local.code });
    expect(detached.data.detachTag.tags.map((t: any) => t.code)).not.toContain(local.code);
  });

  it('enterprises and warnings show their page default of 50 in the schema, and last overrides it', async () => {
    const r = await hub.graphql(`{ __type(name: "Query") { fields { name args { name defaultValue } } } }`);
    const arg = (field: string, name: string) => r.data.__type.fields.find((f: any) => f.name === field).args.find((a: any) => a.name === name);
    expect(arg('enterprises', 'first').defaultValue).toBe('50');
    expect(arg('warnings', 'first').defaultValue).toBe('50');
    expect(arg('enterprises', 'orderBy').defaultValue).toBe('SCORE_ASC');
    const plain = await hub.graphql(`{ enterprises { edges { cursor } } }`);
    expect(plain.data.enterprises.edges).toHaveLength(Math.min(50, 160));
    const back = await hub.graphql(`{ enterprises(last: 3) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }`);
    expect(back.errors).toBeUndefined();
    expect(back.data.enterprises.edges).toHaveLength(3);
    expect(back.data.enterprises.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('warnings page forward with first/after and backward with last/before, every warning once, with hasPreviousPage', async () => {
    const all = (await hub.tdb.db.pool.query(`select id::text as id from warning order by warning.id desc`)).rows.map((x) => x.id);
    expect(all.length).toBeGreaterThan(4);
    const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) {
      warnings(first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { warningId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    type WarningPage = { totalCount: number; edges: { node: { warningId: string } }[]; pageInfo: Record<string, string | boolean | null> };
    /** Pages through every warning one way (size then cursor: first/after or last/before), each page after the first with one behind it. */
    async function walk(size: 'first' | 'last', n: number, cursor: 'after' | 'before') {
      const [more, behind, next] = size === 'first' ? ['hasNextPage', 'hasPreviousPage', 'endCursor'] : ['hasPreviousPage', 'hasNextPage', 'startCursor'];
      let page: WarningPage = (await hub.graphql(PAGE, { [size]: n })).data.warnings;
      expect(page.pageInfo[behind]).toBe(false);
      const pages = [page];
      while (page.pageInfo[more]) {
        page = (await hub.graphql(PAGE, { [size]: n, [cursor]: page.pageInfo[next] })).data.warnings;
        expect(page.pageInfo[behind]).toBe(true);
        pages.push(page);
      }
      return pages;
    }
    const ids = (pages: WarningPage[]) => pages.flatMap((p) => p.edges.map((e) => e.node.warningId));

    const forward = await walk('first', 2, 'after');
    expect(forward[0].totalCount).toBe(all.length);
    expect(ids(forward)).toEqual(all);
    const page = forward[forward.length - 1];
    expect(ids((await walk('last', 3, 'before')).reverse())).toEqual(all);
    // `before` alone pages back by the default 50; a bad cursor names its argument.
    const justBefore = (await hub.graphql(PAGE, { before: page.pageInfo.endCursor })).data.warnings;
    expect(justBefore.edges.map((e: any) => e.node.warningId)).toEqual(all.slice(0, all.length - 1).slice(-50));
    const bad = await hub.graphql(PAGE, { last: 2, before: 'nope' });
    expect(bad.errors?.[0].message).toMatch(/'before' is not a cursor/);
  });
});
