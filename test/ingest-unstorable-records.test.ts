import { withCheckChar } from '../src/domain/credit-code';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * One record can never block a connector: records the store cannot hold — a
 * NUL byte, a lone surrogate, a name longer than its index allows — are
 * inserted at the source through the simulator's admin API and synced over
 * HTTP. Each is quarantined alone with a reason naming its field, and a
 * record PostgreSQL itself refuses (a constraint the validator does not
 * know) is isolated from its page and quarantined with the database's
 * reason, while the rest of the page loads and the cursor moves.
 */
describe('records the store cannot hold', () => {
  let hub: TestHub;
  const pool = () => hub.tdb.db.pool;
  const codes = Array.from({ length: 7 }, (_, i) => withCheckChar(`91370102MA9UNT${String(i).padStart(3, '0')}`));

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 40, seed: 5 }, server: false });
  }, 60_000);
  afterAll(async () => hub?.close());

  const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
  const sync = async () => {
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement'], 'test');
    for (const r of runs) expect([r.connectorId, r.status, r.error]).toEqual([r.connectorId, 'SUCCEEDED', undefined]);
    return runs;
  };
  const openQuarantine = async () =>
    (
      await pool().query<{ connector_id: string; source_id: string; reason: string; payload: any }>(
        `select connector_id, source_id, reason, payload from quarantine where status = 'OPEN' order by connector_id, source_id`,
      )
    ).rows;

  it('quarantines each such record alone, naming the field, and loads the rest of its page', async () => {
    await sync();
    const before = Number((await pool().query(`select count(*) from enterprise`)).rows[0].count);
    const cursorBefore = (await pool().query(`select cursor from connector_state where connector_id = 'permit'`)).rows[0].cursor;
    // A rule the validator does not know, as a later constraint would be: PostgreSQL refuses the row.
    await pool().query(`alter table enterprise add constraint unstorable_probe check (name not like '%REFUSED BY POSTGRES%')`);

    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cjk = Array.from({ length: 1500 }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 20000))).join('');
    const latin = Array.from({ length: 10_000 }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
    const enterprise = (i: number, over: Record<string, unknown>) => ({
      creditCode: codes[i],
      name: `稳定测试有限公司${i}`,
      divisionCode: '370102',
      address: '山东省济南市历下区',
      longitude: 117,
      latitude: 36.6,
      industryCode: 'C2614',
      supervisionLevel: 'GENERAL',
      managementClass: 'KEY',
      basin: 'HUAI_RIVER',
      pollutionTypes: ['AIR'],
      airSources: [],
      monitoringFacilities: [],
      permits: [{ permitNo: `${codes[i]}001P`, validFrom: '2024-01-01', validTo: '2029-01-01', status: 'VALID' }],
      ...over,
    });
    await post('permit', [
      enterprise(0, { name: 'NUL\u0000有限公司' }),
      enterprise(1, { address: '山东省\uD800济南市' }),
      enterprise(2, { name: latin }),
      enterprise(3, { name: cjk }),
      enterprise(4, {}),
      enterprise(5, { name: 'REFUSED BY POSTGRES 有限公司' }),
      enterprise(6, { permits: [{ permitNo: 'P\uDC00X', validFrom: '2024-01-01', validTo: '2029-01-01', status: 'VALID' }] }),
    ]);
    const feed = (await (await fetch(`${hub.sim.url}/enforcement/api/records?limit=1`)).json()) as { records: Record<string, unknown>[] };
    await post('enforcement', [{ ...feed.records[0], record_id: 'ENF-UNSTORABLE-1', note: 'bad\u0000note' }]);

    const runs = await sync();
    const permitRun = runs.find((r) => r.connectorId === 'permit')!;
    expect(permitRun.quarantined).toBe(6);
    expect(Number((await pool().query(`select count(*) from enterprise`)).rows[0].count)).toBe(before + 1);
    expect((await pool().query(`select name from enterprise where credit_code = $1`, [codes[4]])).rows).toEqual([{ name: '稳定测试有限公司4' }]);
    expect((await pool().query(`select count(*)::int n from enterprise where credit_code = any($1)`, [codes.filter((_, i) => i !== 4)])).rows[0].n).toBe(0);

    const q = await openQuarantine();
    const reason = (id: string) => q.find((r) => r.source_id === id)?.reason;
    expect(reason(codes[0])).toMatch(/field 'name' contains a NUL character/);
    expect(reason(codes[1])).toMatch(/field 'address' contains a lone surrogate \(U\+D800\)/);
    expect(reason(codes[2])).toMatch(/field 'name' is 10000 bytes in UTF-8; the store's index holds at most 2600/);
    expect(reason(codes[3])).toMatch(/field 'name' is 4500 bytes in UTF-8/);
    expect(reason(codes[5])).toMatch(/the database refused the record: .*unstorable_probe.*\[SQLSTATE 23514\]/);
    expect(reason(codes[6])).toMatch(/field 'permits\[0\]\.permitNo' contains a lone surrogate \(U\+DC00\)/);
    expect(reason('ENF-UNSTORABLE-1')).toMatch(/payload field 'note' contains a NUL character/);
    // What the store cannot hold is kept in quarantine as U+FFFD.
    expect(q.find((r) => r.source_id === codes[0])!.payload.name).toBe('NUL\uFFFD有限公司');
    expect(q.find((r) => r.source_id === 'ENF-UNSTORABLE-1')!.payload.note).toBe('bad\uFFFDnote');
    expect(hub.logs.some((l) => /page refused by the database/.test(l))).toBe(true);

    // The cursor moved past them: the next run finds nothing new, fails nothing, quarantines nothing new.
    const cursorAfter = (await pool().query(`select cursor from connector_state where connector_id = 'permit'`)).rows[0].cursor;
    expect(cursorAfter).not.toEqual(cursorBefore);
    const again = await sync();
    expect(again.find((r) => r.connectorId === 'permit')!.loaded).toBe(0);
    expect((await openQuarantine()).length).toBe(q.length);
  }, 120_000);
});
