/**
 * Benchmark of monitoring history at real scale (issue 16): the generated
 * province (default 260,000 enterprises) with three years of monitoring
 * (1,095 dates, about 70 million daily rows at that size) served by the
 * simulator in its own process, synced into an empty store by the permit and
 * monitoring connectors as `hub sync` runs them (the monitoring connector's
 * first run backfills the active rule set's window), then:
 *
 * - sync: wall time, monitoring rows/s, peak RSS of the hub process;
 * - `hub rescore --all` at that volume (first scoring, then the steady state);
 * - `Enterprise.monitoringDays` per enterprise over the whole window: p50/p95
 *   of the read behind the field (one statement per enterprise, as one request
 *   for one enterprise issues it);
 * - store size: `monitoring_day` (its partitions) table and index bytes,
 *   bytes per monitoring row, the monitoring share of `source_record` and the
 *   raw records kept per page in `source_batch`.
 *
 * With `--reuse-database URL` (a store full-sync.bench.js `--keep` left, of
 * the same province) it measures the steady state instead of the first sync:
 * the daily run of all five connectors (one new date plus the re-read dates)
 * with its post-sync rescore, then the store size, `rescore --all` and the
 * reads above.
 *
 * Prints figures; asserts nothing. Scale it down for a quick check:
 *
 *   npm run build && node dist/bench/monitoring.bench.js [--enterprises N] [--days D] [--seed S] [--samples K] [--reuse-database URL] [--log]
 *   BENCH_MONITORING_ENTERPRISES=300 BENCH_MONITORING_DAYS=60 node dist/bench/monitoring.bench.js
 */
import { parseArgs } from 'node:util';
import { createHubServices } from '../src/app/hub-services';
import { applyMemoryBudget } from '../src/app/memory-budget';
import { loadConfig } from '../src/config/config';
import { addDays, chinaToday } from '../src/domain/china-date';
import {
  BenchDatabase,
  freshBenchDatabase,
  keptDatabase,
  machineLine,
  peakRssMb,
  printRunTable,
  secondsSince,
  spawnSimulator,
  runBench,
} from './support/bench-env';

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

type Services = Awaited<ReturnType<typeof createHubServices>>;
type Pool = Services['db']['pool'];

/** Every source system, as `hub sync` runs them daily (the credit system is the declaratively registered one). */
const DAILY_CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit-rating'];

async function main() {
  applyMemoryBudget(); // as the hub CLI does
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: process.env.BENCH_MONITORING_ENTERPRISES ?? '260000' },
      days: { type: 'string', default: process.env.BENCH_MONITORING_DAYS ?? '1095' },
      seed: { type: 'string', default: '1' },
      samples: { type: 'string', default: '200' },
      'reuse-database': { type: 'string' },
      log: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.enterprises);
  const days = Number(values.days);
  const reuse = values['reuse-database'];
  console.log(`monitoring benchmark: ${n} enterprises, ${days} days of monitoring — ${machineLine()}`);
  const tSim = Date.now();
  const sim = await spawnSimulator(['--enterprises', String(n), '--seed', values.seed!, '--monitoring-days', String(days)]);
  console.log(`simulator ready in ${((Date.now() - tSim) / 1000).toFixed(1)} s (separate process)`);
  const bench: BenchDatabase = reuse ? await keptDatabase(reuse) : await freshBenchDatabase('monitoring');
  try {
    // --log: the hub's log lines (runs, vacuums, post-sync steps) with the seconds since the start, to see where a run's time goes.
    const t0 = Date.now();
    const log = values.log ? (l: string) => console.log(`  [${((Date.now() - t0) / 1000).toFixed(1)} s] ${l}`) : undefined;
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url, HUB_SYNC_CONCURRENCY: process.env.HUB_SYNC_CONCURRENCY }), bench.db, {
      log,
    });
    const pool = bench.db.pool;
    console.log(`server: ${bench.server}`);
    const window = (await services.scoring.ruleSets.active()).windowDays;
    console.log(`active rule set window: ${window} days (the monitoring connector's first run reads it back, plus its overlap)\n`);

    if (reuse) await steadyDailySync(services, pool);
    else await firstSync(services, pool);
    await storeSize(pool);

    // Scores over the three years.
    for (const label of reuse ? ['steady', 'steady'] : ['first', 'steady']) {
      const t = process.hrtime.bigint();
      const r = await services.scoring.scores.rescoreAll();
      console.log(`rescore --all (${label}): ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s, ${r.enterprises} enterprises, ${r.changed} changed`);
    }
    const ded = (
      await pool.query<{ rule_code: string; n: number }>(
        `select rule_code, count(*)::int as n from deduction where rule_code like 'MON_%' group by 1 order by 1`,
      )
    ).rows;
    console.log(`monitoring deductions: ${ded.map((d) => `${d.rule_code} ${d.n}`).join(', ')}`);
    await perEnterpriseReads(services, pool, days, Number(values.samples));
    console.log(`peak RSS of the hub process: ${peakRssMb()} MB`);
  } finally {
    await bench.drop();
    await sim.stop();
  }
}

/** The permit and monitoring connectors' first runs into the empty store, as `hub sync` runs them. */
async function firstSync(services: Services, pool: Pool): Promise<void> {
  const t0 = process.hrtime.bigint();
  const runs = await services.runner.syncAll(['permit', 'monitoring'], 'bench', { skipPostSync: true });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  printRunTable(runs);
  const mon = runs.find((r) => r.connectorId === 'monitoring')!;
  console.log(`sync (wall): ${wall.toFixed(1)} s`);
  console.log(`monitoring rows/s: ${Math.round(mon.fetched / (mon.durationMs / 1000))}`);
  console.log(`peak RSS of the hub process during the sync: ${peakRssMb()} MB`);
  const backfill = (await pool.query(`select backfill from connector_state where connector_id = 'monitoring'`)).rows[0]?.backfill;
  console.log(`monitoring backfill: ${JSON.stringify(backfill)}`);
}

/**
 * The daily run on a store that already holds the window (kept by
 * full-sync.bench.ts `--keep`): first the store is put back to the state the
 * previous day's run left — the newest date's monitoring rows taken out, the
 * monitoring cursor one date back, everything derived again — then every
 * connector runs as the daily `hub sync` does (the monitoring connector reads
 * its re-read dates and the one new date) and the post-sync steps (rescore of
 * what changed, tags, warnings) follow. Both are timed.
 */
async function steadyDailySync(services: Services, pool: Pool): Promise<void> {
  const last = (await pool.query<{ d: string }>(`select cursor->>'lastComplete' as d from connector_state where connector_id = 'monitoring'`)).rows[0]?.d;
  if (!last) throw new Error('the kept store has no monitoring cursor: keep one with full-sync.bench.js --keep');
  let t = process.hrtime.bigint();
  const removed = await pool.query(`delete from monitoring_day where day = $1::date`, [last]);
  await pool.query(
    `update connector_state set cursor = jsonb_set(cursor, '{lastComplete}', to_jsonb(($1::date - 1)::text)) where connector_id = 'monitoring'`,
    [last],
  );
  await services.runner.afterSync([]);
  console.log(`the day before: ${removed.rowCount} rows of ${last} taken out, cursor set back, derived again in ${secondsSince(t)} s (not measured)\n`);

  t = process.hrtime.bigint();
  const runs = await services.runner.syncAll(DAILY_CONNECTORS, 'bench');
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  printRunTable(runs);
  const fetchWrite = runs.reduce((s, r) => s + r.durationMs, 0) / 1000;
  console.log(
    `steady daily sync (wall): ${wall.toFixed(1)} s — connectors ${fetchWrite.toFixed(1)} s, post-sync (rescore, tags, warnings) ${(wall - fetchWrite).toFixed(1)} s`,
  );
  const back = (await pool.query<{ n: number }>(`select count(*)::int as n from monitoring_day where day = $1::date`, [last])).rows[0].n;
  console.log(`rows of ${last} back in the store: ${back}`);
  console.log(`peak RSS of the hub process during the sync: ${peakRssMb()} MB`);
}

/** Store size: the partitioned table with its partitions, and what raw-record keeping adds. */
async function storeSize(pool: Pool): Promise<void> {
  const size = (
    await pool.query<{ parts: number; rows: string; heap: string; idx: string }>(
      `select count(*)::int as parts, (select count(*) from monitoring_day)::text as rows,
              sum(pg_table_size(relid))::text as heap, sum(pg_indexes_size(relid))::text as idx
         from pg_partition_tree('monitoring_day') where isleaf`,
    )
  ).rows[0];
  const rows = Number(size.rows);
  const heap = Number(size.heap);
  const idx = Number(size.idx);
  const src = (
    await pool.query<{ total: string; mon: string; all: string }>(
      `select pg_total_relation_size('source_record')::text as total,
              (select count(*) from source_record where connector_id = 'monitoring')::text as mon,
              (select count(*) from source_record)::text as all`,
    )
  ).rows[0];
  const srcShare = Number(src.all) ? (Number(src.total) * Number(src.mon)) / Number(src.all) : 0;
  console.log(`\nmonitoring_day: ${rows} rows in ${size.parts} month partitions; table ${mb(heap)}, indexes ${mb(idx)}, total ${mb(heap + idx)}`);
  console.log(
    `bytes per monitoring row: ${rows ? Math.round((heap + idx) / rows) : 0} (table ${rows ? Math.round(heap / rows) : 0} + indexes ${rows ? Math.round(idx / rows) : 0})`,
  );
  console.log(
    `source_record: ${src.mon} monitoring rows of ${src.all}; ${mb(Number(src.total))} in all, about ${mb(srcShare)} for monitoring (${rows ? Math.round(srcShare / rows) : 0} bytes per monitoring row)`,
  );
  // Monitoring keeps its raw records per written page (source_batch, one compressed jsonb per page).
  const batches = (
    await pool.query<{ n: number; total: string; keys: string }>(
      `select count(*)::int as n, pg_total_relation_size('source_batch')::text as total, coalesce(sum(row_count), 0)::text as keys from source_batch`,
    )
  ).rows[0];
  console.log(
    `source_batch: ${batches.n} batches holding ${batches.keys} raw records; ${mb(Number(batches.total))} (${rows ? Math.round(Number(batches.total) / rows) : 0} bytes per monitoring row)`,
  );
  console.log(`database size: ${mb(Number((await pool.query(`select pg_database_size(current_database())::text as s`)).rows[0].s))}`);
}

/** Per-enterprise reads over the whole window: the statement behind `Enterprise.monitoringDays`. */
async function perEnterpriseReads(services: Services, pool: Pool, days: number, samples: number): Promise<void> {
  const today = chinaToday();
  const codes = (
    await pool.query<{ credit_code: string }>(
      `select credit_code from (select distinct credit_code from monitoring_day where day = $1::date) x order by md5(credit_code) limit $2`,
      [addDays(today, -1), samples],
    )
  ).rows.map((r) => r.credit_code);
  const from = addDays(today, -(Math.min(days, 1100) - 1));
  const times: number[] = [];
  let served = 0;
  for (const code of codes) {
    const t = process.hrtime.bigint();
    const [list] = await services.monitoringDays.days([code], from, today, null);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    served += list.length;
  }
  console.log(
    `\nmonitoringDays (${from} … ${today}) over ${codes.length} enterprises: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, ${Math.round(served / Math.max(1, codes.length))} days per enterprise`,
  );
}

runBench(main);
