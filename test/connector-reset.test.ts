import { startSimulator } from '../simulator/sim.server';
import { spawnHub } from './support/hub-process';
import { typedStoreDigest } from './support/store-digest';
import { TestHub, startTestHub } from './support/test-hub';

const RESET = `mutation { resetConnector(id: "enforcement") { status trigger fetched loaded error } }`;
const STATUS = `{ connector(id: "enforcement") { attention attentionAt cursor } }`;

/**
 * Issue 14, item 10: the steward's reset re-reads a source from its start and
 * leaves an unchanged store as it was; a source whose change feed was reset
 * (regenerated, shorter: the saved cursor points past its end) is recognised,
 * explained in plain words on the run and the connector, and recovered from
 * by the next run, which reads the new feed from its start.
 */
describe('resetting a connector and recovering from a source reset', () => {
  let hub: TestHub;
  let regenerated: Awaited<ReturnType<typeof startSimulator>>;
  let steward: string;
  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 120, seed: 31 } });
    regenerated = await startSimulator({ port: 0, monitoringDays: 30, enterprises: 40, seed: 32 });
    steward = await hub.createKey('370000', 'STEWARD');
    // Small batches: the feed is many pages long.
    await hub.tdb.db.pool.query(`update connector set config = $1 where id = 'enforcement'`, [{ limit: 25 }]);
  });
  afterAll(async () => {
    await regenerated?.close();
    await hub?.close();
  });

  it('re-reads from the start idempotently, then explains a reset source and recovers', async () => {
    const first = await hub.services.runner.syncAll(['permit', 'enforcement'], 'test');
    for (const s of first) expect([s.connectorId, s.status, s.error]).toEqual([s.connectorId, 'SUCCEEDED', undefined]);
    const before = await typedStoreDigest(hub.tdb.db);

    // A county steward may not reset; the province steward may, and the store is unchanged after.
    const county = await hub.graphqlAs(await hub.createKey('370102', 'STEWARD'), RESET);
    expect(county.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const reset = await hub.graphqlAs(steward, RESET);
    expect(reset.errors).toBeUndefined();
    expect(reset.data.resetConnector).toEqual({ status: 'SUCCEEDED', trigger: 'reset', fetched: first[1].fetched, loaded: 0, error: null });
    expect(await typedStoreDigest(hub.tdb.db)).toEqual(before);

    // The source is regenerated with a shorter feed: the saved cursor now points past its end.
    await hub.tdb.db.pool.query(`update connector set config = config || $1 where id = 'enforcement'`, [{ baseUrl: regenerated.url }]);
    const broken = await hub.services.runner.run('enforcement', 'test', { skipPostSync: true });
    expect(broken.status).toBe('FAILED');
    expect(broken.error).toMatch(
      /no longer recognises the position the hub saved in its change feed, so the feed was reset or regenerated \(it answered HTTP 400: cursor '[^']+' points past the end of the change feed\); the hub reads the feed again from its start at the next run/,
    );
    const told = await hub.graphqlAs(steward, STATUS);
    expect(told.data.connector).toEqual({
      attention: expect.stringMatching(/^source reset: the enforcement system no longer recognises/),
      attentionAt: expect.any(String),
      cursor: null,
    });

    // The next run reads the regenerated feed from its start, and the connector is well again.
    const recovered = await hub.services.runner.run('enforcement', 'test', { skipPostSync: true });
    expect([recovered.status, recovered.error]).toEqual(['SUCCEEDED', undefined]);
    expect(recovered.fetched).toBeGreaterThan(0);
    expect(recovered.fetched).toBeLessThanOrEqual(regenerated.store.counts().enforcement);
    expect((await hub.graphqlAs(steward, STATUS)).data.connector).toEqual({
      attention: null,
      attentionAt: null,
      cursor: expect.objectContaining({ feed: expect.any(String) }),
    });

    // The same from the command line: a reset run, exit 0, the store as it was.
    const settled = await typedStoreDigest(hub.tdb.db);
    const cli = spawnHub(['connectors', 'reset', 'enforcement'], {
      DATABASE_URL: hub.tdb.url,
      HUB_SOURCES_URL: hub.sim.url,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'text',
    });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/enforcement\s+SUCCEEDED/);
    expect((await hub.tdb.db.pool.query(`select count(*)::int n from connector_run where trigger = 'reset' and status = 'SUCCEEDED'`)).rows[0].n).toBe(2);
    expect(await typedStoreDigest(hub.tdb.db)).toEqual(settled);
  }, 120_000);
});
