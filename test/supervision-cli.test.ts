import crypto from 'node:crypto';
import { TestHub, startTestHub } from './support/test-hub';
import { spawnHub } from './support/hub-process';
import { chinaToday } from '../src/domain/china-date';
import { runDemoSupervision } from '../src/cli/demo-supervision';

/**
 * `hub objections list | answer | code` and `hub supervision stats` (issue 19 scopes 5 and 6 from the CLI),
 * spawned as the real CLI against the test database: the same service calls as GraphQL, so the same rules
 * (a rejection needs a reason) and the same figures; the CLI's writes are audited as `cli`.
 */

let hub: TestHub;
const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params);
const PROVINCE = { divisionCode: '370000', level: 'PROVINCE' } as const;
const today = chinaToday();
const cli = async (args: string[]) => {
  const p = spawnHub(args, { DATABASE_URL: hub.tdb.url });
  return { status: await p.exited, out: p.output() };
};

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 400, seed: 31, today: '2026-11-30' } });
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  // the demo's loop: a roster, this quarter's province plan, the simulator's enforcement system inspecting it, synced back
  expect(await runDemoSupervision(hub.services, hub.sim.url)).toMatch(/^supervision demo: [1-9]\d* enterprises inspected/);
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

describe('hub objections', () => {
  it('lists, answers (a rejection needs a reason) and issues codes through the objection service, audited as cli', async () => {
    const d = await q(
      `select d.credit_code, e.division_code, d.rule_code, d.system, d.record_id from deduction d join enterprise e using (credit_code)
        where d.system = 'enforcement' order by d.credit_code, d.record_id limit 2`,
    );
    const [a, b] = d.rows;
    const file = (x: typeof a) =>
      hub.services.objections.fileByBureau(
        PROVINCE,
        { creditCode: x.credit_code, rule: x.rule_code, connectorId: x.system, recordId: x.record_id },
        '记录有误',
        'test',
      );
    const oa = await file(a);
    const ob = await file(b);

    const list = await cli(['objections', 'list', '--division', a.division_code.slice(0, 4) + '00']);
    expect(list.status).toBe(0);
    const lines = list.out.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['id', 'enterprise', 'deduction', 'status', 'filed', 'due', 'steward']);
    const row = lines.find((l) => l.startsWith(`${oa.id} `))!.split(/\s{2,}/);
    expect(row).toEqual([oa.id, a.credit_code, `${a.rule_code} enforcement/${a.record_id} −${oa.points}`, 'OPEN', today, oa.currentDeadline, oa.steward]);

    const noReason = await cli(['objections', 'answer', oa.id, '--rejected']);
    expect(noReason.status).toBe(1);
    expect(noReason.out).toContain('a rejection needs a reason');
    expect(await cli(['objections', 'answer', oa.id, '--rejected', '--upheld'])).toMatchObject({ status: 1 });

    const rejected = await cli(['objections', 'answer', oa.id, '--rejected', '--reason', '记录已核实']);
    expect(rejected.status).toBe(0);
    expect(rejected.out).toContain(`objection ${oa.id}: REJECTED (记录已核实)`);
    expect((await cli(['objections', 'answer', ob.id, '--upheld'])).status).toBe(0);
    const again = await cli(['objections', 'answer', ob.id, '--rejected', '--reason', 'x']);
    expect(again.status).toBe(1);
    expect(again.out).toContain('already answered (UPHELD)');
    const [ra, rb] = await hub.services.objections.byIds(PROVINCE, [oa.id, ob.id]);
    expect([ra!.status, ra!.answer, ra!.answeredBy, rb!.status, rb!.answeredBy]).toEqual(['REJECTED', '记录已核实', 'cli', 'UPHELD', 'cli']);
    const events = await hub.services.objections.eventsOf([oa.id]);
    expect(events[0].map((e) => [e.kind, e.actor, e.note])).toEqual([
      ['FILED', 'test', 'BUREAU'],
      ['REJECTED', 'cli', '记录已核实'],
    ]);

    const upheld = await cli(['objections', 'list', '--status', 'UPHELD']);
    const ids = (out: string) =>
      out
        .split('\n')
        .slice(1, -2)
        .map((l) => l.split(' ')[0]);
    expect(ids(upheld.out)).toEqual([ob.id]);
    expect(upheld.out).toContain('1 objection(s)');
    expect((await cli(['objections', 'list', '--status', 'LOST'])).status).toBe(1);

    const code = await cli(['objections', 'code', '--credit-code', a.credit_code]);
    expect(code.status).toBe(0);
    const printed = /objection code for \S+: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/.exec(code.out)![1];
    const hash = crypto.createHash('sha256').update(printed).digest('hex');
    expect((await q(`select credit_code, issued_by from objection_code where code_hash = $1`, [hash])).rows).toEqual([
      { credit_code: a.credit_code, issued_by: 'cli' },
    ]);
    expect((await cli(['objections', 'code', '--credit-code', '91370000000000000X'])).status).toBe(1);
  }, 120_000);
});

describe('hub supervision stats', () => {
  it('prints the figures supervisionStats returns, as text and with --json the same object', async () => {
    const from = `${today.slice(0, 8)}01`;
    const expected = JSON.parse(JSON.stringify(await hub.services.supervisionStats.stats(PROVINCE, from, today, 'SD-2021')));
    const json = await cli(['supervision', 'stats', '--division', '370000', '--from', from, '--to', today, '--candidate', 'SD-2021', '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.out)).toEqual(expected);
    expect(expected.riskLevels.reduce((n: number, r: { inspections: number }) => n + r.inspections, 0)).toBeGreaterThan(0);

    const text = await cli(['supervision', 'stats', '--division', '370000', '--from', from, '--to', today, '--candidate', 'SD-2021']);
    expect(text.status).toBe(0);
    const lines = text.out.split('\n');
    const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
    for (const r of expected.riskLevels)
      expect(lines).toContain(
        `${r.riskLevel.padEnd(10)}  ${String(r.inspections).padEnd(11)}  ${String(r.violations).padEnd(10)}  ${r.rate === null ? '-' : `${pct(r.rate)} [${pct(r.low)}, ${pct(r.high)}]`}`.trimEnd(),
      );
    expect(text.out).toContain('by the risk level candidate SD-2021 would assign');
    for (const w of expected.warningTypes) expect(lines.some((l) => l.startsWith(`${w.type} `) && l.split(/\s{2,}/)[1] === String(w.raised))).toBe(true);
    for (const c of expected.counties) expect(lines.some((l) => l.startsWith(`${c.divisionCode}  `))).toBe(true);
    const bad = await cli(['supervision', 'stats', '--division', '370000', '--from', today, '--to', from === today ? '2000-01-01' : from]);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain('from must not be after to');
    expect((await cli(['supervision', 'stats', '--division', '999999', '--from', from, '--to', today])).out).toContain("unknown division '999999'");
  }, 120_000);
});
