/**
 * Benchmark of the seed's search at province scale (default 260,000
 * enterprises): `enterprises(filter: {tags: {all: ["黄标", "固废危废"]}},
 * orderBy: SCORE_ASC, first: 50)` with score, risk, tags and the last 12
 * history points, as a province caller, over real HTTP — and PostGraphile
 * 4.14.1 (bench/postgraphile/) over the same database answering the
 * equivalent query, in the same run with the same clients.
 *
 * Setup is set-based: the generator's province is COPYed into the store,
 * scored with `rescoreAll`, given eleven older history points per enterprise
 * (INSERT … SELECT) and tagged with `retagAll`. Each server runs in its own
 * process. Prints latency percentiles (one client, then N clients),
 * requests/s and the ratio; asserts nothing.
 *
 *   npm run build && (cd bench/postgraphile && npm i) && \
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/search.bench.js [--enterprises N] [--clients N] [--seconds S] [--monitoring-days D] [--accept-encoding "gzip, br"]
 *
 * `--accept-encoding` sends that header with every request to both servers, as a browser does;
 * the hub then compresses its answers (the sizes as sent and decoded are printed per server).
 *
 * The search reads scores, tags and history, not monitoring days, so the province gets 30 days
 * of monitoring by default (`--monitoring-days 1095` for the generator's three years: about 70
 * million rows at 260,000 enterprises, which the setup then COPYs and scores).
 *
 * It also prints what a first page's result snapshot costs (consistent
 * paging: the whole ordered result stored as int4 keys behind the page), in
 * process against the same database: the first page, the time until its
 * snapshot is stored, a later page and the plain query (page with LIMIT plus
 * count) for the seed search and a province-wide list, and the snapshot's
 * size. `--snapshot-only` stops after that (no PostGraphile
 * needed); a small scale for a quick check: `--enterprises 20000 --snapshot-only`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { generateProvince } from '../simulator/province.generator';
import { createHubServices } from '../src/app/hub-services';
import { YOUNG_GENERATION_FLAG, applyMemoryBudget } from '../src/app/memory-budget';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/project-root';
import { connectDatabase } from '../src/db/database';
import { findFreePort } from '../src/db/embedded-postgres';
import { startHttpServer } from '../src/server/http.server';
import { createScoringServices } from '../src/scoring/scoring.module';
import { TagCatalogue } from '../src/tags/tag-catalogue';
import { TagService } from '../src/tags/tag.service';
import { DivisionDirectory } from '../src/divisions/division-directory';
import { copyProvince } from './support/province-copy';
import { freshBenchDatabase, keptDatabase, machineLine, runBench, secondsSince } from './support/bench-env';
import { countStatements } from './support/statement-count';

/** The seed's search as the hub's clients write it. */
const HUB_QUERY = `query Seed($after: String) {
  enterprises(filter: {tags: {all: ["黄标", "固废危废"]}}, orderBy: SCORE_ASC, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { creditCode name score riskLevel tags { code label } recentHistory(last: 12) { at score riskLevel } } }
  }
}`;

/** The same question put to PostGraphile: search function, computed tags, history by virtual foreign key (newest first). */
const PGL_QUERY = `query Seed($after: Cursor) {
  searchEnterprises(tags: ["黄标", "固废危废"], first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { creditCode name score riskLevel tagList { nodes { code label } }
      scoreHistoriesByCreditCode(orderBy: [AT_DESC, ID_DESC], first: 12) { nodes { at score riskLevel } } }
  }
}`;

interface Target {
  name: string;
  url: string;
  query: string;
  headers: Record<string, string>;
  /** Cursors of pages 2..5, to spread requests over the first five pages. */
  cursors: (string | null)[];
  pageOf(body: any): { endCursor: string | null; rows: number };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** `--accept-encoding` (e.g. `gzip, br`, what browsers send): both servers are asked for compressed answers. */
let acceptEncoding = '';
/** Per server, the sizes of the answers received: as sent and, when they came compressed, decoded. */
const answerBytes = new Map<string, { sent: number; decoded: number; compressed: boolean }[]>();

function post(t: Target, variables: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const u = new URL(t.url);
  const payload = JSON.stringify({ query: t.query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
          ...t.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          const bytes = encoding === 'br' ? zlib.brotliDecompressSync(raw) : encoding === 'gzip' ? zlib.gunzipSync(raw) : raw;
          if (!answerBytes.has(t.name)) answerBytes.set(t.name, []);
          answerBytes.get(t.name)!.push({ sent: raw.length, decoded: bytes.length, compressed: !!encoding });
          resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function request(t: Target, after: string | null): Promise<any> {
  const r = await post(t, { after });
  const body = JSON.parse(r.body);
  if (r.status !== 200 || body.errors) throw new Error(`${t.name}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return body;
}

/** Follows the first five pages once, remembering their cursors; returns the row counts. */
async function prepare(t: Target): Promise<number[]> {
  const rows: number[] = [];
  let after: string | null = null;
  t.cursors = [null];
  for (let i = 0; i < 5; i++) {
    const p = t.pageOf(await request(t, after));
    rows.push(p.rows);
    if (!p.endCursor) break;
    after = p.endCursor;
    if (i < 4) t.cursors.push(after);
  }
  return rows;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `clients` loops sending requests for `seconds`; latencies in ms. */
async function load(t: Target, clients: number, seconds: number): Promise<{ rps: number; lat: number[]; n: number }> {
  const lat: number[] = [];
  const end = Date.now() + seconds * 1000;
  let k = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const after = t.cursors[k++ % t.cursors.length];
        const s = process.hrtime.bigint();
        await request(t, after);
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rps: lat.length / elapsed, lat: lat.sort((a, b) => a - b), n: lat.length };
}

function line(name: string, r: { rps: number; lat: number[]; n: number }): string {
  return `${name.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${pct(r.lat, 50).toFixed(1)} ms  p95 ${pct(r.lat, 95).toFixed(1)} ms  p99 ${pct(r.lat, 99).toFixed(1)} ms  (${r.n} requests)`;
}

/** Starts a server process as it runs in production (NODE_ENV=production: graphql-js skips its development checks); both servers alike. */
function spawnServer(args: string[], cwd: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/\S+\/graphql)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

/** Child mode: the hub's HTTP server over the benchmark database. */
async function serveHub(url: string, port: number): Promise<void> {
  applyMemoryBudget(); // as the hub CLI does
  const db = await connectDatabase(url);
  const config = loadConfig({ DATABASE_URL: url, HUB_PUBLIC_URL: 'http://hub.bench' });
  const services = await createHubServices(config, db);
  const server = await startHttpServer(services, { port, host: '127.0.0.1' });
  console.log(`http://127.0.0.1:${server.port}/graphql`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: '260000' },
      seed: { type: 'string', default: '1' },
      clients: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '15' },
      latency: { type: 'string', default: '400' },
      serve: { type: 'string' },
      port: { type: 'string' },
      keep: { type: 'boolean' },
      'snapshot-only': { type: 'boolean' },
      repeat: { type: 'string', default: '40' },
      'monitoring-days': { type: 'string', default: '30' },
      'reuse-database': { type: 'string' },
      'accept-encoding': { type: 'string' },
    },
  });
  if (values.serve) return serveHub(values.serve, Number(values.port));
  acceptEncoding = values['accept-encoding'] ?? '';
  const n = Number(values.enterprises);
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  const pglDir = path.join(projectRoot(), 'bench', 'postgraphile');
  const snapshotOnly = values['snapshot-only'] === true;
  if (!snapshotOnly && !fs.existsSync(path.join(pglDir, 'node_modules', 'postgraphile')))
    throw new Error('PostGraphile is not installed: cd bench/postgraphile && npm i');
  const monitoringDays = Number(values['monitoring-days']);
  console.log(`search benchmark: ${n} enterprises, ${monitoringDays} days of monitoring, ${clients} clients × ${seconds} s — ${machineLine()}`);

  const reuse = values['reuse-database'];
  const bench = reuse ? await keptDatabase(reuse) : await freshBenchDatabase('search');
  const children: ChildProcess[] = [];
  try {
    const pool = bench.db.pool;
    if (!reuse) await setUp(bench.db, n, Number(values.seed), monitoringDays);
    else console.log(`reused database:      ${reuse} (set up by an earlier run with --keep)`);
    const truth = (
      await pool.query(`select count(*)::int n from enterprise e join lateral (select level from credit_rating r where r.credit_code = e.credit_code
        order by rated_on desc limit 1) c on true where c.level = 'yellow' and 'SOLID_HAZARDOUS_WASTE' = any(e.pollution_types)`)
    ).rows[0].n;
    console.log(`seed search matches:  ${truth} enterprises (黄标 + 固废危废)`);

    const inProcessServices = await createHubServices(loadConfig({ DATABASE_URL: bench.url }), bench.db);
    await snapshotOverhead(inProcessServices, pool, Number(values.repeat));
    if (snapshotOnly) return;

    await pool.query(fs.readFileSync(path.join(pglDir, 'setup.sql'), 'utf8'));
    const key = (await (await createHubServicesForKeys(bench.url)).create({ name: 'bench province', divisionCode: '370000', role: 'ADMIN' })).key;
    const hubPort = await findFreePort(47300);
    // With the node flag the hub starts with (as bin/hub.js and npm start give it); PostGraphile as its own CLI starts.
    const hub = await spawnServer([YOUNG_GENERATION_FLAG, __filename, '--serve', bench.url, '--port', String(hubPort)], projectRoot());
    children.push(hub.child);
    const pglPort = await findFreePort(hubPort + 1);
    const pgl = await spawnServer([path.join(pglDir, 'server.js'), bench.url, String(pglPort)], pglDir);
    children.push(pgl.child);

    const targets: Target[] = [
      {
        name: 'hub',
        url: hub.url,
        query: HUB_QUERY,
        headers: { authorization: `Bearer ${key}` },
        cursors: [],
        pageOf: (b) => ({ endCursor: b.data.enterprises.pageInfo.endCursor, rows: b.data.enterprises.edges.length }),
      },
      {
        name: 'PostGraphile',
        url: pgl.url,
        query: PGL_QUERY,
        headers: {},
        cursors: [],
        pageOf: (b) => ({ endCursor: b.data.searchEnterprises.pageInfo.endCursor, rows: b.data.searchEnterprises.nodes.length }),
      },
    ];
    for (const tg of targets) console.log(`${tg.name.padEnd(12)} first five pages: ${(await prepare(tg)).join(', ')} rows`);
    const firstHub = await request(targets[0], null);
    const firstPgl = await request(targets[1], null);
    const same =
      JSON.stringify(firstHub.data.enterprises.edges.map((e: any) => e.node.creditCode)) ===
      JSON.stringify(firstPgl.data.searchEnterprises.nodes.map((x: any) => x.creditCode));
    console.log(`same first page:      ${same}`);
    for (const tg of targets) {
      const a = answerBytes.get(tg.name) ?? [];
      const mean = (f: (x: (typeof a)[number]) => number) => Math.round(a.reduce((sum, x) => sum + f(x), 0) / Math.max(1, a.length));
      console.log(
        `${tg.name.padEnd(12)} answers:  ${mean((x) => x.decoded)} B of JSON, ${mean((x) => x.sent)} B sent, ${a.filter((x) => x.compressed).length} of ${a.length} compressed (Accept-Encoding: ${acceptEncoding || 'none'})`,
      );
    }

    // Warm both, then latency with one client, then throughput with N clients; alternate the order so neither always goes first.
    for (const tg of targets) await load(tg, clients, 3);
    const latency = Number(values.latency);
    for (const tg of targets) {
      const lat: number[] = [];
      // Apart as well: first pages (a new result each: its snapshot is stored behind the answer) and later pages.
      const byKind: Record<'first' | 'later', number[]> = { first: [], later: [] };
      for (let i = 0; i < latency; i++) {
        const after = tg.cursors[i % tg.cursors.length];
        const s = process.hrtime.bigint();
        await request(tg, after);
        const ms = Number(process.hrtime.bigint() - s) / 1e6;
        lat.push(ms);
        byKind[after ? 'later' : 'first'].push(ms);
      }
      lat.sort((a, b) => a - b);
      const kinds = (['first', 'later'] as const).map((k) => {
        const xs = byKind[k].sort((a, b) => a - b);
        return `${k} pages p50 ${pct(xs, 50).toFixed(1)} / p95 ${pct(xs, 95).toFixed(1)} ms (${xs.length})`;
      });
      console.log(
        `${tg.name.padEnd(12)} 1 client:  p50 ${pct(lat, 50).toFixed(1)} ms  p95 ${pct(lat, 95).toFixed(1)} ms  p99 ${pct(lat, 99).toFixed(1)} ms  (${latency} sequential requests; ${kinds.join(', ')})`,
      );
    }
    const results: Record<string, number[]> = { hub: [], PostGraphile: [] };
    for (const round of [0, 1]) {
      const order = round === 0 ? targets : [...targets].reverse();
      for (const tg of order) {
        const r = await load(tg, clients, seconds);
        results[tg.name].push(r.rps);
        console.log(`round ${round + 1} ${line(tg.name, r)}  — ${clients} clients`);
      }
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `throughput:           hub ${avg(results.hub).toFixed(0)} req/s, PostGraphile ${avg(results.PostGraphile).toFixed(0)} req/s, ratio ${(avg(results.hub) / avg(results.PostGraphile)).toFixed(2)}× (target ≥ 1.5×)`,
    );

    // SQL statements per request: the same server code in this process, where every pg client can be counted.
    const counted = await startHttpServer(inProcessServices, { port: 0, host: '127.0.0.1' });
    try {
      const inProcess: Target = { ...targets[0], url: `http://127.0.0.1:${counted.port}/graphql` };
      // Warm (prepared statements, caches) with a first page whose totalCount waits for its snapshot to be stored, so
      // that the store's commit is not counted with the next request.
      await request({ ...inProcess, query: HUB_QUERY.replace('pageInfo {', 'totalCount pageInfo {') }, null);
      const perPage: string[] = [];
      for (const first of [50, 10]) {
        const q: Target = { ...inProcess, query: HUB_QUERY.replace('first: 50', `first: ${first}`) };
        const { statements } = await countStatements(() => request(q, q.cursors[1] ?? null));
        perPage.push(`${statements.length} at first: ${first}`);
        if (first === 50) console.log(`SQL per request:      ${statements.map((x) => x.split(' ').slice(0, 3).join(' ')).join(' | ')}`);
      }
      console.log(`SQL statements/req:   ${perPage.join(', ')} (the same count whatever the page size)`);
    } finally {
      await counted.close();
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    agent.destroy();
    if (values.keep) {
      console.log(`kept database:        ${bench.url}`);
      await bench.db.close();
    } else await bench.drop();
  }
}

/**
 * What consistent paging costs a first page: for the seed search and a
 * province-wide list (SCORE_ASC, first 50, a province caller), `repeat` rounds
 * of the hub's first page (answered from ORDER BY … LIMIT; the whole result is
 * ordered and stored as a snapshot behind it, in the same transaction), the
 * time until that snapshot is stored (what `totalCount` waits for), a later
 * page (reads 50 keys of the snapshot) and the plain query a first page would
 * be without a snapshot (the page with ORDER BY … LIMIT 50 plus count(*) for
 * totalCount), interleaved; medians and p95 in ms and the stored snapshot's
 * bytes.
 */
async function snapshotOverhead(services: Awaited<ReturnType<typeof createHubServices>>, pool: import('pg').Pool, repeat: number): Promise<void> {
  const scope = services.divisions.provinceScope();
  const cases: [string, Record<string, unknown>][] = [
    ['seed search', { tags: { all: ['黄标', '固废危废'] } }],
    ['province-wide', {}],
  ];
  const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `p50 ${pct(s, 50).toFixed(1)} ms  p95 ${pct(s, 95).toFixed(1)} ms`;
  };
  for (const [label, filter] of cases) {
    const { SqlParams } = await import('../src/jurisdiction/scope');
    const { ENTERPRISE_COLUMNS } = await import('../src/enterprises/enterprise.model');
    const params = new SqlParams();
    const where = await services.enterprises.whereClause(scope, filter, params);
    const plainPage = `select ${ENTERPRISE_COLUMNS} from enterprise e where ${where} order by e.score asc, e.credit_code asc limit 50`;
    const plainCount = `select count(*)::int as n from enterprise e where ${where}`;
    const first: number[] = [];
    const stored: number[] = [];
    const later: number[] = [];
    const plain: number[] = [];
    let bytes = 0;
    let length = 0;
    for (let i = 0; i < repeat + 3; i++) {
      let t = process.hrtime.bigint();
      const page = await services.enterprises.search(scope, filter, 'SCORE_ASC', { first: 50 });
      const tFirst = ms(t);
      await page.totalCount();
      const tStored = ms(t);
      t = process.hrtime.bigint();
      await services.enterprises.search(scope, filter, 'SCORE_ASC', { first: 50, after: page.endCursor });
      const tLater = ms(t);
      t = process.hrtime.bigint();
      await pool.query({ name: `bench-plain-page-${label}`, text: plainPage, values: params.values });
      await pool.query({ name: `bench-plain-count-${label}`, text: plainCount, values: params.values });
      const tPlain = ms(t);
      if (i >= 3) {
        // the first rounds warm caches and prepared statements
        first.push(tFirst);
        stored.push(tStored);
        later.push(tLater);
        plain.push(tPlain);
      }
      const row = (await pool.query(`select pg_column_size(keys) as bytes, length from result_snapshot where id = $1`, [page.snapshotId])).rows[0];
      bytes = row.bytes;
      length = row.length;
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `snapshot ${label.padEnd(14)} ${length} enterprises, ${(bytes / 1024).toFixed(0)} KiB stored — first page ${stat(first)} | stored ${stat(stored)} | later page ${stat(later)} | plain page+count ${stat(plain)} | first-page overhead ${(med(first) - med(plain)).toFixed(1)} ms (median)`,
    );
  }
  await pool.query(`truncate result_snapshot`);
}

/** The API key service over the benchmark database (keys are stored hashed; the clear key is printed once). */
async function createHubServicesForKeys(url: string) {
  const db = await connectDatabase(url);
  const { ApiKeyService } = await import('../src/auth/api-key.service');
  const svc = new ApiKeyService(db.pool, await DivisionDirectory.load(db.pool));
  return {
    create: async (input: { name: string; divisionCode: string; role: string }) => {
      try {
        return await svc.create(input);
      } finally {
        await db.close();
      }
    },
  };
}

/** Loads the generated province into the empty bench database, scores it, adds older history and tags it (set-based). */
async function setUp(db: BenchDb, n: number, seed: number, monitoringDays: number): Promise<void> {
  const pool = db.pool;
  let t = process.hrtime.bigint();
  const province = generateProvince({ enterprises: n, seed, monitoringDays });
  console.log(`generated:            ${secondsSince(t)} s`);
  t = process.hrtime.bigint();
  const client = await pool.connect();
  const counts: Record<string, number> = {};
  try {
    Object.assign(counts, await copyProvince(client, province, { credit: true }));
  } finally {
    client.release();
  }
  console.log(
    `loaded (COPY):        ${secondsSince(t)} s — ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await pool.query('analyze');

  t = process.hrtime.bigint();
  const scoring = createScoringServices(db);
  await scoring.scores.rescoreAll();
  console.log(`rescore --all:        ${secondsSince(t)} s`);
  t = process.hrtime.bigint();
  await pool.query(`insert into score_history (credit_code, at, score, risk_level, rule_set_version, cause)
      select h.credit_code, h.at - make_interval(days => 30 * g), least(100, h.score + g), h.risk_level, h.rule_set_version, 'RESCORE'
        from score_history h cross join generate_series(1, 11) as g`);
  console.log(`older history:        ${secondsSince(t)} s — 11 more points per enterprise`);
  t = process.hrtime.bigint();
  const divisions = await DivisionDirectory.load(pool);
  const catalogue = new TagCatalogue(pool, divisions);
  await catalogue.reload();
  const retag = await new TagService(db, catalogue, divisions).retagAll();
  console.log(`retag --all:          ${secondsSince(t)} s — ${retag.enterprises} enterprises`);
  await pool.query('vacuum analyze');
}

type BenchDb = Awaited<ReturnType<typeof connectDatabase>>;

runBench(main);
