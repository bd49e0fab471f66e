/**
 * Benchmark: sync of a generated 260,000-enterprise permit system into an
 * empty store over HTTP (target ≤ 30 s on a 2-core machine). Prints
 * enterprises/s and the hub's peak RSS; asserts nothing.
 *
 *   npm run build && node dist/bench/permit-sync.bench.js [--enterprises N]
 */
import { parseArgs } from 'node:util';
import { createHubServices } from '../src/app/hub-services';
import { applyMemoryBudget } from '../src/app/memory-budget';
import { loadConfig } from '../src/config/config';
import { freshBenchDatabase, machineLine, peakRssMb, spawnSimulator, runBench } from './support/bench-env';

async function main() {
  applyMemoryBudget(); // as the hub CLI does

  const { values } = parseArgs({ options: { enterprises: { type: 'string', default: '260000' }, seed: { type: 'string', default: '1' } } });
  const n = Number(values.enterprises);
  console.log(`permit sync benchmark: ${n} enterprises — ${machineLine()}`);
  const sim = await spawnSimulator(['--enterprises', String(n), '--seed', values.seed!]);
  const bench = await freshBenchDatabase('permit');
  try {
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), bench.db, {});
    const t0 = process.hrtime.bigint();
    const s = await services.runner.run('permit', 'bench', { skipPostSync: true });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const stored = (await bench.db.pool.query(`select (select count(*)::int from enterprise) e, (select count(*)::int from permit) p`)).rows[0];
    console.log(`server:            ${bench.server}`);
    console.log(`status:            ${s.status}${s.error ? ` (${s.error})` : ''}`);
    console.log(`enterprises:       ${stored.e} stored, ${stored.p} permits`);
    console.log(`time:              ${seconds.toFixed(1)} s`);
    console.log(`throughput:        ${Math.round(stored.e / seconds)} enterprises/s`);
    console.log(`peak RSS (hub):    ${peakRssMb()} MB`);
  } finally {
    await bench.drop();
    await sim.stop();
  }
}

runBench(main);
