import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { connectDatabase } from '../src/db/database';
import { startSimulator } from '../simulator/sim.server';
import { PostgresProcess, ServeProcess, gql, startPostgresProcess, startServe, until } from './support/drill-kit';
import { Standby, makeStandby, sql } from './support/standby';

/**
 * Reads from a streaming replica (issue 9): an embedded primary, a hot
 * standby fed by real WAL streaming over loopback, and `hub serve` with
 * DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby. While
 * the standby's replay is paused, a mutation still succeeds (writes go to the
 * primary; the standby would refuse them) and searches do not see it yet
 * (reads come from the standby); once replay resumes they do. Needs the
 * built CLI (`npm run build`).
 */
describe('hub serve reading from a hot standby (DATABASE_REPLICA_URL)', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-replica-'));
  fs.chmodSync(base, 0o755); // the servers run as the postgres user when the tests run as root
  let primary: PostgresProcess;
  let standby: Standby;
  let serve: ServeProcess;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let key: string;
  let code: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 60, seed: 8, monitoringDays: 5 });
    const first = await startPostgresProcess(path.join(base, 'primary'), 47400);
    primary = first;
    const db = await connectDatabase(first.url);
    try {
      const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), db);
      for (const s of await services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'])) expect(s.status).toBe('SUCCEEDED');
      key = (await services.apiKeys.create({ name: 'replica reader', divisionCode: '370000', role: 'ADMIN' })).key;
      code = (await db.pool.query(`select credit_code from enterprise order by credit_code limit 1`)).rows[0].credit_code;
    } finally {
      await db.close();
    }
    primary = undefined as unknown as PostgresProcess; // makeStandby stops it, and stops its restart on failure
    ({ primary, standby } = await makeStandby(first, path.join(base, 'primary'), path.join(base, 'standby')));
    await standby.caughtUp(primary.url);
    serve = await startServe({
      DATABASE_URL: primary.url,
      DATABASE_REPLICA_URL: standby.url,
      HUB_SOURCES_URL: sim.url,
      HUB_SCHEDULE_OVERRIDE: '0 0 1 1 *',
      LOG_LEVEL: 'info',
    });
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await standby?.stop();
    await primary?.stop();
    await sim?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const blackCount = async () => {
    const r = await gql(serve.port, key, `{ enterprises(filter: {tags: {all: ["黑标"]}}, first: 1) { totalCount } } `);
    expect(r.errors).toBeUndefined();
    return r.data.enterprises.totalCount as number;
  };

  it('answers queries from the standby, with the same data as the primary', async () => {
    const r = await gql(
      serve.port,
      key,
      `{ enterprises(first: 1) { totalCount } enterprise(creditCode: "${code}") { creditCode score riskLevel division { code } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.enterprises.totalCount).toBe(60);
    expect(r.data.enterprise.creditCode).toBe(code);
    // The hub's read connections are on the standby (it is in recovery, so nothing else can have opened them).
    const [{ n }] = await standby.query(
      `select count(*)::int as n from pg_stat_activity where datname = 'hub' and backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    expect(n).toBeGreaterThan(0);
    const [{ recovery }] = await standby.query('select pg_is_in_recovery() as recovery');
    expect(recovery).toBe(true);
  });

  it('writes to the primary and reads what the standby has replayed', async () => {
    const before = await blackCount();
    await standby.query('select pg_wal_replay_pause()');
    try {
      const att = await gql(serve.port, key, `mutation($c: String!) { attachTag(creditCode: $c, tag: "黑标", reason: "副本读取测试") { creditCode } }`, {
        c: code,
      });
      expect(att.errors).toBeUndefined();
      expect(att.data.attachTag.creditCode).toBe(code);
      // Received but not replayed: the standby holds the write's WAL, and the search it serves does not see the new tag.
      const [{ lsn }] = await sql<{ lsn: string }>(primary.url, 'select pg_current_wal_lsn()::text as lsn');
      await until(
        async () => (await standby.query<{ ok: boolean }>(`select pg_last_wal_receive_lsn() >= '${lsn}'::pg_lsn as ok`))[0].ok,
        10_000,
        'the standby to receive the attached tag',
      );
      expect(await blackCount()).toBe(before);
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    await until(async () => (await blackCount()) === before + 1, 10_000, 'the standby to replay the attached tag');
  });
});
