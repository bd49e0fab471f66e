import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { ServeProcess, gql, startServe } from './support/drill-kit';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * Load drill (issue 9): N concurrent clients, each with its own API key (the
 * province, a city, a county), send a mix of realistic queries over real HTTP
 * to a `hub serve` process for T seconds — enterprise search with tag and
 * risk filters, one enterprise's health report, facets — while `hub sync`
 * processes re-read every source system and rescore. Every request must
 * succeed; the latency percentiles are printed, never asserted.
 *
 * CI size: 10 clients for 10 s on a ~1,000-enterprise province. The long
 * version (50 clients, 60 s, 3,000 enterprises) runs with `HUB_LONG_DRILLS=1`.
 * Needs the built CLI (`npm run build`; `npm test` builds first).
 */
const LONG = process.env.HUB_LONG_DRILLS === '1';
const CLIENTS = LONG ? 50 : 10;
const SECONDS = LONG ? 60 : 10;
const ENTERPRISES = LONG ? 3000 : 1000;
const CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring'];

const SEARCH = `query($filter: EnterpriseFilter, $after: String) {
  enterprises(first: 20, filter: $filter, after: $after, orderBy: SCORE_ASC) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { creditCode name score riskLevel division { code name } tags { code label } } }
  }
}`;
const REPORT = `query($code: String!) {
  enterprise(creditCode: $code) {
    creditCode name score riskLevel
    healthReport { asOf score riskLevel basis deductions { system rule points date recordId } }
    permits { permitNo validTo status }
  }
}`;
const FACETS = `query($filter: EnterpriseFilter) {
  enterpriseFacets(filter: $filter, scoreBucketWidth: 10) {
    totalCount riskLevels { riskLevel count } tags { count tag { code } } divisions { count division { code } } scoreHistogram { from to count }
  }
}`;

/** The p-th percentile (0–100) of sorted values, nearest rank. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Caller {
  key: string;
  divisionCode: string;
  codes: string[];
}

describe(`load drill: ${CLIENTS} clients for ${SECONDS} s while a sync runs`, () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let tdb: TestDatabase;
  let serve: ServeProcess | undefined;
  const callers: Caller[] = [];
  let tagCodes: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: ENTERPRISES, seed: 9, monitoringDays: 14 });
    tdb = await createTestDatabase();
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    for (const s of await services.runner.syncAll(CONNECTORS)) expect(s.status).toBe('SUCCEEDED');
    // Keys at the three levels: the province, the two largest cities, a county of each.
    const cities = (
      await tdb.db.pool.query<{ code: string }>(`select substr(division_code, 1, 4) || '00' code from enterprise group by 1 order by count(*) desc limit 2`)
    ).rows.map((r) => r.code);
    const counties = (
      await tdb.db.pool.query<{ code: string }>(
        `select distinct on (substr(division_code, 1, 4)) division_code code from enterprise where substr(division_code, 1, 4) || '00' = any($1) group by division_code order by substr(division_code, 1, 4), count(*) desc`,
        [cities],
      )
    ).rows.map((r) => r.code);
    for (const [division, role] of [['370000', 'ADMIN'], ...cities.map((c) => [c, 'BUREAU']), ...counties.map((c) => [c, 'PARTNER'])] as [
      string,
      'ADMIN' | 'BUREAU' | 'PARTNER',
    ][]) {
      const key = (await services.apiKeys.create({ name: `load ${role} ${division}`, divisionCode: division, role })).key;
      const prefix = division.replace(/(00)+$/, '');
      const codes = (
        await tdb.db.pool.query<{ credit_code: string }>(
          `select credit_code from enterprise where division_code like $1 || '%' order by credit_code limit 200`,
          [prefix],
        )
      ).rows.map((r) => r.credit_code);
      callers.push({ key, divisionCode: division, codes });
    }
    tagCodes = (
      await tdb.db.pool.query<{ code: string }>(
        `select t.code from enterprise_tags et cross join unnest(et.tag_ids) x(id) join tag t on t.id = x.id group by t.code order by count(*) desc limit 6`,
      )
    ).rows.map((r) => r.code);
    // The sync during the drill re-reads every source from the start.
    await tdb.db.pool.query(`delete from connector_state`);
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await sim?.close();
    await tdb?.drop();
  });

  it(
    'answers every request without an error',
    async () => {
      expect(tagCodes.length).toBeGreaterThan(0);
      serve = await startServe({ DATABASE_URL: tdb.url, HUB_SOURCES_URL: sim.url, HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *', LOG_LEVEL: 'info' });
      const deadline = Date.now() + SECONDS * 1000;

      // Syncs, one after another, for as long as the load runs (at least one).
      const syncs: (number | null)[] = [];
      const syncLoop = (async () => {
        do {
          const s = spawnHub(['sync', ...CONNECTORS.flatMap((c) => ['--connector', c])], {
            DATABASE_URL: tdb.url,
            HUB_SOURCES_URL: sim.url,
            LOG_LEVEL: 'warn',
          });
          syncs.push(await s.exited);
          await tdb.db.pool.query(`delete from connector_state`);
        } while (Date.now() < deadline);
      })();

      const latencies: number[] = [];
      const failures: string[] = [];
      const counts = { search: 0, report: 0, facets: 0 };
      const client = async (i: number) => {
        const caller = callers[i % callers.length];
        let n = i;
        while (Date.now() < deadline) {
          n++;
          const kind = n % 5 < 2 ? 'search' : n % 5 < 4 ? 'report' : 'facets';
          const tag = tagCodes[n % tagCodes.length];
          const [query, variables] =
            kind === 'search'
              ? [
                  SEARCH,
                  {
                    filter: {
                      divisionCode: caller.divisionCode,
                      tags: n % 2 ? { any: [tag] } : { all: [tag] },
                      ...(n % 3 === 0 ? { riskLevels: ['MEDIUM', 'HIGH'] } : {}),
                    },
                  },
                ]
              : kind === 'report'
                ? [REPORT, { code: caller.codes[n % caller.codes.length] }]
                : [FACETS, { filter: n % 2 ? { divisionCode: caller.divisionCode } : { tags: { any: [tag] } } }];
          const t0 = performance.now();
          try {
            const r = await gql(serve!.port, caller.key, query, variables);
            latencies.push(performance.now() - t0);
            counts[kind]++;
            if (r.status !== 200 || r.errors) failures.push(`${kind} ${r.status} ${JSON.stringify(r.errors).slice(0, 300)}`);
            else if (kind === 'report' && !r.data.enterprise) failures.push(`report: ${caller.divisionCode} cannot see ${variables.code}`);
          } catch (e) {
            failures.push(`${kind}: ${(e as Error).message}`);
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
      const elapsed = (performance.now() - started) / 1000;
      await syncLoop;

      const sorted = [...latencies].sort((a, b) => a - b);
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      console.log(
        `load drill: ${CLIENTS} clients, ${elapsed.toFixed(1)} s, ${ENTERPRISES} enterprises, ${syncs.length} sync(s) alongside\n` +
          `  requests ${latencies.length} (search ${counts.search}, report ${counts.report}, facets ${counts.facets}), ${(latencies.length / elapsed).toFixed(0)} req/s, errors ${failures.length}\n` +
          `  p50 ${ms(percentile(sorted, 50))}  p95 ${ms(percentile(sorted, 95))}  p99 ${ms(percentile(sorted, 99))}  max ${ms(sorted[sorted.length - 1])}`,
      );
      expect(failures.slice(0, 10)).toEqual([]);
      expect(latencies.length).toBe(counts.search + counts.report + counts.facets);
      expect(Math.min(counts.search, counts.report, counts.facets)).toBeGreaterThan(0);
      expect(syncs.length).toBeGreaterThanOrEqual(1);
      expect(syncs.every((code) => code === 0)).toBe(true);
      expect(serve.child.exitCode).toBeNull();
    },
    (SECONDS + 90) * 1000,
  );
});
