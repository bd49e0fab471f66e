import { TestHub, startTestHub } from './support/test-hub';
import { chinaToday } from '../src/domain/china-date';

/**
 * The analysis (issue 19 scope 6, spec supervision §3) on a generated province
 * whose enforcement system inspects what the hub plans and dispatches: the
 * province's quarterly plan is drawn, its enterprises and every task's
 * enterprise are handed to the simulator's enforcement system, whose findings
 * follow each enterprise's hidden profile; the connector brings the
 * inspections back; `supervisionStats` then shows HIGH > MEDIUM > LOW
 * violation rates with Wilson intervals, the same numbers SQL counts in the
 * test, per warning type and per county, for a candidate rule set too, and
 * only inside the caller's jurisdiction.
 */

let hub: TestHub;
const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params);
const drawDay = chinaToday();
const quarter = `${drawDay.slice(0, 4)}Q${Math.floor((Number(drawDay.slice(5, 7)) - 1) / 3) + 1}`;
const quarterStart = `${drawDay.slice(0, 4)}-${String((Number(quarter.slice(5)) - 1) * 3 + 1).padStart(2, '0')}-01`;
/**
 * The day the enforcement system inspects: the later of the plan's date and the newest task's, as the hub recorded
 * them (set once the plan is drawn). An inspection dated before either closes nothing, so a run that crosses China's
 * midnight between this file's loading and the draw must not date the inspections by the clock read at loading.
 */
let today = drawDay;

const STATS = `query($d: String!, $from: Date!, $to: Date!, $c: String) { supervisionStats(divisionCode: $d, from: $from, to: $to, candidateRuleSetId: $c) {
  divisionCode from to
  warningTypes { type raised confirmed confirmedShare inspected medianDaysToInspection }
  riskLevels { riskLevel inspections violations rate low high }
  counties { divisionCode name tasksCreated tasksOnTime tasksEscalated tasksOpen plans { quarter items done completion } }
  candidate { ruleSetVersion riskLevels { riskLevel inspections violations rate low high } } } }`;

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 2500, seed: 19, today: '2026-11-30' }, server: true });
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  // a roster with room for every drawn enterprise: four inspectors per county
  const counties = (await q(`select distinct division_code from enterprise order by 1`)).rows.map((r) => r.division_code as string);
  await hub.services.inspectionPlans.roster.upsert(
    counties.flatMap((c) => [1, 2, 3, 4].map((k) => ({ id: `I-${c}-${k}`, name: `检查员${c}-${k}`, divisionCode: c, capacityPerQuarter: 400, conflicts: [] }))),
  );
  await hub.services.inspectionPlans.draw({ quarter, divisionCode: '370000', seed: 'stats-test' }, { divisionCode: '370000', level: 'PROVINCE' }, 'test');
  today = (
    await q(`select to_char(greatest((select max(plan_date) from inspection_plan), (select max(created_date) from supervision_task)), 'YYYY-MM-DD') as d`)
  ).rows[0].d;
  // the enforcement system inspects the planned enterprises and every task's enterprise today
  const work = await q(
    `select credit_code as "creditCode", $1::text as date from inspection_plan_item union select credit_code, $1::text from supervision_task order by 1`,
    [today],
  );
  const res = await fetch(`${hub.sim.url}/admin/inspections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(work.rows),
  });
  expect(res.status).toBe(200);
  expect((await hub.services.runner.syncAll(['enforcement']))[0].status).toBe('SUCCEEDED');
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe('supervision stats', () => {
  it('inspections arriving through the connector close the plan items and the tasks', async () => {
    expect((await q(`select count(*)::int as n from inspection_plan_item where status <> 'DONE'`)).rows[0].n).toBe(0);
    expect((await q(`select count(*)::int as n from supervision_task where status <> 'DONE'`)).rows[0].n).toBe(0);
    // the simulator's findings are deterministic: the same work list again is the same records
    const again = await fetch(`${hub.sim.url}/admin/inspections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify((await q(`select credit_code as "creditCode", $1::text as date from inspection_plan_item order by 1 limit 50`, [today])).rows),
    });
    const records = ((await again.json()) as { records: { record_id: string; finding: string }[] }).records;
    const stored = await q(`select record_id, finding from enforcement_record where record_id = any($1::text[])`, [records.map((r) => r.record_id)]);
    const byId = new Map(stored.rows.map((r) => [r.record_id, r.finding]));
    expect(records.map((r) => byId.get(r.record_id))).toEqual(records.map((r) => r.finding));
  });

  it('shows HIGH > MEDIUM > LOW violation rates found by random inspections, with Wilson intervals, as SQL counts them', async () => {
    const r = await hub.graphql(STATS, { d: '370000', from: quarterStart, to: today, c: 'SD-2021' });
    expect(r.errors).toBeUndefined();
    const s = r.data.supervisionStats;
    const expected = await q(
      `select pp.risk_level, count(*)::int as n, count(*) filter (where x.finding in ('VIOLATION', 'NO_PERMIT'))::int as k
         from inspection_plan_item i join inspection_plan_pool pp using (plan_id, credit_code) join enforcement_record x on x.record_id = i.inspection_record_id
        group by 1`,
    );
    const byLevel = Object.fromEntries(s.riskLevels.map((l: any) => [l.riskLevel, l]));
    expect(s.riskLevels.map((l: any) => l.riskLevel)).toEqual(['HIGH', 'MEDIUM', 'LOW']);
    for (const e of expected.rows) expect([byLevel[e.risk_level].inspections, byLevel[e.risk_level].violations]).toEqual([e.n, e.k]);
    for (const l of s.riskLevels) {
      expect(l.inspections).toBeGreaterThanOrEqual(20);
      expect(l.rate).toBeCloseTo(l.violations / l.inspections, 10);
      expect(l.low).toBeLessThanOrEqual(l.rate);
      expect(l.high).toBeGreaterThanOrEqual(l.rate);
      expect(l.low).toBeGreaterThanOrEqual(0);
      expect(l.high).toBeLessThanOrEqual(1);
    }
    expect(byLevel.HIGH.rate).toBeGreaterThan(byLevel.MEDIUM.rate);
    expect(byLevel.MEDIUM.rate).toBeGreaterThan(byLevel.LOW.rate);
    // the candidate (here the shipped rule set itself) sees the same inspections, by its own levels the day before the plan
    expect(s.candidate.ruleSetVersion).toBe('SD-2021');
    const cand = Object.fromEntries(s.candidate.riskLevels.map((l: any) => [l.riskLevel, l]));
    expect(s.candidate.riskLevels.reduce((a: number, l: any) => a + l.inspections, 0)).toBe(expected.rows.reduce((a, e) => a + e.n, 0));
    expect(cand.HIGH.rate).toBeGreaterThan(cand.LOW.rate);
  });

  it('counts warnings per type and tasks and plan completion per county as SQL does', async () => {
    const r = await hub.graphql(STATS, { d: '370000', from: quarterStart, to: today });
    const s = r.data.supervisionStats;
    expect(s.candidate).toBeNull();
    const w = await q(
      `select type, count(*)::int as n from warning where (raised_at at time zone 'Asia/Shanghai')::date between $1::date and $2::date group by 1 order by 1`,
      [quarterStart, today],
    );
    expect(s.warningTypes.map((t: any) => [t.type, t.raised])).toEqual(w.rows.map((x) => [x.type, x.n]));
    // every warning that made a task was followed by an inspection (its enterprise's, today)
    const tasked = await q(`select warning_type, count(*)::int as n from supervision_task group by 1`);
    expect(tasked.rowCount).toBeGreaterThan(0);
    for (const t of tasked.rows) {
      const stats = s.warningTypes.find((x: any) => x.type === t.warning_type);
      expect(stats.inspected).toBeGreaterThanOrEqual(t.n);
      expect(stats.medianDaysToInspection).toBeGreaterThanOrEqual(0);
      expect(stats.confirmedShare).toBeCloseTo(stats.confirmed / stats.raised, 10);
    }
    const tasks = await q(`select division_code, count(*)::int as n from supervision_task group by 1`);
    const byCounty = Object.fromEntries(s.counties.map((c: any) => [c.divisionCode, c]));
    for (const t of tasks.rows) {
      expect(byCounty[t.division_code].tasksCreated).toBe(t.n);
      expect(byCounty[t.division_code].tasksOnTime).toBe(t.n);
      expect(byCounty[t.division_code].tasksOpen).toBe(0);
    }
    const items = await q(`select division_code, count(*)::int as n from inspection_plan_item group by 1`);
    for (const i of items.rows) expect(byCounty[i.division_code].plans).toEqual([{ quarter, items: i.n, done: i.n, completion: 1 }]);
    expect(s.counties.length).toBe((await q(`select count(*)::int as n from division where level = 'COUNTY'`)).rows[0].n);
  });

  it('answers only inside the jurisdiction', async () => {
    const county = (await q(`select division_code from inspection_plan_item group by 1 order by count(*) desc limit 1`)).rows[0].division_code as string;
    const city = county.slice(0, 4) + '00';
    const countyKey = await hub.createKey(county, 'BUREAU');
    const own = await hub.graphqlAs(countyKey, STATS, { d: county, from: quarterStart, to: today });
    expect(own.errors).toBeUndefined();
    expect(own.data.supervisionStats.counties.map((c: any) => c.divisionCode)).toEqual([county]);
    const n = (await q(`select count(*)::int as n from inspection_plan_item where division_code = $1`, [county])).rows[0].n;
    expect(own.data.supervisionStats.riskLevels.reduce((a: number, l: any) => a + l.inspections, 0)).toBe(n);
    const province = await hub.graphqlAs(countyKey, STATS, { d: '370000', from: quarterStart, to: today });
    expect(province.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const cityKey = await hub.createKey(city, 'BUREAU');
    const c = await hub.graphqlAs(cityKey, STATS, { d: city, from: quarterStart, to: today });
    expect(c.data.supervisionStats.counties.every((x: any) => x.divisionCode.startsWith(city.slice(0, 4)))).toBe(true);
    const cityItems = (await q(`select count(*)::int as n from inspection_plan_item where division_code like $1`, [city.slice(0, 4) + '%'])).rows[0].n;
    expect(c.data.supervisionStats.riskLevels.reduce((a: number, l: any) => a + l.inspections, 0)).toBe(cityItems);
    const partner = await hub.createKey(city, 'PARTNER');
    expect((await hub.graphqlAs(partner, STATS, { d: city, from: quarterStart, to: today })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const bad = await hub.graphql(STATS, { d: '370000', from: today, to: quarterStart });
    expect(today === quarterStart || bad.errors?.[0].extensions.code === 'BAD_USER_INPUT').toBe(true);
  });
});
