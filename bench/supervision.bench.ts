/**
 * Benchmark of the random-inspection draw (issue 19): a province of N
 * enterprises (default 260,000) spread over every county, risk levels and
 * credit ratings in fixed proportions, and a roster of 5,000 inspectors; then
 * the province's quarterly plan drawn and stored (pool built in SQL, the draw,
 * items written) — target ≤ 10 s — and its verification from the stored inputs;
 * then dispatch: one warning per 20 enterprises made a task, and every task escalated;
 * then outcomes — every drawn enterprise and half of the tasks' enterprises inspected, a
 * drawn one found violating by its risk level (HIGH 40 %, MEDIUM 20 %, LOW 5 %) — linked,
 * and `supervisionStats` for the province timed (target ≤ 500 ms), without and with a
 * candidate rule set, and for one city. The province plan covers every county of the 16
 * cities. The full scale is the default (setup is set-based SQL, about a minute);
 * `--enterprises 20000 --inspectors 400` is a quick run.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/supervision.bench.js [--enterprises N] [--inspectors M] [--runs R] [--keep]
 *
 * `--keep` leaves the benchmark's database behind (its URL printed) for EXPLAIN.
 */
import { parseArgs } from 'node:util';
import { DivisionDirectory } from '../src/divisions/division-directory';
import { InspectionPlanService } from '../src/supervision/inspection-plan.service';
import { SupervisionTaskService } from '../src/supervision/supervision-task.service';
import { addDays, chinaToday } from '../src/domain/china-date';
import { RuleSetRepository } from '../src/scoring/rule-set.repository';
import { SupervisionStats, SupervisionStatsService } from '../src/supervision/supervision-stats.service';
import { freshBenchDatabase, machineLine, runBench } from './support/bench-env';

const fmtRate = (x: number | null) => (x == null ? '-' : `${(x * 100).toFixed(1)} %`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: '260000' },
      inspectors: { type: 'string', default: '5000' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.enterprises);
  const m = Number(values.inspectors);
  const runs = Math.max(1, Number(values.runs));
  console.log(machineLine());
  const bench = await freshBenchDatabase('supervision');
  const pool = bench.db.pool;
  try {
    let t = Date.now();
    await pool.query(
      `with c as (select code, row_number() over (order by code) - 1 as k, count(*) over () as total from division where level = 'COUNTY')
       insert into enterprise (credit_code, name, division_code, risk_level)
       select '91370000' || lpad(g::text, 9, '0') || 'X', '企业' || g, c.code,
              case when g % 20 = 0 then 'HIGH' when g % 5 = 0 then 'MEDIUM' else 'LOW' end
         from generate_series(0, $1::int - 1) g join c on c.k = g % c.total`,
      [n],
    );
    await pool.query(
      `insert into credit_rating (credit_code, connector_id, level, rated_on)
       select credit_code, 'credit-rating', (array['green','blue','yellow','red','black'])[1 + (abs(hashtext(credit_code)) % 5)], date '2026-06-30'
         from enterprise where abs(hashtext(credit_code)) % 3 = 0`,
    );
    await pool.query(
      `insert into enforcement_record (credit_code, record_id, kind, event_date, finding, status, modified_at)
       select credit_code, 'R' || credit_code, 'INSPECTION', current_date - (abs(hashtext(credit_code)) % 120), 'NONE', 'ACTIVE', now()
         from enterprise where abs(hashtext(credit_code)) % 7 = 0`,
    );
    await pool.query(
      `with c as (select code, row_number() over (order by code) - 1 as k, count(*) over () as total from division where level = 'COUNTY')
       insert into inspector (id, name, division_code, capacity_per_quarter, conflicts)
       select 'I' || lpad(g::text, 5, '0'), '检查员' || g, c.code, 12, '{}' from generate_series(0, $1::int - 1) g join c on c.k = g % c.total`,
      [m],
    );
    await pool.query('analyze');
    console.log(`setup: ${n} enterprises, ${m} inspectors in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const plans = new InspectionPlanService(pool, await DivisionDirectory.load(pool));
    const province = { divisionCode: '370000', level: 'PROVINCE' as const };
    t = Date.now();
    const plan = await plans.draw({ quarter: '2026Q4', divisionCode: '370000', seed: 'bench-seed' }, province, 'bench');
    const drawMs = Date.now() - t;
    const shortfall = plan.counties.reduce((a, c) => a + c.shortfall, 0);
    console.log(
      `draw (province, ${n} enterprises, ${m} inspectors)  ${(drawMs / 1000).toFixed(2)} s  (${plan.itemCount} items, shortfall ${shortfall}, target ≤ 10 s)`,
    );
    t = Date.now();
    const v = await plans.verify(plan.id);
    console.log(`verify from stored inputs  ${((Date.now() - t) / 1000).toFixed(2)} s  (${v.identical ? 'identical' : 'DIFFERS'})`);

    // Dispatch: one EXCEED_TREND warning per 20 enterprises becomes a task; then every task escalates once.
    await pool.query(
      `insert into warning (type, credit_code, subject, severity, message)
       select 'EXCEED_TREND', credit_code, 'DW001/a21026', case when abs(hashtext(credit_code)) % 2 = 0 then 'HIGH' else 'MEDIUM' end, 'bench'
         from enterprise where abs(hashtext(credit_code)) % 20 = 0`,
    );
    const tasks = new SupervisionTaskService(pool);
    t = Date.now();
    const d = await tasks.dispatch({ all: true });
    console.log(
      `dispatch (tasks from warnings, inspections linked)  ${((Date.now() - t) / 1000).toFixed(2)} s  (${d.created} tasks, ${d.tasksDone} done, ${d.planItemsDone} plan items)`,
    );
    t = Date.now();
    const e = await tasks.escalate(addDays(chinaToday(), 8));
    console.log(`escalate overdue tasks  ${((Date.now() - t) / 1000).toFixed(2)} s  (${e.escalated} escalated)`);

    // Outcomes: the drawn enterprises inspected on the plan date (violations by risk level), half of the tasks' enterprises today.
    await pool.query(
      `insert into enforcement_record (credit_code, record_id, kind, event_date, finding, status, modified_at)
       select i.credit_code, 'PLAN-' || i.plan_id || '-' || i.position, 'INSPECTION', p.plan_date,
              case when abs(hashtext(i.credit_code || '/finding')) % 100 < case pp.risk_level when 'HIGH' then 40 when 'MEDIUM' then 20 else 5 end
                   then 'VIOLATION' else 'NONE' end, 'ACTIVE', now()
         from inspection_plan_item i join inspection_plan p on p.id = i.plan_id join inspection_plan_pool pp using (plan_id, credit_code)
       union all
       select t.credit_code, 'TASK-' || t.id, 'INSPECTION', $1::date, case when t.id % 3 = 0 then 'VIOLATION' else 'NONE' end, 'ACTIVE', now()
         from supervision_task t where t.id % 2 = 0
       on conflict do nothing`,
      [chinaToday()],
    );
    await pool.query('analyze');
    t = Date.now();
    const linked = await tasks.dispatch({ all: true });
    console.log(`link inspections  ${((Date.now() - t) / 1000).toFixed(2)} s  (${linked.tasksDone} tasks done, ${linked.planItemsDone} plan items inspected)`);
    // what autovacuum does after the links moved every item to DONE: the planner sees the DONE items
    await pool.query('analyze inspection_plan_item, supervision_task, enforcement_record');
    const stats = new SupervisionStatsService(pool, new RuleSetRepository(pool));
    const from = `${plan.quarter.slice(0, 4)}-${String((Number(plan.quarter.slice(5)) - 1) * 3 + 1).padStart(2, '0')}-01`;
    const to = addDays(chinaToday(), 1);
    const time = async (label: string, run: () => Promise<SupervisionStats>) => {
      const ms: number[] = [];
      let last!: SupervisionStats;
      for (let i = 0; i < runs; i++) {
        const s0 = process.hrtime.bigint();
        last = await run();
        ms.push(Number(process.hrtime.bigint() - s0) / 1e6);
      }
      const sorted = [...ms].sort((a, b) => a - b);
      console.log(`${label}  median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms  (runs: ${ms.map((x) => x.toFixed(0)).join(', ')} ms)`);
      return last;
    };
    const st = await time(`supervisionStats (province, ${from}..${to}, target ≤ 500 ms)`, () => stats.stats(province, from, to));
    for (const l of st.riskLevels)
      console.log(`  ${l.riskLevel.padEnd(6)} ${l.violations}/${l.inspections} = ${fmtRate(l.rate)} [${fmtRate(l.low)}, ${fmtRate(l.high)}]`);
    console.log(
      `  ${st.warningTypes.map((w) => `${w.type} raised ${w.raised}, confirmed ${fmtRate(w.confirmedShare)}, median ${w.medianDaysToInspection ?? '-'} d`).join('; ')}`,
    );
    console.log(`  ${st.counties.length} counties, ${st.counties.reduce((a, c) => a + c.tasksCreated, 0)} tasks`);
    const ct = await time(`supervisionStats (province, candidate SD-2021)`, () => stats.stats(province, from, to, 'SD-2021'));
    console.log(
      `  candidate ${ct.candidate!.riskLevels.map((l) => `${l.riskLevel} ${l.violations}/${l.inspections}`).join(', ')} (the bench's risk levels are set, not scored from records: the candidate finds no deductions; this times its derivation)`,
    );
    await time(`supervisionStats (city 370100)`, () => stats.stats({ divisionCode: '370100', level: 'CITY' }, from, to));
  } finally {
    if (values.keep) {
      console.log(`kept the database for inspection: ${bench.url}`);
      await bench.db.close();
    } else await bench.drop();
  }
}

runBench(main);
