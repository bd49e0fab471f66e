import { HubServices, createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { Database } from '../src/db/database';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { derivedDigest, warningDigest } from './support/store-digest';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Derived products (scores, tags, warnings) after crashes and partial loads
 * (issue 14, items 1, 4, 5 and 6): recoverable from durable marks, warnings
 * independent of the order sources first arrive in, detectors blind to
 * monitoring of unknown enterprises, and a full rescore that never blocks or
 * fails readers.
 */
const CONNECTORS = ['permit', 'enforcement', 'penalty', 'monitoring'];
const ENTERPRISES = 300;
const SEED = 14;

let clean: TestHub;
const others: TestDatabase[] = [];
let cleanDigest: Record<string, string>;
let cleanWarnings: string[];

async function hubOn(tdb: TestDatabase, log?: (line: string) => void): Promise<HubServices> {
  return createHubServices(loadConfig({ HUB_SOURCES_URL: clean.sim.url }), tdb.db, log ? { log } : {});
}

async function freshHub(log?: (line: string) => void): Promise<{ db: Database; services: HubServices }> {
  const tdb = await createTestDatabase();
  others.push(tdb);
  return { db: tdb.db, services: await hubOn(tdb, log) };
}

beforeAll(async () => {
  clean = await startTestHub({ sim: { enterprises: ENTERPRISES, seed: SEED } });
  for (const s of await clean.services.runner.syncAll(CONNECTORS)) expect(s.status).toBe('SUCCEEDED');
  cleanDigest = await derivedDigest(clean.tdb.db);
  cleanWarnings = await warningDigest(clean.tdb.db);
}, 120_000);
afterAll(async () => {
  for (const t of others) await t.drop();
  await clean?.close();
});

describe('durable marks of derived products (issue 14 item 1)', () => {
  it('a sync whose pages committed but whose derivation never ran is derived by the next sync, which loads nothing new and logs how many it derived (item 15)', async () => {
    const lines: string[] = [];
    const { db, services } = await freshHub((l) => lines.push(l));
    // The pages commit, the post-sync steps never run: what a kill right after the last page leaves.
    for (const s of await services.runner.syncAll(CONNECTORS, 'manual', { skipPostSync: true })) expect(s.status).toBe('SUCCEEDED');
    const n = async (sql: string) => (await db.pool.query(sql)).rows[0].n as number;
    expect(await n(`select count(*)::int n from enterprise_tags`)).toBe(0);
    expect(await n(`select count(*)::int n from derive_dirty where product = 'tags'`)).toBe(ENTERPRISES);
    expect(await n(`select count(*)::int n from derive_dirty where product = 'warnings'`)).toBeGreaterThanOrEqual(ENTERPRISES);

    lines.length = 0;
    const again = await services.runner.syncAll(CONNECTORS);
    expect(again.map((s) => [s.status, s.touched.length])).toEqual(CONNECTORS.map(() => ['SUCCEEDED', 0]));
    // The log counts what each step derived from the marks, not the (empty) touched list (issue 14 item 15).
    const stepCounts = (step: string) =>
      lines.map((l) => new RegExp(`^${step}: (\\d+) enterprises in \\d+ ms$`).exec(l)).flatMap((m) => (m ? [Number(m[1])] : []));
    expect(stepCounts('rescore')).toEqual([ENTERPRISES, 0]);
    expect(stepCounts('retag')).toEqual([ENTERPRISES, 0]);
    expect(stepCounts('warnings')[0]).toBeGreaterThanOrEqual(ENTERPRISES);
    expect(await n(`select count(*)::int n from derive_dirty`)).toBe(0);
    expect(await n(`select count(*)::int n from score_dirty`)).toBe(0);
    expect(await derivedDigest(db)).toEqual(cleanDigest);
    expect(await warningDigest(db)).toEqual(cleanWarnings);
  }, 120_000);
});

describe('warnings independent of arrival order (issue 14 item 5)', () => {
  const orders = [
    ['permit', 'enforcement', 'penalty', 'monitoring'],
    ['monitoring', 'penalty', 'enforcement', 'permit'],
    ['enforcement', 'permit', 'monitoring', 'penalty'],
  ];
  it.each(orders.map((o) => [o.join(' → '), o]))(
    'a first load split into runs %s gives the warnings of a clean load',
    async (_name, order) => {
      const { db, services } = await freshHub();
      for (const id of order as string[]) for (const s of await services.runner.syncAll([id])) expect(s.status).toBe('SUCCEEDED');
      const scoreWarnings = (await db.pool.query(`select count(*)::int n from warning where type in ('RISK_UP', 'SCORE_DROP')`)).rows[0].n;
      expect(scoreWarnings).toBe((await clean.tdb.db.pool.query(`select count(*)::int n from warning where type in ('RISK_UP', 'SCORE_DROP')`)).rows[0].n);
      expect(await warningDigest(db)).toEqual(cleanWarnings);
      expect(await derivedDigest(db)).toEqual(cleanDigest);
      // Scores are not frozen by the rule: a later change of an already loaded source is a worsening again.
      const baselineLatest = (
        await db.pool.query(
          `select count(*)::int n from (select distinct on (credit_code) baseline from score_history order by credit_code, id desc) h where not baseline`,
        )
      ).rows[0].n;
      expect(baselineLatest).toBe(0);
    },
    120_000,
  );

  it('a change after the first loads still raises RISK_UP', async () => {
    const { db, services } = await freshHub();
    for (const s of await services.runner.syncAll(CONNECTORS)) expect(s.status).toBe('SUCCEEDED');
    const low = (await db.pool.query<{ credit_code: string }>(`select credit_code from enterprise where risk_level = 'LOW' order by credit_code limit 1`))
      .rows[0].credit_code;
    // A new fact of an already loaded source: five MON_EXCEED days make the enterprise worse.
    const today = chinaToday();
    for (let d = 1; d <= 12; d++) {
      await db.pool.query(
        `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DW-T', 'a21026', $2, 24, 10)`,
        [low, addDays(today, -d)],
      );
    }
    await services.runner.afterSync([]);
    const w = (await db.pool.query(`select type from warning where credit_code = $1 and type in ('RISK_UP', 'SCORE_DROP') order by type`, [low])).rows.map(
      (r) => r.type,
    );
    const risk = (await db.pool.query(`select risk_level from enterprise where credit_code = $1`, [low])).rows[0].risk_level;
    expect(risk).not.toBe('LOW');
    expect(w).toContain('RISK_UP');
  }, 120_000);
});

describe('detectors and monitoring of absent enterprises (issue 14 item 4)', () => {
  it('monitoring rows of a credit code with no enterprise raise nothing and fail nothing', async () => {
    const absent = withCheckChar('91370102MA9999999');
    const today = chinaToday();
    // Exceedances on 4 of the last 7 days (EXCEED_TREND) and nothing since 3 days ago (DATA_GAP).
    for (const d of [3, 4, 5, 6]) {
      await clean.tdb.db.pool.query(
        `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DW-X', 'a21026', $2, 24, 6)`,
        [absent, addDays(today, -d)],
      );
    }
    try {
      // Before the fix the warning insert failed on warning_credit_code_fkey and rolled the whole pass back.
      const all = await clean.services.warnings.detection.detectAll();
      expect(all.holding.DATA_GAP ?? 0).toBe(cleanWarnings.filter((w) => w.startsWith('DATA_GAP') && w.endsWith(' t')).length);
      await clean.services.runner.afterSync([absent]);
      expect((await clean.tdb.db.pool.query(`select count(*)::int n from warning where credit_code = $1`, [absent])).rows[0].n).toBe(0);
      // Once its enterprise arrives, its warnings follow (the enterprise's insert marks it).
      await clean.tdb.db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, '迟到企业', '370102')`, [absent]);
      await clean.services.runner.afterSync([]);
      const types = (await clean.tdb.db.pool.query(`select type from warning where credit_code = $1 order by type`, [absent])).rows.map((r) => r.type);
      expect(types).toEqual(['DATA_GAP', 'EXCEED_TREND']);
    } finally {
      await clean.tdb.db.pool.query(`delete from monitoring_day where credit_code = $1`, [absent]);
      await clean.tdb.db.pool.query(`delete from enterprise where credit_code = $1`, [absent]);
      await clean.services.runner.afterSync([]);
    }
  }, 60_000);
});

const REPORT = `query($code: String!) {
  enterprise(creditCode: $code) { creditCode score riskLevel healthReport { score riskLevel deductions { system rule points recordId } } }
}`;
const SEARCH = `query { enterprises(first: 20, orderBy: SCORE_ASC) { totalCount edges { node { creditCode score riskLevel tags { code } } } } }`;

describe('a full rescore never blocks or fails readers (issue 14 item 6)', () => {
  it('holds no lock a reader waits on: health reports answer while a full rescore is uncommitted', async () => {
    const code = (await clean.tdb.db.pool.query(`select credit_code from deduction order by credit_code limit 1`)).rows[0].credit_code;
    const before = await clean.graphql(REPORT, { code });
    expect(before.errors).toBeUndefined();
    const client = await clean.tdb.db.pool.connect();
    let open = false;
    try {
      await client.query('begin');
      open = true;
      const s = await clean.services.scoring.scores.rescoreIn(client, { all: true, cause: 'RESCORE' });
      expect(s.enterprises).toBe(ENTERPRISES);
      const strong = await clean.tdb.db.pool.query(
        `select count(*)::int n from pg_locks where relation in ('deduction'::regclass, 'score_state'::regclass, 'enterprise'::regclass)
            and mode in ('AccessExclusiveLock', 'ExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock')`,
      );
      expect(strong.rows[0].n).toBe(0);
      // Readers answer while the rescore's transaction is open (a TRUNCATE would hold them until it ends).
      const during = await Promise.all([clean.graphql(REPORT, { code }), clean.graphql(SEARCH)]);
      expect(during.map((r) => [r.status, r.errors])).toEqual([
        [200, undefined],
        [200, undefined],
      ]);
      expect(during[0].data).toEqual(before.data);
      await client.query('commit');
      open = false;
    } finally {
      if (open) await client.query('rollback');
      client.release();
    }
    expect(await derivedDigest(clean.tdb.db)).toEqual(cleanDigest);
  }, 60_000);

  it('load test: clients reading reports and search over HTTP while two full rescores run get zero failed requests', async () => {
    const codes = (await clean.tdb.db.pool.query<{ credit_code: string }>(`select credit_code from enterprise order by score, credit_code limit 60`)).rows.map(
      (r) => r.credit_code,
    );
    let rescoring = true;
    let requests = 0;
    const failures: string[] = [];
    const client = async (k: number) => {
      for (let i = 0; rescoring || i < 3; i++) {
        requests++;
        try {
          const r = i % 2 ? await clean.graphql(SEARCH) : await clean.graphql(REPORT, { code: codes[(k * 7 + i) % codes.length] });
          if (r.status !== 200 || r.errors) failures.push(`${r.status} ${JSON.stringify(r.errors)}`);
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, k) => client(k));
    const rescores = await Promise.all([clean.services.scoring.scores.rescoreAll(), clean.services.scoring.scores.rescoreAll()]).finally(
      () => (rescoring = false),
    );
    await Promise.all(clients);
    expect(rescores.map((s) => s.enterprises)).toEqual([ENTERPRISES, ENTERPRISES]);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(24);
    console.log(`load test during two full rescores: ${requests} requests, ${failures.length} failed`);
    expect(await derivedDigest(clean.tdb.db)).toEqual(cleanDigest);
  }, 120_000);
});
