import { createHubServices } from '../src/app/hub-services';
import { loadConfig } from '../src/config/config';
import { withCheckChar } from '../src/domain/credit-code';
import { addDays, chinaToday } from '../src/domain/china-date';
import { startSimulator } from '../simulator/sim.server';
import { sourceCounts, storeCounts } from './support/drill-kit';
import { spawnHub } from './support/hub-process';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { testPermitRecord } from './support/ws-subscriber';

/**
 * Fault drill (issue 9): the source systems are down for a whole `hub sync`.
 * Every run fails cleanly — recorded FAILED with the cause, `hub sync` exits
 * non-zero, no cursor moves — and once the sources are back (with changes made
 * meanwhile) the next `hub sync` catches up until the store equals the source.
 * Needs the built CLI (`npm run build`; `npm test` builds first).
 */
const T = chinaToday();
const NEW_CODE = withCheckChar('91370102MA0DRL001');

describe('fault drill: a source system down for a whole run', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let tdb: TestDatabase;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, enterprises: 300, seed: 12, monitoringDays: 7 });
    tdb = await createTestDatabase();
    const services = await createHubServices(loadConfig({ HUB_SOURCES_URL: sim.url }), tdb.db);
    for (const s of await services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'])) expect(s.status).toBe('SUCCEEDED');
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    await tdb?.drop();
  });

  it('fails cleanly while the source is down and catches up once it is back', async () => {
    const { port, store } = sim!;
    const url = sim!.url;
    const env = { DATABASE_URL: tdb.url, HUB_SOURCES_URL: url, LOG_LEVEL: 'warn' };
    const stateBefore = (await tdb.db.pool.query(`select connector_id, cursor, updated_at from connector_state order by connector_id`)).rows;
    const lastRun = (await tdb.db.pool.query(`select max(id)::int n from connector_run`)).rows[0].n as number;
    await sim!.close();
    sim = undefined;

    // While the source is down, it changes: a new enterprise and a new measure.
    store.upsert('permit', [
      testPermitRecord(NEW_CODE, '停机演练企业', T, {
        address: '演练路1号',
        permits: [{ permitNo: `${NEW_CODE}001P`, validFrom: addDays(T, -100), validTo: addDays(T, 600), status: 'VALID' }],
        updatedAt: undefined, // stamped by the source when it takes the change
      }),
    ]);
    store.upsert('enforcement', [
      { record_id: 'ENF-DRILL-DOWN-1', kind: 'MEASURE', credit_code: NEW_CODE, date: T, measure_type: 'SUSPEND_PRODUCTION', status: 'ACTIVE' },
    ]);

    const down = spawnHub(['sync'], env);
    expect(await down.exited).not.toBe(0);
    const runs = (await tdb.db.pool.query(`select connector_id, status, error, loaded from connector_run where id > $1 order by id`, [lastRun])).rows;
    expect(runs.map((r) => r.connector_id).sort()).toEqual(['enforcement', 'monitoring', 'penalty', 'permit']);
    for (const r of runs) {
      expect(r).toEqual({ connector_id: r.connector_id, status: 'FAILED', error: expect.stringMatching(/ECONNREFUSED|connect/), loaded: 0 });
      expect(r.error).toContain(url);
    }
    expect(down.output()).toMatch(/FAILED|failed/);
    expect((await tdb.db.pool.query(`select connector_id, cursor, updated_at from connector_state order by connector_id`)).rows).toEqual(stateBefore);

    // The source comes back on the same address with what it holds now.
    sim = await startSimulator({ port, store });
    const back = spawnHub(['sync'], env);
    expect([await back.exited, back.output().slice(-2000)]).toEqual([0, expect.any(String)]);
    expect(await storeCounts(tdb.db.pool)).toEqual(sourceCounts(store.counts()));
    const newMeasure = await tdb.db.pool.query(`select count(*)::int n from enforcement_record where record_id = 'ENF-DRILL-DOWN-1' and credit_code = $1`, [
      NEW_CODE,
    ]);
    expect(newMeasure.rows[0].n).toBe(1);
    const after = (
      await tdb.db.pool.query(`select connector_id, status from connector_run where id > $1 and status = 'SUCCEEDED' order by connector_id`, [lastRun])
    ).rows;
    expect(after.map((r) => r.connector_id)).toEqual(['enforcement', 'monitoring', 'penalty', 'permit']);
  }, 90_000);
});
