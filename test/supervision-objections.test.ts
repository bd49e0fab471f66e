import { TestHub, startTestHub } from './support/test-hub';
import { addDays, chinaToday } from '../src/domain/china-date';
import { deductionKey } from '../src/supervision/objection.service';

/**
 * Objections (issue 19 scope 5, spec supervision §4) on a generated, synced
 * province, over real HTTP: the county bureau files one through GraphQL; the
 * enterprise files one from its public report page (a real form POST) with a
 * one-time code the bureau issued; both are routed to the steward of the
 * source system and listed inside the jurisdiction only; unanswered past 15
 * days they escalate to the city; the steward answers UPHELD or REJECTED; an
 * upheld objection changes nothing in the score until the source's corrected
 * record arrives through the connector; every step is audited.
 */

let hub: TestHub;
const q = (sql: string, params: unknown[] = []) => hub.tdb.db.pool.query(sql, params);
const base = () => `http://127.0.0.1:${hub.server!.port}`;

interface Ded {
  credit_code: string;
  division_code: string;
  rule_code: string;
  system: string;
  record_id: string;
  points: number;
}

let first: Ded;
let second: Ded;
let county: string;
let countyKey: string;
let stewardKey: string;

const FILE = `mutation($input: FileObjectionInput!) { fileObjection(input: $input) {
  id status connectorId steward filedVia filedBy deadline currentDeadline escalationLevel points deductionApplies history { kind actor note } } }`;
const asInput = (d: Ded, reason: string) => ({ creditCode: d.credit_code, rule: d.rule_code, connectorId: d.system, recordId: d.record_id, reason });

beforeAll(async () => {
  hub = await startTestHub({ sim: { enterprises: 400, seed: 31, today: '2026-11-30' }, server: true });
  const runs = await hub.services.runner.syncAll(['permit', 'monitoring', 'enforcement', 'penalty']);
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  // an enterprise with at least two enforcement deductions of records it alone has
  const d = await q(
    `select d.credit_code, e.division_code, d.rule_code, d.system, d.record_id, d.points from deduction d join enterprise e using (credit_code)
      where d.system = 'enforcement' and d.in_window
        and d.credit_code = (select credit_code from deduction where system = 'enforcement' and in_window group by credit_code having count(*) >= 2 order by credit_code limit 1)
      order by d.record_id limit 2`,
  );
  expect(d.rowCount).toBe(2);
  [first, second] = d.rows as Ded[];
  county = first.division_code;
  countyKey = await hub.createKey(county, 'BUREAU');
  stewardKey = await hub.createKey(county, 'STEWARD');
}, 240_000);

afterAll(async () => {
  await hub?.close();
});

describe('objections', () => {
  let bureauObjection: string;
  let pageObjection: string;

  it('the county bureau files one against a current deduction, routed to the steward of the source system', async () => {
    const r = await hub.graphqlAs(countyKey, FILE, { input: asInput(first, '检查记录的企业名称有误') });
    expect(r.errors).toBeUndefined();
    const o = r.data.fileObjection;
    bureauObjection = o.id;
    const owner = (await q(`select owner from connector where id = 'enforcement'`)).rows[0].owner;
    expect(o).toMatchObject({
      status: 'OPEN',
      connectorId: 'enforcement',
      steward: owner,
      filedVia: 'BUREAU',
      filedBy: `test BUREAU ${county}`,
      deadline: addDays(chinaToday(), 15),
      currentDeadline: addDays(chinaToday(), 15),
      escalationLevel: 'COUNTY',
      points: first.points,
      deductionApplies: true,
    });
    expect(o.history).toEqual([{ kind: 'FILED', actor: `test BUREAU ${county}`, note: 'BUREAU' }]);
    // the same deduction cannot be contested twice while unanswered; an unknown deduction is refused
    const again = await hub.graphqlAs(countyKey, FILE, { input: asInput(first, 'again') });
    expect(again.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0].message).toMatch(/already has an unanswered objection/);
    const unknown = await hub.graphqlAs(countyKey, FILE, { input: { ...asInput(first, 'x'), recordId: 'NO-SUCH-RECORD' } });
    expect(unknown.errors?.[0].message).toMatch(/has no deduction/);
    const empty = await hub.graphqlAs(countyKey, FILE, { input: asInput(second, '   ') });
    expect(empty.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('is visible inside the jurisdiction only (SQL predicate), to bureaus and stewards', async () => {
    const other = (await q(`select code from division where level = 'COUNTY' and code <> $1 order by code limit 1`, [county])).rows[0].code;
    const otherKey = await hub.createKey(other, 'BUREAU');
    const o = await hub.graphqlAs(otherKey, `query($id: ID!) { objection(id: $id) { id } objections { totalCount } }`, { id: bureauObjection });
    expect(o.errors).toBeUndefined();
    expect(o.data).toEqual({ objection: null, objections: { totalCount: 0 } });
    const filed = await hub.graphqlAs(otherKey, FILE, { input: asInput(second, 'not mine') });
    expect(filed.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const code = await hub.graphqlAs(otherKey, `mutation { issueObjectionCode(creditCode: "${first.credit_code}") { code } }`);
    expect(code.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const cityKey = await hub.createKey(county.slice(0, 4) + '00', 'BUREAU');
    for (const key of [countyKey, cityKey, stewardKey, hub.adminKey]) {
      const r = await hub.graphqlAs(
        key,
        `{ objections(filter: { connectorId: "enforcement" }) { totalCount edges { node { id enterprise { creditCode } } } } }`,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data.objections.totalCount).toBe(1);
      expect(r.data.objections.edges[0].node).toEqual({ id: bureauObjection, enterprise: { creditCode: first.credit_code } });
    }
    const partner = await hub.createKey(county, 'PARTNER');
    expect((await hub.graphqlAs(partner, `{ objections { totalCount } }`)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('the enterprise files from its public report page with a one-time code (HTML form POST)', async () => {
    const issued = await hub.graphqlAs(
      countyKey,
      `mutation { issueObjectionCode(creditCode: "${first.credit_code}") { creditCode code expiresAt reportUrl } }`,
    );
    expect(issued.errors).toBeUndefined();
    const { code, reportUrl } = issued.data.issueObjectionCode;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(reportUrl).toBe(`http://hub.test/report/${first.credit_code}`);
    expect((await q(`select count(*)::int as n from objection_code where code_hash = $1 or code_hash like $2`, [code, `%${code}%`])).rows[0].n).toBe(0);

    const page = await (await fetch(`${base()}/report/${first.credit_code}`)).text();
    const key = deductionKey({ rule: second.rule_code, connectorId: second.system, recordId: second.record_id });
    expect(page).toContain(`<option value="${key}">`);
    expect(page).not.toContain(second.record_id);
    // the deduction under objection shows it, beside it, and is not offered again
    const firstKey = deductionKey({ rule: first.rule_code, connectorId: first.system, recordId: first.record_id });
    expect(page).toContain(`<td class="objection" data-key="${firstKey}"><span class="objection-state" data-status="OPEN">`);
    expect(page).not.toContain(`<option value="${firstKey}">`);
    const action = /<form method="post" action="([^"]+)"/.exec(page)![1];
    expect(action).toBe(`/report/${first.credit_code}/objection`);

    const post = (form: Record<string, string>) =>
      fetch(`${base()}${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const wrong = await post({ deduction: key, code: 'AAAA-BBBB-CCCC', reason: '该处罚已撤销' });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('data-outcome="refused"');
    const ok = await post({ deduction: key, code: code.toLowerCase(), reason: '该检查结论已经复核撤销' });
    expect(ok.status).toBe(201);
    const body = await ok.text();
    pageObjection = /异议已受理（编号 (\d+)）/.exec(body)![1];
    const again = await post({ deduction: key, code, reason: 'again' });
    expect(again.status).toBe(403);

    const r = await hub.graphqlAs(
      stewardKey,
      `query($id: ID!) { objection(id: $id) { status filedVia filedBy rule recordId reason history { kind actor } } }`,
      {
        id: pageObjection,
      },
    );
    expect(r.data.objection).toEqual({
      status: 'OPEN',
      filedVia: 'REPORT_PAGE',
      filedBy: `enterprise ${first.credit_code}`,
      rule: second.rule_code,
      recordId: second.record_id,
      reason: '该检查结论已经复核撤销',
      history: [{ kind: 'FILED', actor: `enterprise ${first.credit_code}` }],
    });
    const audit = await q(`select outcome, client_address from audit_log where operation_name = 'fileObjectionFromReportPage' order by id`);
    expect(audit.rows.map((a) => a.outcome)).toEqual(['ERROR', 'OK', 'ERROR']);
    expect(JSON.stringify((await q(`select variables from audit_log where operation_name = 'fileObjectionFromReportPage'`)).rows)).not.toContain(code);
  });

  it('escalates to the city when unanswered past 15 days', async () => {
    const today = chinaToday();
    expect(await hub.services.objections.escalate(addDays(today, 15))).toBe(0);
    expect(await hub.services.objections.escalate(addDays(today, 16))).toBe(2);
    const cityKey = await hub.createKey(county.slice(0, 4) + '00', 'BUREAU');
    const r = await hub.graphqlAs(
      cityKey,
      `{ objections(filter: { escalationLevel: CITY, status: [ESCALATED] }) { totalCount edges { node { currentDeadline history { kind escalationLevel } } } } }`,
    );
    expect(r.data.objections.totalCount).toBe(2);
    expect(r.data.objections.edges[0].node.currentDeadline).toBe(addDays(today, 30));
    expect(r.data.objections.edges[0].node.history.map((e: any) => [e.kind, e.escalationLevel])).toEqual([
      ['FILED', null],
      ['ESCALATED', 'CITY'],
    ]);
  });

  it('the steward answers; REJECTED needs a reason and leaves the deduction', async () => {
    const answer = `mutation($id: ID!, $d: ObjectionDecision!, $r: String) { answerObjection(id: $id, decision: $d, reason: $r) { status answer answeredBy deductionApplies history { kind } } }`;
    expect((await hub.graphqlAs(countyKey, answer, { id: pageObjection, d: 'REJECTED', r: 'no' })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await hub.graphqlAs(stewardKey, answer, { id: pageObjection, d: 'REJECTED' })).errors?.[0].message).toMatch(/needs a reason/);
    const otherSteward = await hub.createKey(
      (await q(`select code from division where level = 'COUNTY' and code <> $1 order by code limit 1`, [county])).rows[0].code,
      'STEWARD',
    );
    expect((await hub.graphqlAs(otherSteward, answer, { id: pageObjection, d: 'UPHELD' })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    const r = await hub.graphqlAs(stewardKey, answer, { id: pageObjection, d: 'REJECTED', r: '复核维持原检查结论' });
    expect(r.errors).toBeUndefined();
    expect(r.data.answerObjection).toEqual({
      status: 'REJECTED',
      answer: '复核维持原检查结论',
      answeredBy: `test STEWARD ${county}`,
      deductionApplies: true,
      history: [{ kind: 'FILED' }, { kind: 'ESCALATED' }, { kind: 'REJECTED' }],
    });
    expect((await hub.graphqlAs(stewardKey, answer, { id: pageObjection, d: 'UPHELD' })).errors?.[0].message).toMatch(/already answered/);
  });

  it('UPHELD changes nothing by itself: the deduction goes when the corrected record arrives', async () => {
    const score = async () =>
      (await hub.graphql(`query($c: String!) { enterprise(creditCode: $c) { healthReport { score deductions { recordId } } } }`, { c: first.credit_code })).data
        .enterprise.healthReport;
    const before = await score();
    expect(before.deductions.map((d: any) => d.recordId)).toContain(first.record_id);
    const r = await hub.graphqlAs(
      stewardKey,
      `mutation($id: ID!) { answerObjection(id: $id, decision: UPHELD, reason: "记录有误，来源系统将更正") { status deductionApplies } }`,
      {
        id: bureauObjection,
      },
    );
    expect(r.data.answerObjection).toEqual({ status: 'UPHELD', deductionApplies: true });
    expect(await score()).toEqual(before);
    const firstKey = deductionKey({ rule: first.rule_code, connectorId: first.system, recordId: first.record_id });
    expect(await (await fetch(`${base()}/report/${first.credit_code}`)).text()).toContain(
      `<td class="objection" data-key="${firstKey}"><span class="objection-state" data-status="UPHELD">`,
    );

    // the enforcement system withdraws the record; the connector brings the correction
    const rec = (
      await q(`select kind, to_char(event_date, 'YYYY-MM-DD') as date, finding, measure_type from enforcement_record where record_id = $1`, [first.record_id])
    ).rows[0];
    await hub.postRecords('enforcement', [
      {
        record_id: first.record_id,
        kind: rec.kind,
        credit_code: first.credit_code,
        date: rec.date,
        ...(rec.finding ? { finding: rec.finding } : {}),
        ...(rec.measure_type ? { measure_type: rec.measure_type } : {}),
        status: 'WITHDRAWN',
        modified_at: new Date().toISOString(),
      },
    ]);
    expect((await hub.services.runner.syncAll(['enforcement']))[0].status).toBe('SUCCEEDED');
    const after = await score();
    expect(after.deductions.map((d: any) => d.recordId)).not.toContain(first.record_id);
    expect(after.score).toBe(before.score + first.points);
    const o = await hub.graphqlAs(stewardKey, `query($id: ID!) { objection(id: $id) { status deductionApplies } }`, { id: bureauObjection });
    expect(o.data.objection).toEqual({ status: 'UPHELD', deductionApplies: false });
    expect(await (await fetch(`${base()}/report/${first.credit_code}`)).text()).not.toContain(`data-key="${firstKey}"`);
    const audited = await q(
      `select operation_name, outcome from audit_log where operation ilike '%answerObjection%' or operation ilike '%fileObjection%' order by id`,
    );
    expect(audited.rows.filter((a) => a.outcome === 'OK').length).toBe(3); // one filing, two answers
  }, 120_000);
});
