import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestHub, startTestHub } from './support/test-hub';
import { spawnHub } from './support/hub-process';
import type { Scope } from '../src/jurisdiction/scope';

/**
 * The random-inspection plan (issue 19 items 1–3) on a generated, synced
 * province: the roster imported by the CLI, a city's plan drawn by the CLI,
 * every class rule and inspector constraint against counts computed here from
 * SQL, a capacity shortfall, verification from the stored inputs and from the
 * export alone (and a tampered export named), immutability, jurisdiction.
 */

const PROVINCE: Scope = { divisionCode: '370000', level: 'PROVINCE' };
let hub: TestHub;
let city: string;
let counties: string[];
let small: string;
let conflicted: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-plans-'));

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 1500, seed: 19, today: '2026-11-30' } });
  await hub.services.declarativeConnectors.register(
    JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'connectors', 'credit-rating.declarative.json'), 'utf8')),
  );
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'credit-rating', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  const c = await hub.tdb.db.pool.query<{ city_code: string; n: number }>(
    `select city_code, count(*)::int as n from enterprise group by city_code order by n desc, city_code limit 1`,
  );
  city = c.rows[0].city_code;
  counties = (
    await hub.tdb.db.pool.query<{ d: string }>(`select distinct division_code as d from enterprise where city_code = $1 order by d`, [city])
  ).rows.map((r) => r.d);
  small = counties[0];
  conflicted =
    (
      await hub.tdb.db.pool.query<{ c: string }>(
        `select credit_code as c from enterprise where division_code = $1 and risk_level = 'HIGH' order by credit_code limit 1`,
        [counties[counties.length - 1]],
      )
    ).rows[0]?.c ?? '';
  // every county of the city: 10 inspectors of capacity 30; the first county only 2 of capacity 1 (a shortfall)
  const lines = ['id,name,divisionCode,capacityPerQuarter,conflicts'];
  for (const county of counties) {
    const n = county === small ? 2 : 10;
    for (let i = 0; i < n; i++) {
      const conflicts = county === counties[counties.length - 1] && i < 8 ? conflicted : '';
      lines.push(`I${county}-${i},检查员${county}${i},${county},${county === small ? 1 : 30},${conflicts}`);
    }
  }
  fs.writeFileSync(path.join(dir, 'roster.csv'), lines.join('\n') + '\n');
}, 240_000);

afterAll(async () => {
  await hub?.close();
});

describe('random-inspection plans', () => {
  let planId: string;

  it('imports the roster and draws a city plan through the CLI', async () => {
    const imp = spawnHub(['inspectors', 'import', path.join(dir, 'roster.csv')], { DATABASE_URL: hub.tdb.url });
    expect(await imp.exited).toBe(0);
    expect(imp.output()).toContain(`imported ${2 + 10 * (counties.length - 1)} inspector(s)`);
    const draw = spawnHub(['plan', 'draw', '--quarter', '2026Q4', '--division', city, '--seed', 'sha256:announced-2026-10-01'], { DATABASE_URL: hub.tdb.url });
    expect(await draw.exited).toBe(0);
    const m = /plan (\d+): 2026Q4 (\d+), (\d+) enterprise\(s\) drawn under SD-INSPECT-2021/.exec(draw.output());
    expect(m).not.toBeNull();
    planId = m![1];
    expect(m![2]).toBe(city);
    expect(draw.output()).toContain(`${small}: capacity for 1 item(s)`);
  }, 120_000);

  it('draws every class at its share, county by county, against counts computed from SQL', async () => {
    const pool = hub.tdb.db.pool;
    const plan = (await hub.services.inspectionPlans.plan(planId, PROVINCE))!;
    // each enterprise's class and eligibility, computed here from the store
    const expected = await pool.query<{ division_code: string; cls: string; n: number }>(
      `with cr as (select distinct on (credit_code) credit_code, level from credit_rating order by credit_code, rated_on desc, source_updated_at desc nulls last, connector_id),
            li as (select credit_code, max(event_date) d from enforcement_record where kind = 'INSPECTION' and status = 'ACTIVE' and event_date <= $2::date group by credit_code)
       select e.division_code,
              case when e.risk_level = 'HIGH' or cr.level in ('black', 'red') then 'A'
                   when e.risk_level = 'MEDIUM' or cr.level = 'yellow' then 'B'
                   when cr.level = 'green' then 'D' else 'C' end as cls, count(*)::int as n
         from enterprise e left join cr using (credit_code) left join li using (credit_code)
        where e.city_code = $1 and (li.d is null or li.d <= $2::date - 30)
        group by 1, 2`,
      [city, plan.planDate],
    );
    const drawn = await pool.query<{ division_code: string; class_code: string; n: number }>(
      `select division_code, class_code, count(*)::int as n from inspection_plan_item where plan_id = $1 group by 1, 2`,
      [planId],
    );
    const get = (rows: { division_code: string; n: number }[], county: string, key: (r: any) => boolean) =>
      rows.find((r) => r.division_code === county && key(r))?.n ?? 0;
    let checkedB = 0;
    for (const county of counties.filter((c) => c !== small)) {
      const want = (cls: string) => get(expected.rows, county, (r) => r.cls === cls);
      const got = (cls: string) => get(drawn.rows, county, (r) => r.class_code === cls);
      expect(got('A')).toBe(want('A'));
      expect(got('B')).toBe(Math.ceil(want('B') * 0.25));
      expect(got('C')).toBe(Math.ceil(want('C') * 0.05));
      expect(got('D')).toBe(0);
      checkedB += want('B');
    }
    expect(checkedB).toBeGreaterThan(0);
    const excluded = await pool.query<{ n: number }>(
      `select count(*)::int as n from inspection_plan_item i join enforcement_record r on r.credit_code = i.credit_code
        where i.plan_id = $1 and r.kind = 'INSPECTION' and r.status = 'ACTIVE' and r.event_date > $2::date - 30 and r.event_date <= $2::date`,
      [planId, plan.planDate],
    );
    expect(excluded.rows[0].n).toBe(0);
  });

  it('gives every drawn enterprise two distinct inspectors of its county, within capacity, never in conflict', async () => {
    const pool = hub.tdb.db.pool;
    const bad = await pool.query<{ n: number }>(
      `select count(*)::int as n from inspection_plan_item i
        where i.plan_id = $1 and i.division_code <> $2
          and (cardinality(i.inspector_ids) <> 2 or i.inspector_ids[1] = i.inspector_ids[2]
               or exists (select 1 from unnest(i.inspector_ids) x join inspector s on s.id = x
                           where s.division_code <> i.division_code or i.credit_code = any (s.conflicts)))`,
      [planId, small],
    );
    expect(bad.rows[0].n).toBe(0);
    const over = await pool.query<{ n: number }>(
      `select count(*)::int as n from (select x, count(*) c from inspection_plan_item i cross join unnest(i.inspector_ids) x where i.plan_id = $1 group by x) u
        join inspector s on s.id = u.x where u.c > s.capacity_per_quarter`,
      [planId],
    );
    expect(over.rows[0].n).toBe(0);
    if (conflicted) {
      const item = await pool.query<{ ids: string[] }>(`select inspector_ids as ids from inspection_plan_item where plan_id = $1 and credit_code = $2`, [
        planId,
        conflicted,
      ]);
      const county = counties[counties.length - 1];
      expect([...item.rows[0].ids].sort()).toEqual([`I${county}-8`, `I${county}-9`]);
    }
  });

  it('reports a capacity shortfall: the small county keeps every 100 % enterprise and draws none of the others', async () => {
    const plan = (await hub.services.inspectionPlans.plan(planId, PROVINCE))!;
    const rep = plan.counties.find((c) => c.divisionCode === small)!;
    const classA = (
      await hub.tdb.db.pool.query<{ n: number }>(
        `select count(*)::int as n from inspection_plan_pool where plan_id = $1 and division_code = $2 and (risk_level = 'HIGH' or credit_level in ('black','red'))
          and (last_inspection is null or last_inspection <= $3::date - 30)`,
        [planId, small, plan.planDate],
      )
    ).rows[0].n;
    expect(rep.capacity).toBe(2);
    expect(rep.budget).toBe(1);
    expect(rep.drawn.A).toBe(classA);
    expect(rep.drawn.B + rep.drawn.C).toBe(Math.max(0, 1 - classA));
    expect(rep.shortfall).toBe(rep.target.A + rep.target.B + rep.target.C - rep.drawn.A - rep.drawn.B - rep.drawn.C);
    expect(rep.shortfall).toBeGreaterThan(0);
    expect(rep.unstaffed).toBe(Math.max(0, classA - 1));
    const empty = (
      await hub.tdb.db.pool.query<{ n: number }>(
        `select count(*)::int as n from inspection_plan_item where plan_id = $1 and division_code = $2 and cardinality(inspector_ids) = 0`,
        [planId, small],
      )
    ).rows[0].n;
    expect(empty).toBe(rep.unstaffed);
  });

  it('verifies from the stored inputs and from the export alone, and names the differing item of a tampered file', async () => {
    const v = spawnHub(['plan', 'verify', planId], { DATABASE_URL: hub.tdb.url });
    expect(await v.exited).toBe(0);
    expect(v.output()).toContain(`plan ${planId}: identical`);
    const file = path.join(dir, 'plan.json');
    const ex = spawnHub(['plan', 'export', planId, '--out', file], { DATABASE_URL: hub.tdb.url });
    expect(await ex.exited).toBe(0);
    // no database at all for --file
    const vf = spawnHub(['plan', 'verify', '--file', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await vf.exited).toBe(0);
    expect(vf.output()).toContain('identical');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(JSON.stringify(doc)).not.toContain('检查员');
    const victim = doc.items[3];
    victim.inspectorIds = [victim.inspectorIds[1] ?? 'x', victim.inspectorIds[0] ?? 'y'];
    const tampered = path.join(dir, 'tampered.json');
    fs.writeFileSync(tampered, JSON.stringify(doc));
    const vt = spawnHub(['plan', 'verify', '--file', tampered], {});
    expect(await vt.exited).toBe(1);
    expect(vt.output()).toContain('DIFFERS');
    expect(vt.output()).toContain(`item 4 ${victim.creditCode}: inspectors`);
  }, 120_000);

  it('a repeated draw (a correction with the same seed) gives the identical plan; plans stay immutable', async () => {
    const plans = hub.services.inspectionPlans;
    const first = (await plans.plan(planId, PROVINCE))!;
    await expect(plans.draw({ quarter: '2026Q4', divisionCode: counties[1], seed: first.seed }, PROVINCE, 'test')).rejects.toThrow(/already covers/);
    const again = await plans.draw({ quarter: '2026Q4', divisionCode: city, seed: first.seed, replaces: planId }, PROVINCE, 'test');
    expect(again.digest).toBe(first.digest);
    expect(again.itemCount).toBe(first.itemCount);
    await expect(hub.tdb.db.pool.query(`update inspection_plan_item set inspector_ids = '{}' where plan_id = $1`, [planId])).rejects.toThrow(/immutable/);
    await expect(hub.tdb.db.pool.query(`delete from inspection_plan_pool where plan_id = $1`, [planId])).rejects.toThrow(/immutable/);
    await expect(hub.tdb.db.pool.query(`update inspection_plan set seed = 'x' where id = $1`, [planId])).rejects.toThrow(/immutable/);
  });

  it('keeps plans and their items inside the jurisdiction', async () => {
    const plans = hub.services.inspectionPlans;
    const countyScope: Scope = { divisionCode: counties[1], level: 'COUNTY' };
    await expect(plans.draw({ quarter: '2027Q1', divisionCode: city, seed: 's' }, countyScope, 'test')).rejects.toThrow(/outside your jurisdiction/);
    const other = (await hub.tdb.db.pool.query<{ code: string }>(`select code from division where level = 'CITY' and code <> $1 order by code limit 1`, [city]))
      .rows[0].code;
    const otherScope: Scope = { divisionCode: other, level: 'CITY' };
    expect(await plans.plan(planId, otherScope)).toBeNull();
    expect((await plans.plans(otherScope)).length).toBe(0);
    expect((await plans.plans(countyScope)).map((p) => p.id)).toContain(planId);
    const page = await plans.items(planId, countyScope, 1000, null);
    const inCounty = (
      await hub.tdb.db.pool.query<{ n: number }>(`select count(*)::int as n from inspection_plan_item where plan_id = $1 and division_code = $2`, [
        planId,
        counties[1],
      ])
    ).rows[0].n;
    expect(page.totalCount).toBe(inCounty);
    expect(page.rows.every((r) => r.divisionCode === counties[1])).toBe(true);
  });

  it('answers in GraphQL inside the jurisdiction and publishes /plans/<id> without inspectors', async () => {
    const county = counties[1];
    const key = await hub.createKey(county, 'BUREAU');
    const q = `query($id: ID!) { inspectionPlan(id: $id) { id quarter digest items(first: 500) { totalCount edges { node { class status enterprise { creditCode } inspectors { id name } } } } } }`;
    const r = await hub.graphqlAs(key, q, { id: planId });
    expect(r.errors).toBeUndefined();
    const inCounty = (
      await hub.tdb.db.pool.query<{ n: number }>(`select count(*)::int as n from inspection_plan_item where plan_id = $1 and division_code = $2`, [
        planId,
        county,
      ])
    ).rows[0].n;
    expect(r.data.inspectionPlan.items.totalCount).toBe(inCounty);
    expect(r.data.inspectionPlan.items.edges).toHaveLength(inCounty);
    for (const e of r.data.inspectionPlan.items.edges) {
      expect(e.node.inspectors).toHaveLength(2);
      expect(e.node.inspectors[0].name).toMatch(/^检查员/);
    }
    const draw = await hub.graphqlAs(key, `mutation { drawInspectionPlan(input: { quarter: "2027Q1", divisionCode: "${city}", seed: "s" }) { id } }`);
    expect(draw.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = (
      await hub.tdb.db.pool.query<{ code: string }>(
        `select code from division where level = 'COUNTY' and substr(code, 1, 4) <> substr($1, 1, 4) order by code limit 1`,
        [city],
      )
    ).rows[0].code;
    const outside = await hub.graphqlAs(await hub.createKey(other, 'BUREAU'), q, { id: planId });
    expect(outside.data.inspectionPlan).toBeNull();
    const page = await fetch(`http://127.0.0.1:${hub.server!.port}/plans/${planId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const all = (await hub.tdb.db.pool.query<{ credit_code: string }>(`select credit_code from inspection_plan_item where plan_id = $1`, [planId])).rows;
    for (const row of all) expect(html).toContain(row.credit_code);
    expect(html).not.toMatch(/检查员|I37\d{4}-\d/);
  });
});
