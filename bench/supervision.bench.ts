/**
 * Benchmark of the random-inspection draw (issue 19): a province of N
 * enterprises (default 260,000) spread over every county, risk levels and
 * credit ratings in fixed proportions, and a roster of 5,000 inspectors; then
 * the province's quarterly plan drawn and stored (pool built in SQL, the draw,
 * items written) — target ≤ 10 s — and its verification from the stored inputs;
 * then dispatch: one warning per 20 enterprises made a task, and every task escalated.
 *
 * Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/supervision.bench.js [--enterprises N] [--inspectors M]
 */
import { parseArgs } from 'node:util';
import { DivisionDirectory } from '../src/divisions/division-directory';
import { InspectionPlanService } from '../src/supervision/inspection-plan.service';
import { SupervisionTaskService } from '../src/supervision/supervision-task.service';
import { addDays, chinaToday } from '../src/domain/china-date';
import { freshBenchDatabase, machineLine, runBench } from './support/bench-env';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { enterprises: { type: 'string', default: '260000' }, inspectors: { type: 'string', default: '5000' } } });
  const n = Number(values.enterprises);
  const m = Number(values.inspectors);
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
  } finally {
    await bench.drop();
  }
}

runBench(main);
