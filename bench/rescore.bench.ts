/**
 * Benchmark of the health score on a generated province (default 260,000
 * enterprises): the province's records are generated in-process with the
 * simulator's generator and loaded set-based (COPY) into the typed tables —
 * the connectors' output contract — then:
 *
 * - `hub rescore --all` twice (first scoring: every enterprise gets its first
 *   history point; then the steady state) — target ≤ 10 s;
 * - incremental rescoring of 1,000-enterprise batches — target ≤ 200 ms;
 * - rank lookups (one, and a page of 50 in one statement) and reports.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/rescore.bench.js [--enterprises N] [--seed S]
 */
import { parseArgs } from 'node:util';
import { generateProvince } from '../simulator/province.generator';
import { createScoringServices } from '../src/scoring/scoring.module';
import { copyProvince } from './support/province-copy';
import { freshBenchDatabase, machineLine, runBench } from './support/bench-env';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const { values } = parseArgs({
    options: { enterprises: { type: 'string', default: '260000' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean' } },
  });
  const n = Number(values.enterprises);
  console.log(`rescore benchmark: ${n} enterprises — ${machineLine()}`);
  let t = process.hrtime.bigint();
  const province = generateProvince({ enterprises: n, seed: Number(values.seed) });
  console.log(`generated:         ${(ms(t) / 1000).toFixed(1)} s`);
  const bench = await freshBenchDatabase('rescore');
  try {
    const pool = bench.db.pool;
    t = process.hrtime.bigint();
    const client = await pool.connect();
    try {
      const counts = await copyProvince(client, province);
      await client.query('vacuum analyze');
      console.log(
        `loaded (COPY):     ${(ms(t) / 1000).toFixed(1)} s — ${Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    } finally {
      client.release();
    }

    const scoring = createScoringServices(bench.db);
    for (const label of ['rescore --all (first scoring)', 'rescore --all (steady state)']) {
      t = process.hrtime.bigint();
      const s = await scoring.scores.rescoreAll();
      console.log(
        `${label.padEnd(31)} ${(ms(t) / 1000).toFixed(2)} s — ${s.enterprises} enterprises, ${s.changed} history points; ` +
          Object.entries(s.timings)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') +
          ' ms',
      );
    }
    const stats = (
      await pool.query(`select (select count(*)::int from deduction) d, (select min(score) from enterprise) lo,
      (select count(*)::int from enterprise where risk_level = 'HIGH') high, (select count(*)::int from enterprise where risk_level = 'MEDIUM') medium`)
    ).rows[0];
    console.log(`result:            ${stats.d} deductions, lowest score ${stats.lo}, ${stats.medium} MEDIUM, ${stats.high} HIGH`);

    const all = (await pool.query<{ credit_code: string }>(`select credit_code from enterprise order by random()`)).rows.map((r) => r.credit_code);
    const times: number[] = [];
    let steps = '';
    for (let i = 0; i < 5; i++) {
      const batch = all.slice(i * 1000, (i + 1) * 1000);
      t = process.hrtime.bigint();
      const s = await scoring.scores.rescore({ creditCodes: batch, cause: 'RESCORE' });
      times.push(ms(t));
      steps = Object.entries(s.timings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    }
    console.log(`incremental 1,000: median ${median(times).toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')}; last: ${steps} ms)`);
    // A batch whose records really changed: 1,000 enterprises get a new decided penalty.
    const changedBatch = all.slice(10_000, 11_000);
    await pool.query(
      `insert into penalty (case_no, credit_code, decision_date, amount, daily_consecutive, status, modified_at)
      select 'BENCH-' || credit_code, credit_code, current_date - 10, 250000, false, 'DECIDED', now() from unnest($1::text[]) as credit_code`,
      [changedBatch],
    );
    t = process.hrtime.bigint();
    const changed = await scoring.scores.rescore({ creditCodes: changedBatch, cause: 'SYNC' });
    console.log(
      `incremental 1,000 with changes: ${ms(t).toFixed(0)} ms — ${changed.changed} changed; ` +
        Object.entries(changed.timings)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') +
        ' ms',
    );

    const lowest = (await pool.query<{ credit_code: string }>(`select credit_code from enterprise order by score desc, credit_code desc limit 50`)).rows.map(
      (r) => r.credit_code,
    );
    t = process.hrtime.bigint();
    await scoring.reports.ranks([lowest[0]], '370000');
    const one = ms(t);
    t = process.hrtime.bigint();
    await scoring.reports.ranks(all.slice(0, 50), '370000');
    const page = ms(t);
    t = process.hrtime.bigint();
    await scoring.reports.ranks(lowest, '370000');
    const worstPage = ms(t);
    console.log(
      `rank:              one ${one.toFixed(1)} ms (rank ${n}), page of 50 ${page.toFixed(1)} ms, page of 50 at the top score ${worstPage.toFixed(1)} ms`,
    );
    t = process.hrtime.bigint();
    await scoring.reports.reports(all.slice(0, 50).map((creditCode) => ({ creditCode })));
    const rep = ms(t);
    t = process.hrtime.bigint();
    await scoring.reports.reports(all.slice(0, 50).map((creditCode) => ({ creditCode, asOf: '2026-06-30' })));
    console.log(`healthReport x50:  today (stored) ${rep.toFixed(0)} ms, as of 2026-06-30 (recomputed) ${ms(t).toFixed(0)} ms`);
    t = process.hrtime.bigint();
    const due = await scoring.scores.dueCodes();
    console.log(`due codes:         ${due.length} in ${ms(t).toFixed(0)} ms`);
  } finally {
    if (values.keep) {
      console.log(`kept database:     ${bench.url}`);
      await bench.db.close();
    } else await bench.drop();
  }
}

runBench(main);
