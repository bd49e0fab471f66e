import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { orgCodeOfCreditCode, withOrgCheckChar } from '../src/resolution/org-code';
import { keyPermitRecord } from './support/source-records';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Entity resolution at ingest (issue 20): enforcement and penalty records without a
 * valid credit code are linked by the deterministic keys (organisation code with its
 * check character, permit number), then by name similarity within their county;
 * the middle band waits for a steward, the rest is quarantined with the reason and
 * its best candidates. Deductions of linked records reach the enterprise.
 */
const T = chinaToday();
const d = (n: number) => addDays(T, -n);
const at = (date: string) => `${date}T10:00:00+08:00`;
const code = (county: string, body: string) => withCheckChar(`91${county}${withOrgCheckChar(body)}`);

const HUATAI = code('370102', 'MA3C4R5X');
const HONGDA = code('370102', 'MA7K2P1Q');
const HUAXIN = code('370103', 'MA9T8Y7W');
const RENAMED = code('370102', 'MA5T6U7W');
// One slip from 华泰热电 as 华泰热力 is: a name one slip from both is a steward's call.
const HUATAI_HEAT = code('370102', 'MA9Y8X7T');
const HUAXIN_BUILD = code('370103', 'MA9Y8X7W');
const LATE = code('370102', 'MA2B3C4D');
/** The old registration number the permit system keeps for HUAXIN (county, 8 digits, ISO 7064 MOD 11,10 check digit). */
const HUAXIN_REG = '370103000012344';

const enterprise = (c: string, name: string) =>
  keyPermitRecord(c, name, { permits: [{ permitNo: `${c}001P`, validFrom: d(400), validTo: addDays(T, 400), status: 'VALID' }], updatedAt: at(d(1)) });
const measure = (id: string, extra: Record<string, unknown>) => ({
  record_id: id,
  kind: 'MEASURE',
  credit_code: '',
  date: d(10),
  measure_type: 'SUSPEND_PRODUCTION',
  status: 'ACTIVE',
  modified_at: at(d(10)),
  ...extra,
});

describe('entity resolution at ingest', () => {
  let hub: TestHub;
  const q = <T = Record<string, unknown>>(sql: string, v: unknown[] = []) => hub.services.db.pool.query(sql, v).then((r) => r.rows as T[]);
  const post = async (system: string, body: unknown[]) => {
    const r = await fetch(`${hub.sim.url}/admin/records/${system}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
  };
  const sync = () => hub.services.runner.syncAll(['permit', 'enforcement', 'penalty'], 'test');
  const link = (sourceId: string) =>
    q<{ credit_code: string; key: string; probability: number }>(`select credit_code, key, probability from entity_link where source_id = $1`, [sourceId]);

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 0 } });
    await post('permit', [
      enterprise(HUATAI, '济南华泰热电有限公司'),
      enterprise(HONGDA, '济南宏达化工股份有限公司'),
      enterprise(RENAMED, '济南新源能源有限公司(原"济南老源热力厂",已更名)'),
      enterprise(HUATAI_HEAT, '济南华泰热力有限公司'),
      { ...enterprise(HUAXIN_BUILD, '济南华信建筑有限公司'), address: '建设路9号' },
    ]);
    await post('permit', [{ ...enterprise(HUAXIN, '济南华信建材有限公司'), registrationNo: HUAXIN_REG }]);
    const org = orgCodeOfCreditCode(HUATAI);
    const badOrg = org.slice(0, 8) + (org[8] === '0' ? '1' : '0');
    await post('enforcement', [
      measure('ENF-ORG', { org_code: `${org.slice(0, 8)}-${org[8]}` }),
      measure('ENF-ORG-BAD', { org_code: badOrg }),
      measure('ENF-PERMIT', { permit_no: `${HONGDA}001P` }),
      measure('ENF-NAME-SUFFIX', { enterprise_name: '济南华信建材有限责任公司', division_code: '370103' }),
      measure('ENF-NAME-CITY', { enterprise_name: '山东省济南市华泰热电有限公司', division_code: '370102' }),
      measure('ENF-NAME-BRACKETS', { enterprise_name: '济南宏达化工股份有限公司', division_code: '370102' }),
      measure('ENF-NAME-FORMER', { enterprise_name: '济南老源热力厂', division_code: '370102' }),
      measure('ENF-NAME-TYPO', { enterprise_name: '济南华泰热点有限公司', division_code: '370102' }),
      measure('ENF-NAME-SLIP', { enterprise_name: '济南宏达化二股份有限公司', division_code: '370102' }),
      measure('ENF-REG', { registration_no: HUAXIN_REG }),
      measure('ENF-REG-UNKNOWN', { registration_no: '370103000099996' }),
      measure('ENF-LATE', { enterprise_name: '济南晚到环保科技有限公司', division_code: '370102' }),
      measure('ENF-NAME-UNKNOWN', { enterprise_name: '青岛海风渔业有限公司', division_code: '370102' }),
      measure('ENF-VALID', { credit_code: HUAXIN }),
    ]);
    await post('penalty', [
      {
        caseNo: '鲁环罚〔R〕1号',
        creditCode: orgCodeOfCreditCode(HUAXIN),
        partyName: '济南华信建材有限公司',
        decisionDate: d(20),
        amount: 150_000,
        dailyConsecutive: false,
        status: 'EXECUTED',
        modifiedAt: at(d(20)),
      },
      {
        caseNo: '鲁环罚〔R〕2号',
        creditCode: '',
        partyName: '济南华泰热电有限公司',
        decisionDate: d(21),
        amount: 50_000,
        dailyConsecutive: false,
        status: 'DECIDED',
        modifiedAt: at(d(21)),
      },
    ]);
    await sync();
  });
  afterAll(async () => hub?.close());

  it('links by a valid organisation code (hyphen written or not) and records the key', async () => {
    expect(await link('ENF-ORG')).toEqual([{ credit_code: HUATAI, key: 'ORG_CODE', probability: 1 }]);
    expect(await q(`select credit_code from enforcement_record where record_id = 'ENF-ORG'`)).toEqual([{ credit_code: HUATAI }]);
    expect(await link('鲁环罚〔R〕1号')).toEqual([{ credit_code: HUAXIN, key: 'ORG_CODE', probability: 1 }]);
  });

  it('refuses an organisation code whose check character is wrong: quarantined with the reason', async () => {
    expect(await link('ENF-ORG-BAD')).toEqual([]);
    const [row] = await q<{ reason: string }>(`select reason from quarantine where source_id = 'ENF-ORG-BAD' and status = 'OPEN'`);
    expect(row.reason).toMatch(/fails the check character/);
  });

  it('links by the credit-code prefix of a permit number', async () => {
    expect(await link('ENF-PERMIT')).toEqual([{ credit_code: HONGDA, key: 'PERMIT_NO', probability: 1 }]);
  });

  it('links by a registration number the permit system keeps, and quarantines one it does not know', async () => {
    expect(await q(`select registration_no from enterprise where credit_code = $1`, [HUAXIN])).toEqual([{ registration_no: HUAXIN_REG }]);
    expect(await link('ENF-REG')).toEqual([{ credit_code: HUAXIN, key: 'REGISTRATION_NO', probability: 1 }]);
    expect(await q(`select credit_code from enforcement_record where record_id = 'ENF-REG'`)).toEqual([{ credit_code: HUAXIN }]);
    expect(await link('ENF-REG-UNKNOWN')).toEqual([]);
    const [row] = await q<{ reason: string }>(`select reason from quarantine where source_id = 'ENF-REG-UNKNOWN' and status = 'OPEN'`);
    expect(row.reason).toMatch(/registration number 370103000099996 is not known to the permit system/);
  });

  it('links a name one typing slip from exactly one enterprise of its county, and says so', async () => {
    const [l] = await q<{ credit_code: string; key: string; reasons: { factor: string }[] }>(
      `select credit_code, key, reasons from entity_link where source_id = 'ENF-NAME-SLIP'`,
    );
    expect(l).toMatchObject({ credit_code: HONGDA, key: 'SIMILARITY' });
    expect(l.reasons.map((r) => r.factor)).toContain('NAME_ONE_EDIT');
  });

  it('links name variants (legal-form suffix, leading city, former name, same name) by similarity at or above the link threshold', async () => {
    for (const [id, c] of [
      ['ENF-NAME-SUFFIX', HUAXIN],
      ['ENF-NAME-CITY', HUATAI],
      ['ENF-NAME-BRACKETS', HONGDA],
      ['ENF-NAME-FORMER', RENAMED],
      ['鲁环罚〔R〕2号', HUATAI],
    ] as const) {
      const [l] = await link(id);
      expect({ id, credit_code: l?.credit_code, key: l?.key }).toEqual({ id, credit_code: c, key: 'SIMILARITY' });
      expect(l.probability).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('queues a typo one slip from two enterprises (between the thresholds) with its candidates and why they scored', async () => {
    const rows = await q<{ source_id: string; status: string; division_code: string; candidates: { creditCode: string; reasons: { factor: string }[] }[] }>(
      `select source_id, status, division_code, candidates from resolution_queue order by source_id`,
    );
    expect(rows.map((r) => [r.source_id, r.status, r.division_code])).toEqual([['ENF-NAME-TYPO', 'OPEN', '370102']]);
    expect(rows[0].candidates.slice(0, 2).map((c) => c.creditCode)).toEqual([HUATAI, HUATAI_HEAT]);
    expect(rows[0].candidates[0].reasons.map((r) => r.factor)).toEqual(expect.arrayContaining(['NAME', 'NAME_ONE_EDIT']));
    expect(await q(`select 1 from enforcement_record where record_id = 'ENF-NAME-TYPO'`)).toEqual([]);
  });

  it('quarantines a name below the review threshold with the reason', async () => {
    const [row] = await q<{ reason: string }>(`select reason from quarantine where source_id = 'ENF-NAME-UNKNOWN' and status = 'OPEN'`);
    expect(row.reason).toMatch(/no enterprise identified/);
  });

  it('re-processing a record quarantined for no match resolves it again: it links once its enterprise has arrived', async () => {
    // A record that names no enterprise is in no county's jurisdiction: the province's steward sees it.
    const steward = await hub.createKey('370000', 'STEWARD');
    const [row] = await q<{ id: string; reason: string }>(`select id::text, reason from quarantine where source_id = 'ENF-LATE' and status = 'OPEN'`);
    expect(row.reason).toMatch(/no enterprise identified/);
    const REPROCESS = `mutation($id: ID!) { reprocessQuarantined(id: $id) { status reason } }`;
    // Nothing has changed: it stays quarantined, with the reason resolution gives now.
    const still = await hub.graphqlAs(steward, REPROCESS, { id: row.id });
    expect(still.errors).toBeUndefined();
    expect(still.data.reprocessQuarantined).toMatchObject({ status: 'OPEN', reason: expect.stringMatching(/no enterprise identified/) });
    await post('permit', [{ ...enterprise(LATE, '济南晚到环保科技有限公司'), updatedAt: at(d(0)) }]);
    await hub.services.runner.syncAll(['permit'], 'test');
    const res = await hub.graphqlAs(steward, REPROCESS, { id: row.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.reprocessQuarantined.status).toBe('REPROCESSED');
    expect(await link('ENF-LATE')).toEqual([{ credit_code: LATE, key: 'SIMILARITY', probability: expect.any(Number) }]);
    expect(await q(`select credit_code from enforcement_record where record_id = 'ENF-LATE'`)).toEqual([{ credit_code: LATE }]);
    // reprocessQuarantined derives what it touched before it answers.
    expect(await q(`select 1 from deduction where credit_code = $1 and record_id = 'ENF-LATE'`, [LATE])).toHaveLength(1);
  });

  it('takes records with a valid credit code the existing way (no link row) and moves deductions onto linked enterprises', async () => {
    expect(await link('ENF-VALID')).toEqual([]);
    expect(await q(`select credit_code from enforcement_record where record_id = 'ENF-VALID'`)).toEqual([{ credit_code: HUAXIN }]);
    const ded = await q<{ record_id: string }>(`select record_id from deduction where credit_code = $1 order by record_id`, [HUATAI]);
    expect(ded.map((r) => r.record_id)).toEqual(expect.arrayContaining(['ENF-ORG', 'ENF-NAME-CITY']));
  });

  it('resolves again on a second sync without changing anything', async () => {
    const before = await q(`select source_id, credit_code, key, linked_at from entity_link order by source_id`);
    await sync();
    expect(await q(`select source_id, credit_code, key, linked_at from entity_link order by source_id`)).toEqual(before);
    expect((await q(`select count(*)::int as n from resolution_queue where status = 'OPEN'`))[0]).toEqual({ n: 1 });
  });

  describe('stewards decide', () => {
    const QUEUE = `query($first: Int!, $after: String) { resolutionQueue(first: $first, after: $after) {
      totalCount edges { cursor node { id sourceId name divisionCode bestProbability why candidates { creditCode probability reasons { factor detail weight } } } }
      pageInfo { hasNextPage endCursor } } }`;
    let steward102: string;
    let steward103: string;
    let bureau: string;
    beforeAll(async () => {
      steward102 = await hub.createKey('370102', 'STEWARD');
      steward103 = await hub.createKey('370103', 'STEWARD');
      bureau = await hub.createKey('370000', 'BUREAU');
    });

    it("shows the queue only inside the steward's jurisdiction, with candidates and reasons, and only to stewards", async () => {
      const mine = await hub.graphqlAs(steward102, QUEUE, { first: 10 });
      expect(mine.errors).toBeUndefined();
      expect(mine.data.resolutionQueue.totalCount).toBe(1);
      const [edge] = mine.data.resolutionQueue.edges;
      expect(edge.node).toMatchObject({ sourceId: 'ENF-NAME-TYPO', name: '济南华泰热点有限公司', divisionCode: '370102' });
      expect(edge.node.candidates[0].creditCode).toBe(HUATAI);
      expect(edge.node.candidates[0].reasons.map((r: { factor: string }) => r.factor)).toEqual(expect.arrayContaining(['BASE', 'NAME']));
      const other = await hub.graphqlAs(steward103, QUEUE, { first: 10 });
      expect(other.data.resolutionQueue).toMatchObject({ totalCount: 0, edges: [] });
      const denied = await hub.graphqlAs(bureau, QUEUE, { first: 10 });
      expect(denied.errors?.[0].message).toMatch(/STEWARD|not authori|access denied/i);
    });

    it('links a queued record, and remembers the decision for a later record of the same identity', async () => {
      const page = await hub.graphqlAs(steward102, QUEUE, { first: 10 });
      const id = page.data.resolutionQueue.edges[0].node.id;
      const outside = await hub.graphqlAs(steward103, `mutation($id: ID!, $c: String!) { linkRecord(id: $id, creditCode: $c) { status } }`, { id, c: HUATAI });
      expect(outside.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const res = await hub.graphqlAs(steward102, `mutation($id: ID!, $c: String!) { linkRecord(id: $id, creditCode: $c) { status creditCode decidedBy } }`, {
        id,
        c: HUATAI,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.linkRecord).toMatchObject({ status: 'LINKED', creditCode: HUATAI });
      expect(await link('ENF-NAME-TYPO')).toEqual([{ credit_code: HUATAI, key: 'STEWARD', probability: 1 }]);
      expect(await q(`select record_id from deduction where credit_code = $1 and record_id = 'ENF-NAME-TYPO'`, [HUATAI])).toHaveLength(1);

      await post('enforcement', [
        measure('ENF-NAME-TYPO-2', { enterprise_name: '济南华泰热点有限公司', division_code: '370102', date: d(5), modified_at: at(d(5)) }),
      ]);
      await sync();
      expect(await link('ENF-NAME-TYPO-2')).toEqual([{ credit_code: HUATAI, key: 'STEWARD', probability: 1 }]);
      expect((await q(`select count(*)::int as n from resolution_queue where status = 'OPEN'`))[0]).toEqual({ n: 0 });
    });

    it('rejects candidates: the record is quarantined and a later record of the identity is not linked to them', async () => {
      await post('enforcement', [measure('ENF-REJ-1', { enterprise_name: '济南华信建才有限公司', division_code: '370103' })]);
      await sync();
      const page = await hub.graphqlAs(steward103, QUEUE, { first: 10 });
      expect(page.data.resolutionQueue.edges.map((e: { node: { sourceId: string } }) => e.node.sourceId)).toEqual(['ENF-REJ-1']);
      const id = page.data.resolutionQueue.edges[0].node.id;
      const res = await hub.graphqlAs(steward103, `mutation($id: ID!) { rejectCandidates(id: $id) { status } }`, { id });
      expect(res.data.rejectCandidates).toEqual({ status: 'REJECTED' });
      const [qr] = await q<{ reason: string }>(`select reason from quarantine where source_id = 'ENF-REJ-1' and status = 'OPEN'`);
      expect(qr.reason).toMatch(/rejected the candidates/);
      await post('enforcement', [
        measure('ENF-REJ-2', { enterprise_name: '济南华信建才有限公司', division_code: '370103', date: d(4), modified_at: at(d(4)) }),
      ]);
      await sync();
      expect(await link('ENF-REJ-2')).toEqual([]);
      expect(await q(`select status from resolution_queue where source_id = 'ENF-REJ-2'`)).toEqual([]);
      expect(await q(`select 1 from quarantine where source_id = 'ENF-REJ-2' and status = 'OPEN'`)).toHaveLength(1);
    });

    it('unlinks a record: its deductions leave the enterprise and its score is derived again', async () => {
      const before = await q<{ score: number }>(`select score from score_state where credit_code = $1`, [HUATAI]);
      expect(await q(`select 1 from deduction where credit_code = $1 and record_id = 'ENF-NAME-CITY'`, [HUATAI])).toHaveLength(1);
      const res = await hub.graphqlAs(
        steward102,
        `mutation { unlinkRecord(connectorId: "enforcement", sourceId: "ENF-NAME-CITY") { touched entry { sourceId } } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.unlinkRecord.touched).toContain(HUATAI);
      expect(await q(`select 1 from deduction where credit_code = $1 and record_id = 'ENF-NAME-CITY'`, [HUATAI])).toEqual([]);
      expect(await q(`select 1 from enforcement_record where record_id = 'ENF-NAME-CITY'`)).toEqual([]);
      expect(await link('ENF-NAME-CITY')).toEqual([]);
      const after = await q<{ score: number }>(`select score from score_state where credit_code = $1`, [HUATAI]);
      expect(after[0].score).toBeGreaterThan(before[0].score);
      expect(await q(`select 1 from derive_dirty where credit_code = $1`, [HUATAI])).toEqual([]);
      // The next sync does not link it back to the enterprise the steward took it from.
      await sync();
      expect(await link('ENF-NAME-CITY')).toEqual([]);
    });
  });
});
