import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { exampleTabs, staticExamples } from '../src/server/graphiql.page';
import { PUBLISHED_OPERATION_NAMES, knownOperationNames, operationNamesIn } from '../src/observability/known-operations';
import { createSyncProgress } from '../src/observability/sync-progress';
import { wantsJsonLogs } from '../src/observability/log-format';
import { HubProcess, spawnHub } from './support/hub-process';
import { TestHub, startTestHub } from './support/test-hub';

/** Value of one series in a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(m[4]);
      found = true;
    }
  }
  return found ? total : 0;
}

/** Every series of the metrics whose `# TYPE` is counter, keyed by name and labels. */
function counters(text: string): Map<string, number> {
  const lines = text.split('\n');
  const names = new Set(lines.map((l) => /^# TYPE (\S+) counter$/.exec(l)?.[1]).filter((n): n is string => !!n));
  const out = new Map<string, number>();
  for (const line of lines) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && names.has(m[1])) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

/** The distinct values of one label of one metric in an exposition. */
function labelValues(text: string, name: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(line);
    if (m) values.add(m[1]);
  }
  return values;
}

/** Polls `probe` until it is true (an event seen from outside), failing after `ms`. */
async function until(probe: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('operations: /metrics, JSON logs with request ids, graceful shutdown, sync progress', () => {
  let hub: TestHub;
  let base: string;
  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 80, seed: 31 } });
    base = `http://127.0.0.1:${hub.server!.port}`;
  }, 120_000);
  afterAll(async () => hub?.close());

  it('moves after a sync: connector runs, records, enterprises, quarantine; and counts requests and resolvers', async () => {
    const before = await scrape();
    expect(sample(before, 'hub_connector_runs_total', { connector: 'permit', status: 'SUCCEEDED' })).toBe(0);
    expect(sample(before, 'hub_enterprises')).toBe(0);
    expect(before).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(before).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(sample(before, 'hub_database_up')).toBe(1);

    // A bad record for the quarantine gauge.
    await fetch(`${hub.sim.url}/admin/records/permit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ creditCode: '91370102MA3TEXT0XX', name: '坏代码化工有限公司', divisionCode: '370102', permits: [] }]),
    });
    const runs = await hub.services.runner.syncAll(['permit', 'penalty'], 'test');
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    // The database figures are cached between scrapes: wait for a scrape that has read them again.
    let after = '';
    await until(async () => sample((after = await scrape()), 'hub_enterprises') === 80, 'a scrape past the cache of the database figures');
    expect(sample(after, 'hub_connector_runs_total', { connector: 'permit', status: 'SUCCEEDED' })).toBe(1);
    expect(sample(after, 'hub_connector_runs_total', { connector: 'penalty', status: 'SUCCEEDED' })).toBe(1);
    expect(sample(after, 'hub_connector_records_total', { connector: 'permit', outcome: 'loaded' })).toBe(runs[0].loaded);
    expect(sample(after, 'hub_connector_records_total', { connector: 'permit', outcome: 'fetched' })).toBe(runs[0].fetched);
    expect(sample(after, 'hub_enterprises')).toBe(80);
    expect(sample(after, 'hub_quarantine_open_records', { connector: 'permit' })).toBe(runs[0].quarantined);
    expect(runs[0].quarantined).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hub_connector_last_success_timestamp_seconds', { connector: 'permit' })).toBeGreaterThan(Date.now() / 1000 - 120);

    // Requests and GraphQL: the counters move with traffic.
    const graphqlBefore = sample(after, 'hub_http_requests_total', { route: 'graphql', method: 'POST', status: '200' });
    const q = await hub.graphql(`query RiskiestEnterprises { enterprises(first: 3) { edges { node { creditCode rank healthReport { score } } } } }`);
    expect(q.errors).toBeUndefined();
    const third = await scrape();
    expect(sample(third, 'hub_http_requests_total', { route: 'graphql', method: 'POST', status: '200' })).toBe(graphqlBefore + 1);
    expect(sample(third, 'hub_http_request_duration_seconds_count', { route: 'graphql', method: 'POST', status: '200' })).toBe(graphqlBefore + 1);
    expect(sample(third, 'hub_http_requests_total', { route: 'metrics', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(third, 'hub_graphql_operations_total', { operation: 'RiskiestEnterprises', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(third, 'hub_graphql_operation_duration_seconds_count', { operation: 'RiskiestEnterprises', type: 'query' })).toBe(1);
    expect(sample(third, 'hub_graphql_resolver_duration_seconds_count', { field: 'Query.enterprises' })).toBe(1);
    expect(sample(third, 'hub_graphql_resolver_duration_seconds_count', { field: 'Enterprise.rank' })).toBe(3);
    // Plain property fields are not timed.
    expect(third.split('\n').filter((l) => l.includes('Enterprise.creditCode'))).toEqual([]);
  });

  it('counts a run when it ends, never while RUNNING: every counter only grows between scrapes around a run', async () => {
    const pool = hub.tdb.db.pool;
    const before = await scrape();
    expect(sample(before, 'hub_connector_runs_total', { connector: 'enforcement' })).toBe(0);
    expect(counters(before).size).toBeGreaterThan(10);
    // Hold the run mid-way: a SHARE lock lets reads (the scrape) through and stops the run's first write of records.
    const locker = await pool.connect();
    let run: Promise<{ status: string; loaded: number; fetched: number }[]> | undefined;
    try {
      await locker.query('begin');
      await locker.query('lock table source_record in share mode');
      run = hub.services.runner.syncAll(['enforcement'], 'test', { skipPostSync: true });
      await until(
        async () =>
          (await pool.query(`select count(*)::int as n from connector_run where connector_id = 'enforcement' and status = 'RUNNING'`)).rows[0].n === 1,
        'the enforcement run to start',
      );
      let during = '';
      await until(
        async () => sample((during = await scrape()), 'hub_connector_runs_in_progress', { connector: 'enforcement' }) === 1,
        'a scrape seeing the run',
      );
      // RUNNING is not a counted run, and its records are not counted yet.
      expect(sample(during, 'hub_connector_runs_total', { connector: 'enforcement' })).toBe(0);
      expect(sample(during, 'hub_connector_records_total', { connector: 'enforcement' })).toBe(0);
      expect(during).not.toMatch(/hub_connector_runs_total\{[^}]*status="RUNNING"/);
      const mid = counters(during);
      for (const [series, v] of counters(before)) {
        expect(mid.has(series)).toBe(true);
        expect({ series, grown: mid.get(series)! >= v }).toEqual({ series, grown: true });
      }
      await locker.query('commit');
    } finally {
      await locker.query('rollback').catch(() => undefined);
      locker.release();
    }
    const [summary] = await run!;
    expect(summary.status).toBe('SUCCEEDED');
    let after = '';
    await until(
      async () => sample((after = await scrape()), 'hub_connector_runs_in_progress', { connector: 'enforcement' }) === 0,
      'a scrape seeing the run end',
    );
    expect(sample(after, 'hub_connector_runs_total', { connector: 'enforcement', status: 'SUCCEEDED' })).toBe(1);
    expect(sample(after, 'hub_connector_records_total', { connector: 'enforcement', outcome: 'loaded' })).toBe(summary.loaded);
    expect(summary.loaded).toBeGreaterThan(0);
    const grown = counters(after);
    for (const [series, v] of counters(before)) {
      expect({ series, grown: grown.get(series)! >= v }).toEqual({ series, grown: true });
    }
  });

  it('bounds the operation label: published names as they are, 50 random names all counted as "other"', async () => {
    // The known names are the SDK's documents, the GraphiQL examples and the standard introspection query.
    const known = knownOperationNames();
    for (const tab of exampleTabs(staticExamples(hub.services))) for (const n of operationNamesIn(tab.query)) expect(known.has(n)).toBe(true);
    expect(known.has('EnterpriseCount')).toBe(true);
    expect(known.has('IntrospectionQuery')).toBe(true);
    expect(PUBLISHED_OPERATION_NAMES.every((n) => known.has(n))).toBe(true);

    const before = await scrape();
    const otherBefore = sample(before, 'hub_graphql_operations_total', { operation: 'other' });
    const names = Array.from({ length: 50 }, () => `Op_${randomBytes(6).toString('hex')}`);
    for (const name of names) {
      const r = await hub.graphql(`query ${name} { divisions { code } }`);
      expect(r.errors).toBeUndefined();
    }
    const anonymous = await hub.graphql(`{ divisions { code } }`);
    expect(anonymous.errors).toBeUndefined();
    const ok = await hub.graphql(`query EnterpriseCount { enterprises(first: 1) { totalCount } }`);
    expect(ok.errors).toBeUndefined();
    const after = await scrape();
    expect(sample(after, 'hub_graphql_operations_total', { operation: 'other' }) - otherBefore).toBe(50);
    expect(sample(after, 'hub_graphql_operations_total', { operation: 'EnterpriseCount', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(after, 'hub_graphql_operations_total', { operation: 'anonymous' })).toBeGreaterThanOrEqual(1);
    for (const metric of ['hub_graphql_operations_total', 'hub_graphql_operation_duration_seconds_count']) {
      const labels = labelValues(after, metric, 'operation');
      for (const n of names) expect(labels.has(n)).toBe(false);
      expect([...labels].every((l) => l === 'other' || l === 'anonymous' || known.has(l))).toBe(true);
      expect(labels.size).toBeLessThanOrEqual(known.size + 2);
    }
  });

  it('logs JSON with the request id when asked or off a terminal; a SIGTERM lets in-flight requests finish', async () => {
    expect(wantsJsonLogs({ LOG_FORMAT: 'json' }, { isTTY: true })).toBe(true);
    expect(wantsJsonLogs({}, { isTTY: false })).toBe(true);
    expect(wantsJsonLogs({}, { isTTY: true })).toBe(false);
    expect(wantsJsonLogs({ LOG_FORMAT: 'text' }, { isTTY: false })).toBe(false);

    let serve: HubProcess | undefined;
    const locker = await hub.tdb.db.pool.connect();
    try {
      serve = spawnHub(['serve', '--port', '0'], { DATABASE_URL: hub.tdb.url, HUB_SOURCES_URL: hub.sim.url, LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
      const { port } = await serve.waitForServing(60_000);
      const url = `http://127.0.0.1:${port}/graphql`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${hub.adminKey}` };

      const ok = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'x-request-id': 'req-json-log-1' },
        body: JSON.stringify({ query: '{ enterprises(first: 1) { totalCount } }' }),
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('req-json-log-1');
      await serve.waitFor(/req-json-log-1/, 5000);
      const entry = serve
        .output()
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.includes('req-json-log-1'))
        .map((l) => JSON.parse(l))[0];
      expect(entry).toMatchObject({
        level: 'info',
        msg: 'http request',
        requestId: 'req-json-log-1',
        method: 'POST',
        path: '/graphql',
        route: 'graphql',
        status: 200,
      });
      expect(typeof entry.time).toBe('string');

      // An in-flight request: the enterprise table is locked, so the query waits in the database.
      await locker.query('begin');
      await locker.query('lock table enterprise in access exclusive mode');
      const inFlight = fetch(url, {
        method: 'POST',
        headers: { ...headers, 'x-request-id': 'req-in-flight' },
        body: JSON.stringify({ query: '{ enterprises(first: 2) { totalCount edges { node { creditCode } } } }' }),
      });
      await until(
        async () => (await locker.query(`select 1 from pg_locks where not granted and relation = 'enterprise'::regclass`)).rowCount! > 0,
        'the request to wait on the locked table',
      );
      serve.child.kill('SIGTERM');
      await serve.waitFor(/SIGTERM received, shutting down/, 20_000);
      expect(serve.child.exitCode).toBeNull(); // still draining
      await locker.query('commit');
      const res = await inFlight;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { enterprises: { totalCount: number } } };
      expect(body.data.enterprises.totalCount).toBe(80);
      expect(await serve.exited).toBe(0);
      // No new connections once shutting down.
      await expect(fetch(url, { method: 'POST', headers, body: '{}' })).rejects.toThrow();
    } finally {
      await locker.query('rollback').catch(() => undefined);
      locker.release();
      if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
  }, 120_000);

  it('draws a bar on a terminal and plain lines elsewhere', () => {
    let clock = 0;
    const chunks: string[] = [];
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    tty.on('data', (c) => chunks.push(String(c)));
    const bar = createSyncProgress({ stream: tty, expected: { permit: 1000 }, now: () => clock });
    clock = 500;
    bar.onPage('permit', { fetched: 500, loaded: 490, quarantined: 10 });
    clock = 1000;
    bar.onPage('permit', { fetched: 1000, loaded: 990, quarantined: 10 });
    bar.finishAll();
    const drawn = chunks.join('');
    expect(drawn).toContain('\r[████████████░░░░░░░░░░░░]  50% permit');
    expect(drawn).toContain('100% permit');
    expect(drawn.endsWith('\n')).toBe(true);

    const lines: string[] = [];
    const plain = createSyncProgress({ stream: { write: (s: string) => lines.push(s) }, lineIntervalMs: 2000, now: () => clock });
    for (let i = 1; i <= 10; i++) {
      clock = 1000 + i * 500;
      plain.onPage('penalty', { fetched: i * 100, loaded: i * 100, quarantined: 0 });
    }
    plain.onPage('monitoring', { fetched: 50, loaded: 50, quarantined: 0 });
    plain.finishAll();
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('sync penalty')).length).toBeLessThanOrEqual(5);
    expect(lines.some((l) => /^sync penalty\s+fetched 1000 .* done\n$/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^sync monitoring\s+fetched 50 .* done\n$/);
  });

  it('keeps two connectors running side by side apart: one shared line on a terminal, no early "done" elsewhere', () => {
    let clock = 0;
    const lines: string[] = [];
    const plain = createSyncProgress({ stream: { write: (s: string) => lines.push(s) }, lineIntervalMs: 2000, now: () => clock });
    for (let i = 1; i <= 6; i++) {
      clock = i * 1000;
      plain.onPage('permit', { fetched: i * 1000, loaded: i * 1000, quarantined: 0 });
      plain.onPage('monitoring', { fetched: i * 5000, loaded: i * 5000, quarantined: 0 });
    }
    expect(lines.filter((l) => l.includes('done'))).toEqual([]);
    plain.finish('permit');
    plain.finishAll();
    expect(lines.filter((l) => l.includes('done'))).toEqual([
      expect.stringMatching(/^sync permit\s+fetched 6000 .* 1200\/s .*done\n$/),
      expect.stringMatching(/^sync monitoring\s+fetched 30000 .* 6000\/s .*done\n$/),
    ]);

    const chunks: string[] = [];
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    tty.on('data', (c) => chunks.push(String(c)));
    const bar = createSyncProgress({ stream: tty, expected: { permit: 2000 }, now: () => clock });
    bar.onPage('permit', { fetched: 1000, loaded: 1000, quarantined: 0 });
    bar.onPage('monitoring', { fetched: 5000, loaded: 5000, quarantined: 0 });
    bar.onPage('permit', { fetched: 2000, loaded: 2000, quarantined: 0 });
    bar.finish('permit');
    bar.finishAll();
    const drawn = chunks.join('');
    expect(drawn).toContain('permit 50%');
    expect(drawn).toContain(' · monitoring 5000');
    // The progress display's erase-line escape is ESC [ K.
    const eraseLine = new RegExp(String.fromCharCode(27) + '\\[K', 'g');
    expect(
      drawn
        .split('\n')
        .filter((l) => l.length)
        .map((l) => l.split('\r').pop()!.replace(eraseLine, '')),
    ).toEqual([expect.stringMatching(/100% permit\s+fetched 2000/), expect.stringMatching(/monitoring\s+fetched 5000/)]);
  });
});
