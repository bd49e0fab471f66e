import { TestHub, graphqlOnServerWith, startTestHub } from './support/test-hub';

/** Callers, roles, limits and the audit log, over real HTTP. */
describe('security: keys, roles, hostile queries, audit', () => {
  let hub: TestHub;
  let url: string;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 200, seed: 11, today: '2026-11-30' } });
    url = `http://127.0.0.1:${hub.server!.port}/graphql`;
    await hub.services.runner.run('permit');
  });
  afterAll(async () => hub?.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers 401 with a clear message without a key, with a malformed header, an unknown or a revoked key', async () => {
    const none = await post({ query: '{ divisions { code } }' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    const noneBody = await none.json();
    expect(noneBody.errors[0]).toMatchObject({ message: expect.stringMatching(/missing Authorization header/), extensions: { code: 'UNAUTHENTICATED' } });

    const basic = await post({ query: '{ divisions { code } }' }, { authorization: 'Basic abc' });
    expect(basic.status).toBe(401);
    expect((await basic.json()).errors[0].message).toMatch(/must be "Bearer <API key>"/);

    const unknown = await post({ query: '{ divisions { code } }' }, { authorization: 'Bearer hub_00000000_nope' });
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).errors[0].message).toBe('API key is unknown or revoked');

    const { key, info } = await hub.services.apiKeys.create({ name: 'short-lived', divisionCode: '370100', role: 'BUREAU' });
    expect((await post({ query: '{ divisions { code } }' }, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect(await hub.services.apiKeys.revoke(info.prefix)).toBe(true);
    // A fresh service instance has no cache: the revocation is immediate there.
    const { ApiKeyService } = await import('../src/auth/api-key.service');
    const fresh = new ApiKeyService(hub.tdb.db.pool, hub.services.divisions);
    expect(await fresh.authenticate(key)).toBeNull();
  });

  it('keeps public routes public', async () => {
    const res = await fetch(`http://127.0.0.1:${hub.server!.port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('stores keys only as hashes that do not contain the key', async () => {
    const { key } = await hub.services.apiKeys.create({ name: 'hash check', divisionCode: '370102', role: 'PARTNER' });
    const rows = await hub.tdb.db.pool.query(`select row_to_json(k)::text as t from api_key k`);
    // hub_<prefix>_<secret>: the secret is base64url, which may itself contain '_'.
    const secret = key.split('_').slice(2).join('_');
    expect(secret).toHaveLength(32);
    for (const r of rows.rows) expect(r.t).not.toContain(secret);
    const dump = hub.logs.join('\n');
    expect(dump).not.toContain(secret);
  });

  it('validates key creation with every problem named', async () => {
    await expect(hub.services.apiKeys.create({ name: '', divisionCode: '999999', role: 'KING' })).rejects.toThrow(
      /name must not be empty; role must be one of BUREAU, PARTNER, STEWARD, ADMIN, got 'KING'; division '999999' is not a known division code/,
    );
  });

  describe('hostile and careless queries are refused with their limit named', () => {
    const auth = () => ({ authorization: `Bearer ${hub.adminKey}` });

    it('depth 50', async () => {
      // divisions + 48 × parent + code: 50 levels
      let q = 'code';
      for (let i = 0; i < 48; i++) q = `parent { ${q} }`;
      const res = await post({ query: `{ divisions { ${q} } }` }, auth());
      const body = await res.json();
      expect(res.status).toBe(400);
      expect(body.errors[0]).toMatchObject({ message: 'query depth 50 exceeds the limit of 12', extensions: { code: 'QUERY_TOO_DEEP', limit: 12 } });
    });

    it('10,000 aliases', async () => {
      const fields = Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ');
      const res = await post({ query: `{ ${fields} }` }, auth());
      const body = await res.json();
      expect(res.status).toBe(400);
      expect(body.errors[0]).toMatchObject({ message: 'query uses 10000 aliases; the limit is 30', extensions: { code: 'TOO_MANY_ALIASES', limit: 30 } });
    });

    it('first: 1000000', async () => {
      const res = await post({ query: '{ enterprises(first: 1000000) { totalCount } }' }, auth());
      const body = await res.json();
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'PAGE_TOO_LARGE', limit: 500 } });
      expect(body.errors[0].message).toMatch(/first: 1000000 at enterprises exceeds the page size limit of 500/);
      const viaVariable = await (await post({ query: 'query($n: Int) { enterprises(first: $n) { totalCount } }', variables: { n: 100000 } }, auth())).json();
      expect(viaVariable.errors[0].extensions.code).toBe('PAGE_TOO_LARGE');
    });

    it('a query whose nested lists multiply past the cost limit', async () => {
      const page = 'enterprises(first: 500) { edges { node { permits { permitNo validFrom validTo status } tags { code label } scoreHistory { at score } } } }';
      const res = await post({ query: `{ ${page} a: ${page} }` }, auth());
      const body = await res.json();
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 50000 });
    });

    it('a 5 MB body', async () => {
      const res = await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } }), auth());
      expect(res.status).toBe(413);
      const body = await res.json();
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'BODY_TOO_LARGE' } });
      expect(body.errors[0].message).toMatch(/exceeds the limit of 1048576 bytes/);
    });

    it('a pathological filter', async () => {
      const body = await (
        await post(
          { query: 'query($f: EnterpriseFilter) { enterprises(filter: $f) { totalCount } }', variables: { f: { nameContains: '%_'.repeat(3000) } } },
          auth(),
        )
      ).json();
      expect(body.errors[0]).toMatchObject({ message: 'filter.nameContains has 6000 characters; the limit is 100', extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('while a well-behaved client keeps getting answers', async () => {
      let depth = 'code';
      for (let i = 0; i < 49; i++) depth = `parent { ${depth} }`;
      const hostile = Array.from({ length: 40 }, (_, i) =>
        post(
          i % 2 ? { query: `{ divisions { ${depth} } }` } : { query: `{ ${Array.from({ length: 5000 }, (_, j) => `a${j}: __typename`).join(' ')} }` },
          auth(),
        ).then((r) => r.status),
      );
      const good: Promise<number>[] = [];
      for (let i = 0; i < 20; i++)
        good.push(
          hub.graphql('{ enterprises(first: 10) { totalCount edges { node { creditCode } } } }').then((r) => (r.errors ? 500 : r.data.enterprises.totalCount)),
        );
      const [h, g] = await Promise.all([Promise.all(hostile), Promise.all(good)]);
      expect(h.every((s) => s === 400)).toBe(true);
      expect(g.every((n) => n === 200)).toBe(true);
    });
  });

  describe('roles and jurisdiction on steward paths', () => {
    let jinan: string;
    let qingdao: string;

    beforeAll(async () => {
      const pick = async (city: string) =>
        (await hub.tdb.db.pool.query(`select credit_code from enterprise where city_code = $1 limit 1`, [city])).rows[0].credit_code;
      jinan = await pick('370100');
      qingdao = await pick('370200');
      const bad = (code: string, n: number) => ({
        caseNo: `鲁环罚〔2026〕SEC${n}号`,
        creditCode: code,
        decisionDate: '2026-04-10',
        amount: 'abc',
        dailyConsecutive: false,
        status: 'DECIDED',
        modifiedAt: '2026-04-10T09:00:00+08:00',
      });
      const res = await fetch(`${hub.sim.url}/admin/records/penalty`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([bad(jinan, 1), bad(qingdao, 2)]),
      });
      expect(res.status).toBe(200);
      const s = await hub.services.runner.run('penalty');
      expect(s.quarantined).toBeGreaterThanOrEqual(2);
    });

    const quarantineQuery = `{ quarantinedRecords(connectorId: "penalty", first: 50) { totalCount items { reason payload } } }`;

    it('a partner sees no quarantine and raw payloads, and cannot run connectors', async () => {
      const partner = await hub.createKey('370000', 'PARTNER');
      const q = await hub.graphqlAs(partner, quarantineQuery);
      expect(q.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(q.errors[0].message).toMatch(/needs role STEWARD or BUREAU or ADMIN; your key has role PARTNER/);
      const run = await hub.graphqlAs(partner, `mutation { runConnector(id: "penalty") { status } }`);
      expect(run.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('a city bureau sees only the quarantine of its own enterprises', async () => {
      const city = await hub.createKey('370100', 'BUREAU');
      const q = await hub.graphqlAs(city, quarantineQuery);
      expect(q.errors).toBeUndefined();
      const codes = q.data.quarantinedRecords.items.map((i: any) => i.payload['统一社会信用代码'] ?? i.payload.creditCode);
      expect(codes).toContain(jinan);
      expect(codes).not.toContain(qingdao);
      expect(q.data.quarantinedRecords.totalCount).toBe(codes.length);
      const province = await hub.graphql(quarantineQuery);
      const all = province.data.quarantinedRecords.items.map((i: any) => i.payload['统一社会信用代码'] ?? i.payload.creditCode);
      expect(all).toEqual(expect.arrayContaining([jinan, qingdao]));
    });

    it('running a connector takes a province steward, and the mutation is in the audit log', async () => {
      const county = await hub.createKey('370102', 'STEWARD');
      const refused = await hub.graphqlAs(county, `mutation { runConnector(id: "penalty") { status } }`);
      expect(refused.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/needs a province-level key/) });
      const steward = await hub.createKey('370000', 'STEWARD');
      const ok = await hub.graphqlAs(steward, `mutation Run { runConnector(id: "penalty") { status fetched } }`);
      expect(ok.errors).toBeUndefined();
      expect(ok.data.runConnector.status).toBe('SUCCEEDED');
      const audit = await hub.tdb.db.pool.query(
        `select caller_name, role, division_code, operation_name, outcome, error, client_address, request_id from audit_log order by id`,
      );
      expect(audit.rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ role: 'STEWARD', division_code: '370102', outcome: 'ERROR', error: expect.stringMatching(/province-level/) }),
          expect.objectContaining({
            caller_name: 'test STEWARD 370000',
            role: 'STEWARD',
            division_code: '370000',
            operation_name: 'Run',
            outcome: 'OK',
            client_address: expect.stringMatching(/127\.0\.0\.1/),
            request_id: expect.any(String),
          }),
        ]),
      );
    });

    it('loading a rule set takes an ADMIN and says what is wrong with the document', async () => {
      const bureau = await hub.createKey('370000', 'BUREAU');
      const refused = await hub.graphqlAs(bureau, `mutation { loadRuleSet(definition: "{}") { version } }`);
      expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
      const bad = await hub.graphql(`mutation { loadRuleSet(definition: "{not json") { version } }`);
      expect(bad.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/definition is not valid JSON/) });
    });
  });

  it('switches introspection off when asked', async () => {
    const body = await graphqlOnServerWith(hub, { introspection: false }, '{ __schema { types { name } } }');
    expect(body.errors![0].message).toMatch(/introspection/i);
  });
});
