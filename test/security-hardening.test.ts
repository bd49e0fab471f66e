import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GraphQLObjectType } from 'graphql';
import { loadConfig } from '../src/config/config';
import { HttpClient } from '../src/connectors/http.client';
import { ForbiddenTargetError, OutboundTargetPolicy, isInternalAddress } from '../src/connectors/outbound-target.policy';
import { PROVINCE_WIDE_EXTENSION } from '../src/graphql/auth-checker';
import { buildHubSchema } from '../src/graphql/schema';
import { startHttpServer } from '../src/server/http.server';
import { TestHub, startTestHub } from './support/test-hub';
import { startServe } from './support/drill-kit';

/**
 * Issue 13, items 5, 7, 10 and the bind address: province-wide operations,
 * outbound targets (SSRF), secrets in the audit log, /metrics behind a token,
 * `hub serve` on 127.0.0.1 by default. This hub runs as production would:
 * internal targets are refused (only HUB_SOURCES_URL, the simulator, is allowed).
 */

/** A loopback HTTP server counting the requests it gets. */
async function counter(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.writeHead(204).end()) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { port, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('security hardening (issue 13)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 40, seed: 21 }, env: { HUB_ALLOW_PRIVATE_TARGETS: 'off', HUB_WEBHOOKS_PER_DIVISION: '3' } });
  }, 60_000);
  afterAll(async () => hub?.close());

  describe('item 5: every province-wide operation takes a province-level key', () => {
    it('marks exactly the operations that change the whole province', async () => {
      const mutation = (await buildHubSchema()).getMutationType() as GraphQLObjectType;
      const marked = Object.values(mutation.getFields())
        .filter((f) => f.extensions?.[PROVINCE_WIDE_EXTENSION])
        .map((f) => f.name)
        .sort();
      expect(marked).toEqual(['activateRuleSet', 'loadRuleSet', 'registerConnector', 'resetConnector', 'runConnector']);
    });

    it('refuses a city ADMIN on each of them, before looking at the arguments', async () => {
      const cityAdmin = await hub.createKey('370100', 'ADMIN');
      const calls: [string, string, Record<string, unknown>][] = [
        ['loadRuleSet', 'mutation($d: String!) { loadRuleSet(definition: $d) { version } }', { d: '{}' }],
        ['activateRuleSet', 'mutation { activateRuleSet(version: "SD-2021") { version } }', {}],
        [
          'registerConnector',
          'mutation($i: DeclarativeConnectorInput!) { registerConnector(input: $i) { id } }',
          { i: { id: 'x', title: 'x', path: '/x', recordKind: 'rating', fields: [] } },
        ],
        ['runConnector', 'mutation { runConnector(id: "permit") { id } }', {}],
        ['resetConnector', 'mutation { resetConnector(id: "permit") { id } }', {}],
      ];
      for (const [name, query, variables] of calls) {
        const r = await hub.graphqlAs(cityAdmin, query, variables);
        expect({ name, code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message }).toEqual({
          name,
          code: 'FORBIDDEN',
          message: `Mutation.${name} changes the whole province and needs a province-level key; yours is for 370100`,
        });
      }
      const runs = await hub.tdb.db.pool.query(`select count(*)::int as n from connector_run where trigger in ('api', 'reset')`);
      expect(runs.rows[0].n).toBe(0);
      const active = await hub.graphql('{ ruleSet { version } }');
      expect(active.data.ruleSet.version).toBe('SD-2021');
    });
  });

  describe('item 7: outbound requests refuse internal targets unless the operator allows them', () => {
    it('classifies loopback, private, link-local, unspecified and multicast addresses, IPv4, IPv6 and IPv4-mapped', () => {
      const internal = [
        '127.0.0.1',
        '127.8.9.10',
        '10.1.2.3',
        '172.16.0.1',
        '172.31.255.255',
        '192.168.1.1',
        '169.254.169.254',
        '100.64.0.1',
        '0.0.0.0',
        '224.0.0.1',
        '255.255.255.255',
        '::1',
        '::',
        'fe80::1',
        'fc00::1',
        'fd12:3456::1',
        'ff02::1',
        '::ffff:127.0.0.1',
        '::ffff:7f00:1',
        '0:0:0:0:0:ffff:a9fe:a9fe',
        '::ffff:10.0.0.1',
        '[::1]',
        'not-an-ip',
      ];
      const external = ['8.8.8.8', '93.184.216.34', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'];
      expect(internal.filter((a) => !isInternalAddress(a))).toEqual([]);
      expect(external.filter((a) => isInternalAddress(a))).toEqual([]);
    });

    it('refuses a webhook at an internal IP literal at registration, and caps webhooks per division', async () => {
      const bureau = await hub.createKey('370200', 'BUREAU');
      const REGISTER = 'mutation($i: WebhookInput!) { registerWebhook(input: $i) { id } }';
      for (const url of [
        'http://127.0.0.1:5432/',
        'http://169.254.169.254/latest/meta-data',
        'http://[::ffff:127.0.0.1]:4100/admin',
        'http://[::1]/',
        'http://10.0.0.8/hook',
        'http://0.0.0.0:4000/graphql',
      ]) {
        const r = await hub.graphqlAs(bureau, REGISTER, { i: { divisionCode: '370200', url, secret: 'a-webhook-secret-0123' } });
        expect({ url, code: r.errors?.[0]?.extensions?.code, internal: /internal address/.test(r.errors?.[0]?.message ?? '') }).toEqual({
          url,
          code: 'BAD_USER_INPUT',
          internal: true,
        });
      }
      const ok = [];
      for (let i = 0; i < 4; i++)
        ok.push(
          await hub.graphqlAs(bureau, REGISTER, { i: { divisionCode: '370202', url: `https://hooks.example.com/${i}`, secret: 'a-webhook-secret-0123' } }),
        );
      expect(ok.slice(0, 3).map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
      expect(ok[3].errors?.[0]).toMatchObject({
        message: expect.stringMatching(/already has 3 webhooks.*HUB_WEBHOOKS_PER_DIVISION=3/),
        extensions: { code: 'BAD_USER_INPUT', limit: 3 },
      });
      const n = await hub.tdb.db.pool.query(`select count(*)::int as n from webhook where division_code = '370202'`);
      expect(n.rows[0].n).toBe(3);
      await hub.tdb.db.pool.query(`delete from webhook`);
    });

    it('checks the address a name resolves to: a webhook at http://localhost is never sent', async () => {
      const rx = await counter();
      const { rows } = await hub.tdb.db.pool.query(
        `insert into webhook (division_code, url, secret, created_by) values ('370200', $1, 'a-webhook-secret-0123', 'test') returning id`,
        [`http://localhost:${rx.port}/hook`],
      );
      await hub.tdb.db.pool.query(
        `insert into enterprise (credit_code, name, division_code) values ('91370202MA00SSRF01', 'ssrf', '370202') on conflict do nothing`,
      );
      const wid = (
        await hub.tdb.db.pool.query(
          `insert into warning (type, credit_code, severity, message) values ('PERMIT_EXPIRING', '91370202MA00SSRF01', 'MEDIUM', 'test') returning id`,
        )
      ).rows[0].id;
      const delivery = await hub.tdb.db.pool.query(
        `insert into webhook_delivery (webhook_id, warning_id, event, payload) values ($1, $2, 'warning.created', '{}'::jsonb) returning id`,
        [rows[0].id, wid],
      );
      // The hub's own delivery job (with its target policy), run once as the job queue would run its first attempt.
      const job = hub.services.warnings.deliveries as unknown as (payload: unknown, helpers: unknown) => Promise<void>;
      await expect(
        job({ deliveryId: delivery.rows[0].id }, { abortSignal: new AbortController().signal, job: { attempts: 1, max_attempts: 5 } }),
      ).rejects.toThrow(/internal address/);
      expect(rx.hits()).toBe(0);
      const attempt = await hub.tdb.db.pool.query(
        `select error from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id where d.webhook_id = $1`,
        [rows[0].id],
      );
      expect(attempt.rows.map((r) => r.error)).toEqual([expect.stringMatching(/^target localhost resolves to an internal address \((127\.0\.0\.1|::1)\)/)]);
      await rx.close();
      // The same lookup allows the name when the operator allows internal targets.
      const allowed = await new Promise<string>((resolve, reject) =>
        OutboundTargetPolicy.allowAll().lookupFor(() => false)('localhost', {}, (err, a) => (err ? reject(err) : resolve(String(a)))),
      );
      expect(isInternalAddress(allowed)).toBe(true);
      const refused = await new Promise<unknown>((resolve) =>
        new OutboundTargetPolicy({ allowPrivate: false }).lookupFor(() => false)('localhost', { all: true }, (err) => resolve(err)),
      );
      expect(refused).toBeInstanceOf(ForbiddenTargetError);
    });

    it('refuses a declarative connector whose base URL is internal: the run fails naming the target, the target gets no request', async () => {
      const mirror = await counter((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
      const input = {
        id: 'internal-mirror',
        title: 'mirror',
        path: '/credit/ratings',
        itemsPath: '',
        baseUrl: `http://127.0.0.1:${mirror.port}`,
        pagination: { type: 'NONE' },
        recordKind: 'rating',
        fields: [
          { target: 'creditCode', source: 'uscc' },
          { target: 'level', source: 'level' },
          { target: 'ratedOn', source: 'ratedOn' },
          { target: 'updatedAt', source: 'updatedAt' },
        ],
      };
      const reg = await hub.graphql('mutation($i: DeclarativeConnectorInput!) { registerConnector(input: $i) { id } }', { i: input });
      expect(reg.errors).toBeUndefined();
      const run = await hub.graphql('mutation { runConnector(id: "internal-mirror") { status error } }');
      expect(run.data.runConnector.status).toBe('FAILED');
      expect(run.data.runConnector.error).toMatch(new RegExp(`target 127\\.0\\.0\\.1:${mirror.port} resolves to an internal address`));
      expect(mirror.hits()).toBe(0);
      await mirror.close();
    });

    it('checks every redirect: a trusted source redirecting to an internal one is not followed', async () => {
      const inner = await counter((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
      const outer = await counter((_q, r) => r.writeHead(302, { location: `http://127.0.0.1:${inner.port}/secret` }).end());
      const policy = new OutboundTargetPolicy({ allowPrivate: false, trustedOrigins: [`http://127.0.0.1:${outer.port}`] });
      const client = new HttpClient({ maxAttempts: 3, baseDelayMs: 1, targets: policy });
      await expect(client.getJson(`http://127.0.0.1:${outer.port}/start`)).rejects.toThrow(
        new RegExp(`failed: .*target 127\\.0\\.0\\.1:${inner.port} resolves to an internal address`),
      );
      expect({ outer: outer.hits(), inner: inner.hits() }).toEqual({ outer: 1, inner: 0 });
      await Promise.all([inner.close(), outer.close()]);
    });

    it('never echoes a remote body in a run error', async () => {
      const BODY = '{"ok": SECRET-ROW-credit-code-91370102, "password": "hunter2"}';
      const src = await counter((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
      const client = new HttpClient({ maxAttempts: 1 });
      const err = await client.getJson(`http://127.0.0.1:${src.port}/x`).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/invalid JSON from http:\/\/127\.0\.0\.1:\d+\/x( at position \d+)? \(62 bytes\)$/);
      expect((err as Error).message).not.toMatch(/SECRET|hunter2|"ok"/);
      await src.close();
    });
  });

  describe('item 10: secrets never reach audit_log.operation', () => {
    it('redacts on the parsed document: inline secret headers, block strings, after comments, and in variables', async () => {
      const operation = `mutation Sneaky {
        registerConnector(input: {
          id: "audit-probe", title: "probe", path: "/credit/ratings", itemsPath: "", pagination: { type: NONE }, recordKind: "rating",
          fields: [{ target: "creditCode", source: "uscc" }, { target: "level", source: "level" }, { target: "ratedOn", source: "ratedOn" }, { target: "updatedAt", source: "updatedAt" }],
          headers: [{ name: "X-Source-Key", value: "inline-secret-AAAA", secret: true }, { name: "Authorization", value: "Bearer inline-bearer-BBBB" }, { name: "X-Client", value: "hub" }]
        }) { id }
        registerWebhook(input: { divisionCode: "370200", url: "https://hooks.example.com/audit", secret: # the shared secret follows
          """block-secret-CCCCCCCCCCCC""" }) { id }
      }`;
      const res = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminKey}` },
        body: JSON.stringify({ query: operation }),
      });
      expect(res.status).toBe(200);
      const vars = await hub.graphql(
        'mutation($h: [HeaderInput!]) { registerConnector(input: { id: "audit-probe-2", title: "p", path: "/x", recordKind: "rating", fields: [], headers: $h }) { id } }',
        { h: [{ name: 'X-Other', value: 'variable-secret-DDDD', secret: true }] },
      );
      expect(vars.status).toBe(200);
      const logged = await hub.tdb.db.pool.query(
        `select operation, variables::text as variables from audit_log where operation like '%audit-probe%' order by id`,
      );
      expect(logged.rows).toHaveLength(2);
      const all = logged.rows.map((r) => `${r.operation}\n${r.variables}`).join('\n');
      expect(all).not.toMatch(/AAAA|BBBB|CCCC|DDDD/);
      expect(logged.rows[0].operation).toContain('name: "X-Client", value: "hub"');
      expect(logged.rows[0].operation).toContain('secret: "***"');
      expect(logged.rows[0].operation).not.toContain('the shared secret follows');
    });
  });

  describe('item 8: errors and fields reveal nothing the caller cannot see', () => {
    const CREATE = 'mutation($d: String!, $s: String!, $l: String!) { createLocalTag(divisionCode: $d, slug: $s, label: $l, labelEn: "watch") { code } }';

    it("createLocalTag does not name a county's local tag to its city", async () => {
      const county = await hub.createKey('370102', 'BUREAU');
      const city = await hub.createKey('370100', 'BUREAU');
      expect((await hub.graphqlAs(county, CREATE, { d: '370102', s: 'night-shift', l: '夜间重点' })).data.createLocalTag.code).toBe('LOCAL/370102-night-shift');
      const clash = await hub.graphqlAs(city, CREATE, { d: '370102', s: 'other', l: '夜间重点' });
      expect(clash.errors?.[0]).toMatchObject({
        message: "label '夜间重点' is already taken in 370102; choose another",
        extensions: { code: 'BAD_USER_INPUT' },
      });
      // The county itself, which sees the tag, is told which one.
      const own = await hub.graphqlAs(county, CREATE, { d: '370102', s: 'again', l: '夜间重点' });
      expect(own.errors?.[0].message).toBe("label '夜间重点' is already used by LOCAL/370102-night-shift; choose another");
    });

    it('raw run errors reach STEWARD and ADMIN only; PARTNER keys read no quarantine counts', async () => {
      const RAW = 'duplicate key value violates unique constraint "permit_pkey"';
      await hub.tdb.db.pool.query(
        `insert into connector_run (connector_id, trigger, status, finished_at, quarantined, error) values ('penalty', 'cli', 'FAILED', now(), 7, $1)`,
        [RAW],
      );
      const Q = '{ connectors { connectorId quarantined runs(first: 1) { error quarantined } } }';
      const view = async (key: string) => (await hub.graphqlAs(key, Q)).data.connectors.find((c: any) => c.connectorId === 'penalty');
      const partner = await view(await hub.createKey('370000', 'PARTNER'));
      expect(partner).toEqual({
        connectorId: 'penalty',
        quarantined: null,
        runs: [{ error: 'the run failed; a STEWARD or ADMIN key can read why', quarantined: null }],
      });
      const bureau = await view(await hub.createKey('370000', 'BUREAU'));
      expect(bureau.runs).toEqual([{ error: 'the run failed; a STEWARD or ADMIN key can read why', quarantined: 7 }]);
      const steward = await view(await hub.createKey('370000', 'STEWARD'));
      expect(steward.runs).toEqual([{ error: RAW, quarantined: 7 }]);
      expect(typeof steward.quarantined).toBe('number');
    });

    it('the GraphiQL page served without a key embeds no enterprise', async () => {
      await hub.tdb.db.pool.query(
        `insert into enterprise (credit_code, name, division_code, score) values ('91370102MA00LOW001', '最低分化工有限公司', '370102', 1) on conflict do nothing`,
      );
      const res = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      const codes = (await hub.tdb.db.pool.query(`select credit_code, name from enterprise`)).rows;
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.filter((r) => html.includes(r.credit_code) || html.includes(r.name))).toEqual([]);
      expect(html).toContain('370100');
    });

    it('limits the public pages per client address: past the limit 429 with Retry-After, GraphQL untouched', async () => {
      const LIMIT = 5;
      const server = await startHttpServer(hub.services, { port: 0, publicRateLimitPerMinute: LIMIT });
      try {
        const base = `http://127.0.0.1:${server.port}`;
        const code = (await hub.tdb.db.pool.query(`select credit_code from enterprise order by credit_code limit 1`)).rows[0].credit_code;
        const paths = [`/report/${code}`, `/qr/${code}.svg`, '/report/91370102MA0000000X', `/report/${code}?lang=en`];
        const answers: { status: number; retryAfter: string | null; code?: string }[] = [];
        for (let i = 0; i < LIMIT + 3; i++) {
          const res = await fetch(base + paths[i % paths.length]);
          const body = await res.text();
          answers.push({
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            code: res.status === 429 ? JSON.parse(body).errors[0].extensions.code : undefined,
          });
        }
        // The first LIMIT are answered (a page, a QR code, or the 404 page of an unknown code), every further one is refused.
        expect(answers.slice(0, LIMIT).map((a) => a.status !== 429 && a.retryAfter === null)).toEqual(Array(LIMIT).fill(true));
        expect(answers.slice(LIMIT)).toEqual(Array(3).fill({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'RATE_LIMITED' }));
        // GraphQL and the probes are not public pages: the same address still gets answers.
        const q = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminKey}` },
          body: JSON.stringify({ query: '{ warningTypes }' }),
        });
        expect(q.status).toBe(200);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      } finally {
        await server.close();
      }
    });

    it('scopes the persisted-query cache by key: a hash registered by key A is PERSISTED_QUERY_NOT_FOUND for key B', async () => {
      const query = '{ enterprises(first: 1) { totalCount } }';
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const a = await hub.createKey('370000', 'BUREAU');
      const b = await hub.createKey('370000', 'BUREAU');
      const apq = async (key: string, withQuery: boolean) => {
        const res = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ ...(withQuery ? { query } : {}), extensions: { persistedQuery: { version: 1, sha256Hash } } }),
        });
        const body = (await res.json()) as { data?: any; errors?: any[] };
        return body.errors ? body.errors.map((e) => e.extensions?.code) : Object.keys(body.data);
      };
      expect(await apq(a, false)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(await apq(a, true)).toEqual(['enterprises']);
      expect(await apq(a, false)).toEqual(['enterprises']);
      // Key B cannot tell that A sent it: the same answer as for a hash nobody sent.
      expect(await apq(b, false)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(await apq(b, true)).toEqual(['enterprises']);
      expect(await apq(b, false)).toEqual(['enterprises']);
      // Over GET too (what CDN-friendly clients send), scoped the same way.
      const c = await hub.createKey('370000', 'BUREAU');
      const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }));
      const get = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql?extensions=${ext}`, {
        headers: { authorization: `Bearer ${c}`, 'apollo-require-preflight': 'true' },
      });
      expect(((await get.json()) as any).errors.map((e: any) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(await apq(c, true)).toEqual(['enterprises']);
      const hit = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql?extensions=${ext}`, {
        headers: { authorization: `Bearer ${c}`, 'apollo-require-preflight': 'true' },
      });
      expect(Object.keys(((await hit.json()) as any).data)).toEqual(['enterprises']);
      // A text that does not validate is not registered, and a text must match the hash it is sent with.
      const post = async (body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${hub.server!.port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${a}` },
          body: JSON.stringify(body),
        });
        return { status: res.status, errors: ((await res.json()) as any).errors as any[] };
      };
      const bad = '{ enterprises(first: 1) { noSuchField } }';
      const badHash = createHash('sha256').update(bad).digest('hex');
      expect((await post({ query: bad, extensions: { persistedQuery: { version: 1, sha256Hash: badHash } } })).errors[0].extensions.code).toBe(
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: badHash } } })).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      const mismatch = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: badHash } } });
      expect(mismatch.status).toBe(400);
      expect(mismatch.errors[0].message).toBe('provided sha does not match query');
    });
  });

  describe('must show: the bind address and /metrics behind a token', () => {
    it('hub serve listens on 127.0.0.1 by default and on HUB_HOST when set', async () => {
      /** The IPv4 address a LISTEN socket on `port` is bound to, from /proc/net/tcp (Linux). */
      const boundTo = (port: number) => {
        const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
        const line = readFileSync('/proc/net/tcp', 'utf8')
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .find((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A');
        const hex = line![1].split(':')[0];
        return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
      };
      const env = { DATABASE_URL: hub.tdb.url, HUB_SOURCES_URL: hub.sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_LEVEL: 'info' };
      for (const [host, expected] of [
        [undefined, '127.0.0.1'],
        ['0.0.0.0', '0.0.0.0'],
      ] as const) {
        const serve = await startServe(host ? { ...env, HUB_HOST: host } : env);
        try {
          expect(boundTo(serve.port)).toBe(expected);
        } finally {
          await serve.stop();
        }
      }
    }, 90_000);

    it('binds to 127.0.0.1 unless HUB_HOST says otherwise', async () => {
      expect(loadConfig({}).host).toBe('127.0.0.1');
      expect(loadConfig({ HUB_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
      expect(() => loadConfig({ HUB_HOST: 'a b' })).toThrow(/HUB_HOST must be a host name/);
      const server = await startHttpServer(hub.services, { port: 0, metricsToken: 'metrics-token-0123456789' });
      try {
        expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
        const base = `http://127.0.0.1:${server.port}/metrics`;
        const none = await fetch(base);
        expect(none.status).toBe(401);
        expect((await fetch(base, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
        const ok = await fetch(base, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
        expect(ok.status).toBe(200);
        expect(await ok.text()).toMatch(/^# HELP/m);
      } finally {
        await server.close();
      }
    });
  });
});
