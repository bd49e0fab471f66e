import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DrawStream } from './draw-random';
import { DrawInput, PoolEntry, RosterEntry, comparePlanItems, drawInspectionPlan } from './inspection-draw';
import { classOf, validateInspectionPolicy } from './inspection-policy.model';

const policy = validateInspectionPolicy(JSON.parse(fs.readFileSync(path.join(__dirname, 'policies', 'SD-INSPECT-2021.json'), 'utf8')));

/** A small deterministic generator for test fixtures (not the draw's). */
function fixtures(n: number, counties: string[], inspectorsPerCounty: number, capacity: number): { pool: PoolEntry[]; roster: RosterEntry[] } {
  const risks = ['LOW', 'LOW', 'LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH'];
  const credits = [null, 'green', 'blue', 'yellow', null, 'blue', 'green', null, 'red'];
  const pool: PoolEntry[] = [];
  for (let i = 0; i < n; i++) {
    pool.push({
      creditCode: `91370000${String(i).padStart(9, '0')}X`,
      divisionCode: counties[i % counties.length],
      riskLevel: risks[i % risks.length],
      creditLevel: credits[(i * 5) % credits.length],
      routineDrawsThisYear: 0,
      lastInspectionDate: null,
      previousInspectors: [],
    });
  }
  const roster: RosterEntry[] = [];
  for (const c of counties)
    for (let j = 0; j < inspectorsPerCounty; j++)
      roster.push({ id: `${c}-I${String(j).padStart(3, '0')}`, divisionCode: c, capacityPerQuarter: capacity, conflicts: [] });
  return { pool, roster };
}

const base = (over: Partial<DrawInput> = {}): DrawInput => ({
  policy,
  quarter: '2026Q4',
  seed: 'announced-2026-10-01',
  planDate: '2026-10-08',
  ...fixtures(600, ['370102', '370103'], 12, 40),
  ...over,
});

describe('DrawStream (SHA-256 counter mode)', () => {
  it('reads SHA-256(key:0), then SHA-256(key:1), as big-endian words', () => {
    const s = new DrawStream('k');
    const b0 = createHash('sha256').update('k:0').digest();
    const b1 = createHash('sha256').update('k:1').digest();
    const words = Array.from({ length: 9 }, () => s.nextWord());
    expect(words.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => b0.readUInt32BE(i * 4)));
    expect(words[8]).toBe(b1.readUInt32BE(0));
  });
  it('nextInt stays in range', () => {
    const s = new DrawStream('range');
    for (let i = 0; i < 1000; i++) expect(s.nextInt(7)).toBeLessThan(7);
  });
});

describe('policy SD-INSPECT-2021', () => {
  it('puts an enterprise in the most demanding class that applies', () => {
    expect(classOf(policy, 'HIGH', 'green')!.code).toBe('A');
    expect(classOf(policy, 'LOW', 'black')!.code).toBe('A');
    expect(classOf(policy, 'MEDIUM', 'red')!.code).toBe('A');
    expect(classOf(policy, 'MEDIUM', 'green')!.code).toBe('B');
    expect(classOf(policy, 'LOW', 'yellow')!.code).toBe('B');
    expect(classOf(policy, 'LOW', 'blue')!.code).toBe('C');
    expect(classOf(policy, 'LOW', null)!.code).toBe('C');
    expect(classOf(policy, 'LOW', 'green')!.code).toBe('D');
  });
  it('refuses a policy that leaves a combination without a class', () => {
    const bad = JSON.parse(JSON.stringify(policy));
    bad.classes = bad.classes.filter((c: { code: string }) => c.code !== 'C');
    expect(() => validateInspectionPolicy(bad)).toThrow(/no class takes an enterprise of risk LOW with credit blue/);
  });
});

describe('drawInspectionPlan', () => {
  it('gives the identical plan for the same input, whatever the order of pool and roster', () => {
    const a = drawInspectionPlan(base());
    const input = base();
    const b = drawInspectionPlan({ ...input, pool: input.pool.slice().reverse(), roster: input.roster.slice().reverse() });
    expect(b.items).toEqual(a.items);
    expect(b.digest).toBe(a.digest);
    expect(drawInspectionPlan(base({ seed: 'another' })).digest).not.toBe(a.digest);
  });

  it('draws every class at its share (100 %, 25 %, 5 %, 0 %, rounded up)', () => {
    const input = base();
    const r = drawInspectionPlan(input);
    for (const county of ['370102', '370103']) {
      const inCounty = input.pool.filter((e) => e.divisionCode === county);
      const count = (code: string) => inCounty.filter((e) => classOf(policy, e.riskLevel, e.creditLevel)!.code === code).length;
      const drawn = (code: string) => r.items.filter((i) => i.divisionCode === county && i.classCode === code).length;
      expect(drawn('A')).toBe(count('A'));
      expect(drawn('B')).toBe(Math.ceil(count('B') * 0.25));
      expect(drawn('C')).toBe(Math.ceil(count('C') * 0.05));
      expect(drawn('D')).toBe(0);
      expect(count('D')).toBeGreaterThan(0);
    }
    const byCode = new Map(input.pool.map((e) => [e.creditCode, e]));
    for (const i of r.items) expect(classOf(policy, byCode.get(i.creditCode)!.riskLevel, byCode.get(i.creditCode)!.creditLevel)!.code).toBe(i.classCode);
  });

  it('leaves out enterprises at the annual cap and those inspected within 30 days', () => {
    const input = base();
    const highs = input.pool.filter((e) => e.riskLevel === 'HIGH');
    highs[0].routineDrawsThisYear = 4;
    highs[1].routineDrawsThisYear = 3;
    highs[2].lastInspectionDate = '2026-09-20'; // 18 days before
    highs[3].lastInspectionDate = '2026-09-08'; // 30 days before: allowed again
    const r = drawInspectionPlan(input);
    const drawn = new Set(r.items.map((i) => i.creditCode));
    expect(drawn.has(highs[0].creditCode)).toBe(false);
    expect(drawn.has(highs[1].creditCode)).toBe(true);
    expect(drawn.has(highs[2].creditCode)).toBe(false);
    expect(drawn.has(highs[3].creditCode)).toBe(true);
    expect(r.counties.reduce((a, c) => a + c.excludedAnnualCap, 0)).toBe(1);
    expect(r.counties.reduce((a, c) => a + c.excludedRecentInspection, 0)).toBe(1);
  });

  it('assigns two distinct inspectors of the county, within capacity, never in conflict, never the previous pair', () => {
    const input = base();
    const target = input.pool.find((e) => e.riskLevel === 'HIGH' && e.divisionCode === '370102')!;
    const county = input.roster.filter((r) => r.divisionCode === '370102');
    // everyone but three inspectors is in conflict with it; its previous pair is two of those three
    for (const r of county.slice(3)) r.conflicts = [target.creditCode];
    target.previousInspectors = [county[1].id, county[0].id];
    const r = drawInspectionPlan(input);
    const used = new Map<string, number>();
    const rosterById = new Map(input.roster.map((x) => [x.id, x]));
    for (const i of r.items) {
      expect(i.inspectorIds).toHaveLength(2);
      expect(new Set(i.inspectorIds).size).toBe(2);
      for (const id of i.inspectorIds) {
        const who = rosterById.get(id)!;
        expect(who.divisionCode).toBe(i.divisionCode);
        expect(who.conflicts).not.toContain(i.creditCode);
        used.set(id, (used.get(id) ?? 0) + 1);
      }
    }
    for (const [id, n] of used) expect(n).toBeLessThanOrEqual(rosterById.get(id)!.capacityPerQuarter);
    const item = r.items.find((i) => i.creditCode === target.creditCode)!;
    expect(item.inspectorIds).toContain(county[2].id);
    expect([...item.inspectorIds].sort()).not.toEqual([county[0].id, county[1].id]);
  });

  it('on a capacity shortfall keeps every 100 % enterprise, draws fewer of the others and reports it', () => {
    const input = base();
    for (const r of input.roster) if (r.divisionCode === '370103') r.capacityPerQuarter = 14; // 12 × 14 = 168 slots → 84 items
    const r = drawInspectionPlan(input);
    const rep = r.counties.find((c) => c.divisionCode === '370103')!;
    const classA = input.pool.filter((e) => e.divisionCode === '370103' && classOf(policy, e.riskLevel, e.creditLevel)!.code === 'A').length;
    expect(rep.budget).toBe(84);
    expect(rep.drawn.A).toBe(classA);
    expect(rep.drawn.B + rep.drawn.C).toBe(84 - classA);
    expect(rep.drawn.B).toBeLessThan(rep.target.B);
    expect(rep.shortfall).toBe(rep.target.A + rep.target.B + rep.target.C - 84);
    expect(rep.unstaffed).toBe(0);
    expect(r.items.filter((i) => i.divisionCode === '370103')).toHaveLength(84);
    const other = r.counties.find((c) => c.divisionCode === '370102')!;
    expect(other.shortfall).toBe(0);
  });

  it('a county without a roster keeps its 100 % enterprises unstaffed and draws none of the others', () => {
    const input = base();
    input.roster = input.roster.filter((r) => r.divisionCode !== '370103');
    const rep = drawInspectionPlan(input).counties.find((c) => c.divisionCode === '370103')!;
    expect(rep.drawn.B + rep.drawn.C).toBe(0);
    expect(rep.unstaffed).toBe(rep.drawn.A);
    expect(rep.drawn.A).toBeGreaterThan(0);
  });

  it('comparePlanItems names the item that differs', () => {
    const r = drawInspectionPlan(base());
    expect(comparePlanItems(r.items, r.items)).toEqual([]);
    const tampered = r.items.map((i) => ({ ...i, inspectorIds: [...i.inspectorIds] }));
    tampered[4].inspectorIds[0] = 'someone-else';
    const diffs = comparePlanItems(tampered, r.items);
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatchObject({ position: 5, creditCode: r.items[4].creditCode });
    expect(diffs[0].reason).toMatch(/inspectors/);
  });
});
