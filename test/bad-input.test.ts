import { TestHub, startTestHub } from './support/test-hub';

const cursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** Input a client got wrong is the client's mistake: BAD_USER_INPUT naming the argument, never an internal error, no stack trace. */
describe('bad input is answered as BAD_USER_INPUT naming the argument', () => {
  let hub: TestHub;
  let base: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 20, seed: 9, today: '2026-11-30' } });
    base = `http://127.0.0.1:${hub.server!.port}`;
    await hub.services.runner.run('permit');
  });
  afterAll(async () => hub?.close());

  const cases: [string, string, Record<string, unknown> | undefined, string][] = [
    ['a NUL byte in a literal string argument', '{ enterprises(filter: { nameContains: "a\\u0000b" }) { totalCount } }', undefined, 'filter.nameContains'],
    ['a NUL byte in a variable', 'query($c: String!) { enterprise(creditCode: $c) { name } }', { c: 'x\u0000' }, 'creditCode'],
    [
      'a NUL byte inside a variable object',
      'query($f: EnterpriseFilter) { enterprises(filter: $f) { totalCount } }',
      { f: { tags: { all: ['黄标', 'a\u0000'] } } },
      'filter.tags.all.1',
    ],
    ['a warning id above the bigint range', 'mutation { acknowledgeWarning(id: "99999999999999999999") { id } }', undefined, 'id'],
    ['a warning id that is not a number', 'mutation { resolveWarning(id: "abc") { id } }', undefined, 'id'],
    ['a webhook id of 19 digits above the bigint range', 'mutation { removeWebhook(id: "9999999999999999999") }', undefined, 'id'],
    ['a quarantine id above the bigint range', 'mutation { reprocessQuarantined(id: "99999999999999999999") { id } }', undefined, 'id'],
    ['a quarantine cursor above the bigint range', '{ quarantinedRecords(after: "99999999999999999999") { totalCount } }', undefined, 'after'],
    [
      'a warnings cursor above the bigint range',
      `{ warnings(after: "${Buffer.from('warning:9999999999999999999').toString('base64url')}") { totalCount } }`,
      undefined,
      'after',
    ],
    [
      'an enterprise cursor with an object for the score',
      `{ enterprises(after: "${cursor(['SCORE_ASC', { x: 1 }, '91370102MA0000000X'])}") { totalCount } }`,
      undefined,
      'after',
    ],
    [
      'an enterprise cursor with text for the score',
      `{ enterprises(after: "${cursor(['SCORE_ASC', 'abc', '91370102MA0000000X'])}") { totalCount } }`,
      undefined,
      'after',
    ],
    [
      'an enterprise cursor with a NUL byte in the credit code',
      `{ enterprises(orderBy: NAME_ASC, after: "${cursor(['NAME_ASC', 'a', 'x\u0000'])}") { totalCount } }`,
      undefined,
      'after',
    ],
  ];

  for (const [what, query, variables, argument] of cases) {
    it(what, async () => {
      const before = hub.logs.length;
      const body = await hub.graphql(query, variables);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(body.errors![0].extensions.stacktrace).toBeUndefined();
      expect(hub.logs.slice(before).filter((l) => /unexpected|stack|\n\s+at /.test(l))).toEqual([]);
    });
  }

  it('refuses orderBy=toString and a NUL byte in the filter of the export with 400 naming the parameter', async () => {
    const get = (q: string) => fetch(`${base}/export/enterprises.csv?${q}`, { headers: { authorization: `Bearer ${hub.adminKey}` } });
    const order = await get('orderBy=toString');
    expect(order.status).toBe(400);
    expect((await order.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy' });
    const nul = await get(`filter=${encodeURIComponent(JSON.stringify({ nameContains: 'a\u0000' }))}`);
    expect(nul.status).toBe(400);
    expect((await nul.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.nameContains' });
  });

  it('carries no stack trace in error responses unless HUB_DEBUG_ERRORS=1', async () => {
    const body = await hub.graphql('{ noSuchField }');
    expect(body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0].extensions.stacktrace).toBeUndefined();
    const { debugErrors } = await import('../src/server/error-format');
    expect(debugErrors({ NODE_ENV: 'development' })).toBe(false);
    expect(debugErrors({ HUB_DEBUG_ERRORS: '1' })).toBe(true);
  });
});
