import { creditRatingInput } from './support/credit-rating-definition';
import { TestHub, startTestHub } from './support/test-hub';

const REGISTER = `mutation($input: DeclarativeConnectorInput!) {
  registerConnector(input: $input) { connectorId kind title owner schedule enabled quarantined config definition }
}`;

const FULL_MAP = [
  ['绿标', 'green'],
  ['蓝标', 'blue'],
  ['黄标', 'yellow'],
  ['红标', 'red'],
  ['黑标', 'black'],
].map(([from, to]) => ({ from, to }));

/** The steward's GraphQL surface: registration, runs, quarantine, re-processing; secrets never returned. */
describe('connectors over GraphQL', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 200, seed: 3 } });
  });
  afterAll(async () => hub?.close());

  it('rejects a bad definition with BAD_USER_INPUT naming every bad field', async () => {
    const input = { ...creditRatingInput(FULL_MAP), id: 'Credit Rating', pagination: { type: 'CURSOR' }, schedule: 'every day' };
    input.fields = [...input.fields.filter((f) => f.target !== 'ratedOn'), { target: 'colour', source: 'level' }];
    const res = await hub.graphql(REGISTER, { input });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const msg: string = res.errors![0].message;
    expect(msg).toMatch(/id 'Credit Rating'/);
    expect(msg).toMatch(/pagination\.nextCursorPath is required/);
    expect(msg).toMatch(/fields\[3\].target 'colour' is not a field of rating/);
    expect(msg).toMatch(/required rating field 'ratedOn'/);
    expect(msg).toMatch(/schedule "every day"/);
    const taken = await hub.graphql(REGISTER, { input: { ...creditRatingInput(FULL_MAP), id: 'permit' } });
    expect(taken.errors?.[0].message).toMatch(/id 'permit' belongs to a code connector/);
  });

  it('registers the credit system with no code, runs it, quarantines what the value map misses, and re-processes after a fix', async () => {
    const partial = FULL_MAP.filter((m) => m.to !== 'black');
    const reg = await hub.graphql(REGISTER, { input: creditRatingInput(partial) });
    expect(reg.errors).toBeUndefined();
    expect(reg.data.registerConnector).toMatchObject({ connectorId: 'credit-rating', kind: 'declarative', schedule: '0 3 * * *', enabled: true });
    expect(reg.data.registerConnector.config['header:X-Api-Key']).toBe('***');
    expect(JSON.stringify(reg.data)).not.toContain('top-secret-key');

    const run = await hub.graphql(`mutation { runConnector(id: "credit-rating") { status fetched loaded quarantined error startedAt finishedAt } }`);
    expect(run.errors).toBeUndefined();
    const black = hub.sim.store.creditView().records.filter((r) => r.level === '黑标').length;
    expect(black).toBeGreaterThan(0);
    expect(run.data.runConnector).toMatchObject({ status: 'SUCCEEDED', fetched: hub.sim.store.counts().credit, quarantined: black });
    expect(hub.logs.join('\n')).not.toContain('top-secret-key');

    const list = await hub.graphql(`{ connectors { connectorId kind quarantined lastRun { status loaded } runs(first: 5) { status } } }`);
    const credit = list.data.connectors.find((c: { connectorId: string }) => c.connectorId === 'credit-rating');
    expect(credit).toMatchObject({ kind: 'declarative', quarantined: black, lastRun: { status: 'SUCCEEDED' } });
    expect(list.data.connectors.map((c: { connectorId: string }) => c.connectorId)).toEqual([
      'credit-rating',
      'enforcement',
      'monitoring',
      'penalty',
      'permit',
    ]);

    const page1 = await hub.graphql(
      `{ quarantinedRecords(connectorId: "credit-rating", first: 2) { totalCount hasNextPage endCursor items { id sourceId reason payload } } }`,
    );
    const q = page1.data.quarantinedRecords;
    expect(q.totalCount).toBe(black);
    expect(q.items[0].reason).toMatch(/field 'level' \(source 'level'\) has "黑标"/);
    expect(q.items[0].payload.level).toBe('黑标');
    if (black > 2) {
      const page2 = await hub.graphql(`query($after: String) { quarantinedRecords(connectorId: "credit-rating", first: 2, after: $after) { items { id } } }`, {
        after: q.endCursor,
      });
      expect(page2.data.quarantinedRecords.items[0].id).not.toBe(q.items[1].id);
    }

    // Still unmappable: the reason stays.
    const again = await hub.graphql(`mutation($id: ID!) { reprocessQuarantined(id: $id) { status reason } }`, { id: q.items[0].id });
    expect(again.data.reprocessQuarantined.status).toBe('OPEN');

    // The steward fixes the value map; re-processing loads the record.
    expect((await hub.graphql(REGISTER, { input: creditRatingInput(FULL_MAP) })).errors).toBeUndefined();
    const fixed = await hub.graphql(`mutation($id: ID!) { reprocessQuarantined(id: $id) { status resolvedAt } }`, { id: q.items[0].id });
    expect(fixed.data.reprocessQuarantined.status).toBe('REPROCESSED');
    const uscc = q.items[0].payload.uscc;
    expect((await hub.tdb.db.pool.query(`select level from credit_rating where credit_code = $1`, [uscc])).rows[0].level).toBe('black');

    const unknown = await hub.graphql(`mutation { runConnector(id: "nope") { status } }`);
    expect(unknown.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('sends the secret header to the source', async () => {
    const seen: string[] = [];
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers['x-api-key']));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"items":[]}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const input = { ...creditRatingInput(FULL_MAP), id: 'credit-mirror', baseUrl: `http://127.0.0.1:${port}`, itemsPath: 'data.items' };
    expect((await hub.graphql(REGISTER, { input })).errors).toBeUndefined();
    const run = await hub.graphql(`mutation { runConnector(id: "credit-mirror") { status } }`);
    server.close();
    expect(run.data.runConnector.status).toBe('SUCCEEDED');
    expect(seen).toEqual(['top-secret-key']);
  });
});
