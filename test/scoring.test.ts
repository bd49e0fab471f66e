import fs from 'node:fs';
import path from 'node:path';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { keyPermitRecord } from './support/source-records';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * The spec's cases (domain.md §3) rebuilt through the simulator: records go in
 * through the admin API, come to the hub through the connectors, are scored by
 * the post-sync step, and are read back over GraphQL. Dates are relative to
 * today in China, so on 2026-11-30 they are exactly the spec's dates.
 */
const T = chinaToday();
const d = (daysAgo: number) => addDays(T, -daysAgo);
const at = (date: string) => `${date}T10:00:00+08:00`;

let seq = 0;
/** `n` fresh credit codes of enterprises of `county`, numbered on from the last. */
function codes(county: string, n: number): string[] {
  return Array.from({ length: n }, () => withCheckChar(`91${county}MA${String(++seq).padStart(7, '0')}`));
}

const [WORKED, BANDS] = codes('370102', 2);
const [WITHDRAWN, MISSING] = codes('370103', 2);
const [EXPIRED, EXPIRED_OLD, OUTSIDE] = codes('370202', 3);
const [INSIDE, EDGE85, EDGE84] = codes('370203', 3);
const [EDGE60, EDGE59, CORRECTED] = codes('370102', 3);
const ALL = [WORKED, BANDS, WITHDRAWN, MISSING, EXPIRED, EXPIRED_OLD, OUTSIDE, INSIDE, EDGE85, EDGE84, EDGE60, EDGE59, CORRECTED];

const validPermit = (c: string) => [{ permitNo: `${c}001P`, validFrom: d(400), validTo: addDays(T, 400), status: 'VALID' }];

function enterprise(c: string, permits = validPermit(c)) {
  return keyPermitRecord(c, `测试企业${c.slice(-6)}`, { longitude: 117, latitude: 36.6, monitoringFacilities: ['ONLINE'], permits, updatedAt: at(d(1)) });
}

let enfSeq = 0;
function measure(c: string, date: string, measureType: string, status = 'ACTIVE') {
  return { record_id: `ENF-T-${++enfSeq}`, kind: 'MEASURE', credit_code: c, date, measure_type: measureType, status, modified_at: at(date) };
}
function inspection(c: string, date: string, finding: string) {
  return { record_id: `ENF-T-${++enfSeq}`, kind: 'INSPECTION', credit_code: c, date, finding, status: 'ACTIVE', modified_at: at(date) };
}
let penSeq = 0;
function penalty(c: string, date: string, amount: number, status: string, dailyConsecutive = false) {
  return { caseNo: `鲁环罚〔T〕${++penSeq}号`, creditCode: c, decisionDate: date, amount, dailyConsecutive, status, modifiedAt: at(date) };
}
function mon(c: string, outlet: string, pollutant: string, date: string, validHours: number, exceedHours: number) {
  return { creditCode: c, outletCode: outlet, date, pollutantCode: pollutant, validHours, exceedHours, dailyMean: 30, limit: 50, unit: 'mg/m3' };
}

const REPORT = `query($c: String!, $asOf: Date, $knownAt: DateTime) { enterprise(creditCode: $c) {
  creditCode score riskLevel rank rankInDivision
  healthReport(asOf: $asOf, knownAt: $knownAt) { score riskLevel asOf ruleSetVersion basis deductions { rule points date system recordId } }
  scoreHistory { at score riskLevel cause previousScore }
} }`;

describe('health score through the simulator and GraphQL', () => {
  let hub: TestHub;
  const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
  const sync = () => hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
  const report = async (c: string, vars: Record<string, unknown> = {}) => {
    const res = await hub.graphql(REPORT, { c, ...vars });
    expect(res.errors).toBeUndefined();
    return res.data.enterprise;
  };
  const rules = (ds: { rule: string }[]) => ds.map((x) => x.rule).sort();

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 0 } });
    const permits: Record<string, ReturnType<typeof enterprise>['permits']> = {
      [EXPIRED]: [
        { permitNo: `${EXPIRED}001P`, validFrom: d(2000), validTo: d(900), status: 'EXPIRED' },
        { permitNo: `${EXPIRED}002P`, validFrom: d(899), validTo: d(30), status: 'VALID' },
      ],
      [EXPIRED_OLD]: [{ permitNo: `${EXPIRED_OLD}001P`, validFrom: d(3000), validTo: d(1500), status: 'EXPIRED' }],
    };
    await post(
      'permit',
      ALL.map((c) => enterprise(c, permits[c])),
    );
    await post('enforcement', [
      ...[10, 40, 70, 100].map((n) => measure(WORKED, d(n), 'SUSPEND_PRODUCTION')),
      measure(WORKED, d(60), 'SEAL_SEIZE', 'WITHDRAWN'),
      measure(WITHDRAWN, d(20), 'SUSPEND_PRODUCTION', 'WITHDRAWN'),
      inspection(WITHDRAWN, d(21), 'NONE'),
      measure(EDGE85, d(30), 'RESTRICT_PRODUCTION'),
      ...[5, 6, 7, 8].map((n) => measure(EDGE84, d(n), 'ORDER_CORRECTION')),
      measure(EDGE60, d(200), 'TRANSFER_CRIMINAL'),
      inspection(EDGE59, d(100), 'NO_PERMIT'),
      inspection(EDGE59, d(101), 'VIOLATION'),
      measure(EDGE59, d(102), 'ORDER_CORRECTION'),
    ]);
    await post('penalty', [
      penalty(WORKED, d(50), 1_200_000, 'EXECUTED', true),
      penalty(BANDS, d(10), 99_999.99, 'DECIDED'),
      penalty(BANDS, d(11), 100_000, 'EXECUTED'),
      penalty(BANDS, d(12), 999_999.99, 'DECIDED', true),
      penalty(BANDS, d(13), 1_000_000, 'DECIDED'),
      penalty(BANDS, d(14), 500_000, 'FILED', true),
      penalty(BANDS, d(15), 2_000_000, 'REVOKED', true),
      penalty(OUTSIDE, d(1097), 50_000, 'DECIDED'),
      penalty(INSIDE, d(1093), 50_000, 'DECIDED'),
      penalty(CORRECTED, d(40), 150_000, 'EXECUTED'),
    ]);
    const rows = [];
    for (let n = 1; n <= 30; n++) rows.push(mon(WORKED, 'DA001', 'a21026', d(n), 24, 2));
    for (let n = 10; n <= 20; n++) {
      if (n === 15) continue; // no row at all: missing
      const low = n === 12; // every row under 20 valid hours: missing
      rows.push(mon(MISSING, 'DA001', 'a21026', d(n), low ? 10 : 24, 0));
      rows.push(mon(MISSING, 'DA001', 'a21002', d(n), low || n === 13 ? 10 : 22, 0)); // d(13): one good row is enough
    }
    rows.push(mon(MISSING, 'DA002', 'w01018', d(5), 24, 0));
    rows.push(mon(EDGE85, 'DA001', 'a21026', d(3), 24, 1), mon(EDGE85, 'DA001', 'a21026', d(5), 24, 0));
    rows.push(mon(EDGE59, 'DW001', 'w01018', d(2), 24, 0), mon(EDGE59, 'DW001', 'w01018', d(4), 24, 0));
    await post('monitoring', rows);
    const runs = await sync();
    expect(runs.map((r) => [r.connectorId, r.status, r.quarantined])).toEqual([
      ['permit', 'SUCCEEDED', 0],
      ['enforcement', 'SUCCEEDED', 0],
      ['penalty', 'SUCCEEDED', 0],
      ['monitoring', 'SUCCEEDED', 0],
    ]);
  });
  afterAll(async () => hub?.close());

  it('scores the worked example −98 HIGH: 4 × ENF_SUSPEND, PEN_LARGE + PEN_DAILY, 30 × MON_EXCEED, the withdrawn seal-up 0', async () => {
    const e = await report(WORKED);
    expect(e.score).toBe(-98);
    expect(e.riskLevel).toBe('HIGH');
    const r = e.healthReport;
    expect(r).toMatchObject({ score: -98, riskLevel: 'HIGH', asOf: T, ruleSetVersion: 'SD-2021', basis: 'stored' });
    expect(r.deductions.filter((x: any) => x.rule === 'ENF_SUSPEND')).toHaveLength(4);
    expect(r.deductions.filter((x: any) => x.rule === 'MON_EXCEED')).toHaveLength(30);
    expect(r.deductions.find((x: any) => x.rule === 'PEN_LARGE')).toMatchObject({ points: 18, system: 'penalty', date: d(50) });
    expect(r.deductions.find((x: any) => x.rule === 'PEN_DAILY')).toMatchObject({ points: 24, system: 'penalty' });
    expect(r.deductions.find((x: any) => x.rule === 'ENF_SUSPEND')).toMatchObject({ points: 24, system: 'enforcement' });
    expect(r.deductions.find((x: any) => x.rule === 'MON_EXCEED')).toMatchObject({ points: 2, system: 'monitoring', recordId: `DA001/a21026/${d(30)}` });
    expect(r.deductions.some((x: any) => x.rule === 'ENF_SEAL')).toBe(false);
    expect(r.deductions.reduce((s: number, x: any) => s + x.points, 0)).toBe(198);
    // The same report recomputed live (not from the stored deductions) agrees.
    const live = await hub.services.scoring.reports.reports([{ creditCode: WORKED, knownAt: new Date() }]);
    expect(live[0]).toMatchObject({ score: -98, basis: 'as-known' });
    expect(live[0].deductions).toHaveLength(36);
  });

  it('bands penalties: <100,000 / 100,000–999,999.99 / ≥1,000,000 on DECIDED or EXECUTED, +24 daily; FILED and REVOKED 0', async () => {
    const e = await report(BANDS);
    expect(rules(e.healthReport.deductions)).toEqual(['PEN_DAILY', 'PEN_LARGE', 'PEN_MEDIUM', 'PEN_MEDIUM', 'PEN_SMALL']);
    expect(e.score).toBe(100 - 6 - 12 - 12 - 24 - 18);
    expect(e.riskLevel).toBe('HIGH');
  });

  it('a withdrawn measure and a clean inspection deduct nothing', async () => {
    const e = await report(WITHDRAWN);
    expect(e).toMatchObject({ score: 100, riskLevel: 'LOW' });
    expect(e.healthReport.deductions).toEqual([]);
  });

  it("counts missing monitoring days between an outlet's first and last report: no row, or every row under 20 valid hours", async () => {
    const e = await report(MISSING);
    expect(e.healthReport.deductions).toEqual(
      [
        { rule: 'MON_MISSING', points: 1, date: d(15), system: 'monitoring', recordId: `DA001/${d(15)}` },
        { rule: 'MON_MISSING', points: 1, date: d(12), system: 'monitoring', recordId: `DA001/${d(12)}` },
      ].sort((a, b) => a.date.localeCompare(b.date)),
    );
    expect(e.score).toBe(98);
  });

  it('deducts an expired permit once, dated at the latest validTo, whatever the window', async () => {
    const e = await report(EXPIRED);
    expect(e.healthReport.deductions).toEqual([{ rule: 'PERMIT_EXPIRED', points: 10, date: d(30), system: 'permit', recordId: `${EXPIRED}002P` }]);
    expect(e.score).toBe(90);
    const old = await report(EXPIRED_OLD);
    expect(old.healthReport.deductions).toEqual([{ rule: 'PERMIT_EXPIRED', points: 10, date: d(1500), system: 'permit', recordId: `${EXPIRED_OLD}001P` }]);
    expect(old.score).toBe(90);
  });

  it('keeps the three-year window: 1,097 days old is out, 1,093 days old is in', async () => {
    expect((await report(OUTSIDE)).score).toBe(100);
    const inside = await report(INSIDE);
    expect(inside.score).toBe(94);
    expect(inside.healthReport.deductions).toEqual([expect.objectContaining({ rule: 'PEN_SMALL', date: d(1093) })]);
  });

  it('puts the risk band edges at 85/84 and 60/59', async () => {
    const e85 = await report(EDGE85);
    expect([e85.score, e85.riskLevel]).toEqual([85, 'LOW']);
    expect(rules(e85.healthReport.deductions)).toEqual(['ENF_RESTRICT', 'MON_EXCEED', 'MON_MISSING']);
    const e84 = await report(EDGE84);
    expect([e84.score, e84.riskLevel]).toEqual([84, 'MEDIUM']);
    const e60 = await report(EDGE60);
    expect([e60.score, e60.riskLevel]).toEqual([60, 'MEDIUM']);
    const e59 = await report(EDGE59);
    expect([e59.score, e59.riskLevel]).toEqual([59, 'HIGH']);
    expect(rules(e59.healthReport.deductions)).toEqual(['ENF_CORRECT', 'INSP_VIOLATION', 'MON_MISSING', 'NO_PERMIT']);
  });

  it('ranks province-wide and within a division: 1 = lowest score, ties by credit code, one statement per page', async () => {
    const res = await hub.graphql(`{ enterprises(first: 50) { edges { node { creditCode score rank rankInDivision(divisionCode: "370100")
      division { code } } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data.enterprises.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(ALL.length);
    expect(nodes.map((n: any) => n.rank)).toEqual(nodes.map((_: unknown, i: number) => i + 1));
    expect(nodes[0].creditCode).toBe(WORKED);
    const jinan = nodes.filter((n: any) => n.division.code.startsWith('3701'));
    expect(jinan.map((n: any) => n.rankInDivision)).toEqual(jinan.map((_: unknown, i: number) => i + 1));
    expect(nodes.filter((n: any) => !n.division.code.startsWith('3701')).every((n: any) => n.rankInDivision === null)).toBe(true);
    const outside = await hub.graphql(`{ enterprise(creditCode: "${WORKED}") { rankInDivision(divisionCode: "999999") } }`);
    expect(outside.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a correction (penalty revoked) raises the score at the next sync; history shows both points; the past stays as it was known', async () => {
    const before = await report(CORRECTED);
    expect(before.score).toBe(88);
    const knownBefore = new Date().toISOString();
    while (Date.now() <= Date.parse(knownBefore)) await new Promise((r) => setImmediate(r)); // the clock moves past knownBefore
    const p = (hub.sim.store.penaltyView().records as any[]).find((x) => x.creditCode === CORRECTED);
    await post('penalty', [{ ...p, status: 'REVOKED', modifiedAt: new Date().toISOString() }]);
    await sync();
    const after = await report(CORRECTED);
    expect(after).toMatchObject({ score: 100, riskLevel: 'LOW' });
    expect(after.healthReport.deductions).toEqual([]);
    expect(after.scoreHistory.map((h: any) => [h.score, h.riskLevel, h.cause, h.previousScore])).toEqual([
      [88, 'LOW', 'SYNC', null],
      [100, 'LOW', 'SYNC', 88],
    ]);
    const audit = await report(CORRECTED, { knownAt: knownBefore });
    expect(audit.healthReport).toMatchObject({ score: 88, basis: 'as-known' });
    expect(audit.healthReport.deductions).toEqual([expect.objectContaining({ rule: 'PEN_MEDIUM', system: 'penalty', recordId: p.caseNo })]);
    // Yesterday the hub knew none of these records (all loaded today).
    const yesterday = await report(CORRECTED, { asOf: d(1) });
    expect(yesterday.healthReport).toMatchObject({ score: 100, asOf: d(1), basis: 'as-known', deductions: [] });
  });

  it("runs the README's past-date example and shows both readings it explains", async () => {
    // The README's example names a fixed date and instant; here the date is five days ago (after WORKED's deductions)
    // and the instant is now, so the example means what it says on any day the suite runs.
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const example = /# A past date read two ways[^\n]*\n(\{[\s\S]*?\} \} \} \})\n/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const op = example!
      .replace('"…"', JSON.stringify(WORKED))
      .replaceAll('"2026-06-30"', JSON.stringify(d(5)))
      .replace('"2026-12-01T00:00:00Z"', JSON.stringify(new Date().toISOString()));
    expect(op).not.toContain('2026-06-30');
    const res = await hub.graphql(op);
    expect(res.errors).toBeUndefined();
    const { withTodaysRecords, asKnownThen } = res.data.enterprise;
    // With the records known now: WORKED's suspensions before that date count.
    expect(withTodaysRecords.deductions.length).toBeGreaterThan(0);
    expect(withTodaysRecords.score).toBeLessThan(100);
    // As the hub knew it then: its first sync ran today, so nothing was known yet.
    expect(asKnownThen).toEqual({ score: 100, deductions: [] });
  });

  it('serves the active rule set and a what-if preview of a candidate without touching live scores', async () => {
    const rs = await hub.graphql(`{ ruleSet { version windowDays riskThresholds rules { code points description } } }`);
    expect(rs.data.ruleSet).toMatchObject({ version: 'SD-2021', windowDays: 1095, riskThresholds: [85, 60] });
    expect(rs.data.ruleSet.rules).toHaveLength(15);
    const def = JSON.parse(JSON.stringify(await hub.services.scoring.ruleSets.active()));
    const candidate = { version: 'SD-2021-strict', fullMarks: 100, windowDays: 1095, riskThresholds: { low: 95, medium: 60 }, rules: def.rules };
    await hub.services.scoring.ruleSets.load(candidate);
    const prev = await hub.graphql(
      `{ ruleSetPreview(version: "SD-2021-strict") { version comparedWith riskChanges transitions { from to count } changes { creditCode currentScore newScore currentRiskLevel newRiskLevel } } }`,
    );
    expect(prev.errors).toBeUndefined();
    const changed = prev.data.ruleSetPreview.changes.map((c: any) => c.creditCode).sort();
    expect(changed).toEqual([EDGE85, EXPIRED, EXPIRED_OLD, INSIDE].sort());
    expect(prev.data.ruleSetPreview).toMatchObject({ comparedWith: 'SD-2021', riskChanges: 4, transitions: [{ from: 'LOW', to: 'MEDIUM', count: 4 }] });
    expect((await report(EDGE85)).riskLevel).toBe('LOW');
    const unknown = await hub.graphql(`{ ruleSetPreview(version: "nope") { riskChanges } }`);
    expect(unknown.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
