import { HubServices } from '../app/hub-services';
import { chinaToday } from '../domain/china-date';

/** The quarter (`2026Q4`) a China date falls in, and its first day. */
function quarterOf(date: string): { quarter: string; start: string } {
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
  return { quarter: `${date.slice(0, 4)}Q${q}`, start: `${date.slice(0, 4)}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01` };
}

const pct = (x: number | null) => (x == null ? '–' : `${(x * 100).toFixed(0)} %`);

/**
 * The demo's supervision loop (`hub start` with its own simulator): a roster of
 * three demo inspectors per county (when none is imported), this quarter's
 * province plan (seed `demo-<quarter>`, when none is drawn), and the
 * simulator's enforcement system inspecting the planned enterprises and those
 * of open tasks today — findings from each enterprise's hidden profile — which
 * the enforcement connector brings back. Returns a line with the violation
 * rates the random inspections found per risk level (supervisionStats).
 */
export async function runDemoSupervision(services: HubServices, simulatorUrl: string): Promise<string> {
  const pool = services.db.pool;
  const today = chinaToday();
  const { quarter, start } = quarterOf(today);
  const province = services.divisions.provinceScope();
  if (!(await pool.query(`select 1 from inspector limit 1`)).rowCount) {
    const counties = await pool.query<{ code: string; n: number }>(`select division_code as code, count(*)::int as n from enterprise group by 1 order by 1`);
    await services.inspectionPlans.roster.upsert(
      counties.rows.flatMap((c) =>
        [1, 2, 3].map((k) => ({
          id: `DEMO-${c.code}-${k}`,
          name: `演示检查员${k}`,
          divisionCode: c.code,
          capacityPerQuarter: Math.max(10, c.n),
          conflicts: [],
        })),
      ),
    );
  }
  const drawn = await services.inspectionPlans.plans(province, { quarter });
  if (!drawn.length) await services.inspectionPlans.draw({ quarter, divisionCode: province.divisionCode, seed: `demo-${quarter}` }, province, 'demo');
  const work = await pool.query(
    `select credit_code as "creditCode", $1::text as date from inspection_plan_item where status = 'PLANNED'
     union select credit_code, $1::text from supervision_task where status <> 'DONE' order by 1`,
    [today],
  );
  if (work.rowCount) {
    const res = await fetch(`${simulatorUrl.replace(/\/+$/, '')}/admin/inspections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(work.rows),
    });
    if (!res.ok) throw new Error(`the simulator refused the work list: HTTP ${res.status}`);
    await services.runner.syncAll(['enforcement'], 'start');
  }
  const stats = await services.supervisionStats.stats(province, start, today);
  return `supervision demo: ${work.rowCount} enterprises inspected (plan ${quarter}, tasks); violations found by random inspection: ${stats.riskLevels
    .map((l) => `${l.riskLevel} ${pct(l.rate)} of ${l.inspections}`)
    .join(', ')}`;
}
