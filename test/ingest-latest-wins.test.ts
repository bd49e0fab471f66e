import { PoolClient } from 'pg';
import { withTransaction } from '../src/db/database';
import { withCheckChar } from '../src/domain/credit-code';
import { IngestService, PageItem, PageResult, PreparedPage } from '../src/ingest/ingest.service';
import { PagePipeline } from '../src/ingest/page-pipeline';
import { UnifiedRecord } from '../src/connectors/unified-record';
import { TestHub, startTestHub } from './support/test-hub';

/**
 * Latest wins whatever the page boundaries and the pipeline depth: an older
 * version of a record never overwrites a newer one — not when the
 * enforcement feed is replayed from its start on a synced store with pages
 * that put a record's last two versions side by side, not when two
 * connectors deliver the same typed row, not for records without a version.
 */
describe('latest version wins', () => {
  let hub: TestHub;
  const PAGE = 30;
  const pool = () => hub.tdb.db.pool;

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 300, seed: 7 }, server: false });
  }, 60_000);
  afterAll(async () => hub?.close());

  /** The whole enforcement feed over HTTP, reduced to the last entry of each record. */
  async function latestOfFeed(): Promise<Map<string, Record<string, unknown>>> {
    const latest = new Map<string, Record<string, unknown>>();
    for (let cursor = '', more = true; more;) {
      const r = await fetch(`${hub.sim.url}/enforcement/api/records?cursor=${encodeURIComponent(cursor)}&limit=2000`);
      const body = (await r.json()) as { records: Record<string, unknown>[]; next_cursor: string; has_more: boolean };
      for (const rec of body.records) latest.set(rec.record_id as string, rec);
      cursor = body.next_cursor;
      more = body.has_more;
    }
    return latest;
  }

  const snapshot = async () => ({
    records: (
      await pool().query(`select record_id, credit_code, kind, event_date::text, finding, measure_type, status, modified_at
      from enforcement_record order by record_id`)
    ).rows,
    sources: (await pool().query(`select source_id, payload from source_record where connector_id = 'enforcement' order by source_id`)).rows,
    deductions: (
      await pool().query(`select credit_code, rule_code, points, event_date::text, system, record_id
      from deduction order by credit_code, rule_code, event_date, record_id`)
    ).rows,
    scores: (await pool().query(`select credit_code, score, risk_level from enterprise order by credit_code`)).rows,
    tags: (await pool().query(`select credit_code, tag_ids from enterprise_tags order by credit_code`)).rows,
  });

  it('a replay of the enforcement feed from its start leaves every record at its latest version', async () => {
    const sync = async (ids: string[]) => {
      const runs = await hub.services.runner.syncAll(ids, 'test');
      for (const r of runs) expect([r.connectorId, r.status, r.error]).toEqual([r.connectorId, 'SUCCEEDED', undefined]);
      return runs;
    };
    await sync(['permit', 'enforcement']);
    await pool().query(`update connector set config = config || $1::jsonb where id = 'enforcement'`, [JSON.stringify({ limit: PAGE })]);
    // PAGE records get two more versions, appended one block after the other: with PAGE entries
    // per batch, each record's last two versions sit in adjacent pages wherever the blocks start.
    const picked = [...(await latestOfFeed()).values()].slice(0, PAGE);
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    const flip = (s: unknown) => (s === 'ACTIVE' ? 'WITHDRAWN' : 'ACTIVE');
    const post = async (body: unknown[]) => {
      const r = await fetch(`${hub.sim.url}/admin/records/enforcement`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(200);
    };
    await post(picked.map((r) => ({ ...r, status: flip(r.status), modified_at: at(1) })));
    await post(picked.map((r) => ({ ...r, status: r.status, modified_at: at(2) })));
    await sync(['enforcement']);
    const synced = await snapshot();

    // The replay: the cursor back to the beginning, the whole feed read again PAGE entries at a time.
    await pool().query(`update connector_state set cursor = null where connector_id = 'enforcement'`);
    const [replay] = await sync(['enforcement']);
    expect(replay.fetched).toBeGreaterThan(PAGE * 10);
    expect(replay.loaded).toBe(0); // not even for a moment did an older version replace a newer one
    const replayed = await snapshot();
    expect(replayed).toEqual(synced);

    const latest = await latestOfFeed();
    expect(replayed.records.length).toBe(latest.size);
    for (const row of replayed.records) {
      const want = latest.get(row.record_id)!;
      expect([row.record_id, row.status, new Date(row.modified_at).getTime()]).toEqual([
        want.record_id,
        want.status,
        new Date(want.modified_at as string).getTime(),
      ]);
    }
    for (const r of picked) expect(replayed.records.find((x) => x.record_id === r.record_id)!.status).toBe(r.status);

    // Deductions and scores equal a fresh full recompute.
    await hub.services.scoring.scores.rescoreAll();
    const recomputed = await snapshot();
    expect([recomputed.deductions, recomputed.scores]).toEqual([replayed.deductions, replayed.scores]);
    expect(replayed.tags.length).toBeGreaterThan(0);
  }, 240_000);

  const code = withCheckChar('91370102MA3C4R5X2');
  const ingest = () => new IngestService({ divisionCodes: new Set(['370102']) });
  const item = (record: UnifiedRecord): PageItem => ({ raw: { ...record.data, creditCode: record.creditCode }, record });
  const tx = <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> => withTransaction(pool(), fn);

  it('an older typed row from another connector replaces neither the newer row nor its permits', async () => {
    const enterprise = (updatedAt: string, name: string, permitNo: string): UnifiedRecord => ({
      kind: 'enterprise',
      creditCode: code,
      sourceId: code,
      data: {
        name,
        divisionCode: '370102',
        pollutionTypes: [],
        airSources: [],
        monitoringFacilities: [],
        updatedAt,
        permits: [{ permitNo, validFrom: '2024-01-01', validTo: '2029-01-01', status: 'VALID' }],
      },
    });
    const measure = (modifiedAt: string, status: 'ACTIVE' | 'WITHDRAWN'): UnifiedRecord => ({
      kind: 'enforcement',
      creditCode: code,
      sourceId: 'LW-1',
      data: { recordId: 'LW-1', kind: 'MEASURE', date: '2026-05-01', measureType: 'SEAL_SEIZE', status, modifiedAt },
    });
    const svc = ingest();
    await tx((c) =>
      svc.ingestPage(c, 'lw-new', null, [item(enterprise('2026-06-01T00:00:00Z', 'Newer Co', 'P-NEW')), item(measure('2026-06-01T00:00:00Z', 'WITHDRAWN'))]),
    );
    const older = await tx((c) =>
      svc.ingestPage(c, 'lw-old', null, [item(enterprise('2026-01-01T00:00:00Z', 'Older Co', 'P-OLD')), item(measure('2026-01-01T00:00:00Z', 'ACTIVE'))]),
    );
    expect(older.loaded).toBe(2); // new to that connector's raw records…
    // …but the typed rows keep the newer version.
    expect((await pool().query(`select name from enterprise where credit_code = $1`, [code])).rows).toEqual([{ name: 'Newer Co' }]);
    expect((await pool().query(`select permit_no from permit where credit_code = $1`, [code])).rows).toEqual([{ permit_no: 'P-NEW' }]);
    expect((await pool().query(`select status from enforcement_record where record_id = 'LW-1'`)).rows).toEqual([{ status: 'WITHDRAWN' }]);
    // A newer version still replaces it, permits included.
    await tx((c) => svc.ingestPage(c, 'lw-old', null, [item(enterprise('2026-07-01T00:00:00Z', 'Newest Co', 'P-NEWEST'))]));
    expect((await pool().query(`select e.name, p.permit_no from enterprise e join permit p using (credit_code) where credit_code = $1`, [code])).rows).toEqual([
      { name: 'Newest Co', permit_no: 'P-NEWEST' },
    ]);
  });

  it('a record without a version in two adjacent pages ends as the later page has it, with pages two deep', async () => {
    await pool().query(`insert into connector (id, kind, title) values ('lw-monitoring', 'code', 'latest wins probe') on conflict do nothing`);
    const day = (validHours: number): UnifiedRecord => ({
      kind: 'monitoring',
      creditCode: code,
      sourceId: 'LW/1/a/2026-05-01',
      data: { outletCode: 'LW-OUT', pollutantCode: 'a', date: '2026-05-01', validHours, exceedHours: 0 },
    });
    const svc = ingest();
    await tx((c) => svc.ingestPage(c, 'lw-monitoring', null, [item(day(24))])); // the store already holds the latest
    // The replay's pages: the older version first, the latest in the next page. Page 1's second
    // half is held back so that page 2's first half would run before page 1 commits.
    class SlowRest extends IngestService {
      override async writeRest(client: PoolClient, c: string, r: string | null, page: PreparedPage, changed: Map<string, string | null>): Promise<PageResult> {
        // A window, the behaviour under test: a pipeline that did not wait for page 1 would write page 2's
        // first half within it. The correct one starts page 2 only after page 1 commits, so no event marks
        // "page 2 did not start" and there is nothing to wait for instead.
        await new Promise((res) => setTimeout(res, 100));
        return super.writeRest(client, c, r, page, changed);
      }
    }
    const slow = new SlowRest({ divisionCodes: new Set(['370102']) });
    const runId = (await pool().query(`insert into connector_run (connector_id, trigger) values ('lw-monitoring', 'test') returning id`)).rows[0].id;
    const totals = { fetched: 0, loaded: 0, unchanged: 0, quarantined: 0 };
    const pipeline = new PagePipeline({
      pool: pool(),
      ingest: slow,
      connectorId: 'lw-monitoring',
      runId,
      log: () => undefined,
      totals: () => totals,
      onCommitted: () => undefined,
    });
    await pipeline.push({ ready: slow.prepare([item(day(20))]), cursor: 1, fetched: 1 });
    await pipeline.push({ ready: slow.prepare([item(day(24))]), cursor: 2, fetched: 1 });
    await pipeline.finish();
    expect((await pool().query(`select valid_hours from monitoring_day where outlet_code = 'LW-OUT'`)).rows).toEqual([{ valid_hours: 24 }]);
    // The row names the batch that wrote it, and the batch holds that payload under the row's key.
    expect(
      (
        await pool().query(
          `select b.connector_id, b.payload -> concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')) ->> 'validHours' as h
             from monitoring_day m join source_batch b on b.id = m.source_batch where m.outlet_code = 'LW-OUT'`,
        )
      ).rows,
    ).toEqual([{ connector_id: 'lw-monitoring', h: '24' }]);
    expect((await pool().query(`select count(*)::int n from source_record where connector_id = 'lw-monitoring'`)).rows).toEqual([{ n: 0 }]);
  });

  it('a monitoring page that changes some of its rows writes a batch of exactly those rows, the others keep theirs', async () => {
    await pool().query(`insert into connector (id, kind, title) values ('lw-batch', 'code', 'batch provenance probe') on conflict do nothing`);
    const day = (date: string, validHours: number): UnifiedRecord => ({
      kind: 'monitoring',
      creditCode: code,
      sourceId: `LB/${date}`,
      data: { outletCode: 'LB-OUT', pollutantCode: 'a21026', date, validHours, exceedHours: 0, dailyMean: 1.5, limit: null, unit: null },
    });
    const dates = ['2026-04-01', '2026-04-02', '2026-04-03'];
    const svc = ingest();
    const first = await tx((c) =>
      svc.ingestPage(
        c,
        'lw-batch',
        null,
        dates.map((d) => item(day(d, 24))),
      ),
    );
    expect([first.loaded, first.unchanged, first.touched]).toEqual([3, 0, [code]]);
    const second = await tx((c) => svc.ingestPage(c, 'lw-batch', null, [item(day(dates[0], 24)), item(day(dates[1], 20)), item(day(dates[2], 24))]));
    expect([second.loaded, second.unchanged, second.touched]).toEqual([1, 2, [code]]);
    const rows = (
      await pool().query<{ day: string; valid_hours: number; row_count: number; keys: string[]; hours: string }>(
        `select m.day::text, m.valid_hours, b.row_count, array(select jsonb_object_keys(b.payload) order by 1) as keys,
                b.payload -> concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')) ->> 'validHours' as hours
           from monitoring_day m join source_batch b on b.id = m.source_batch where m.outlet_code = 'LB-OUT' order by m.day`,
      )
    ).rows;
    const key = (d: string) => `${code}/LB-OUT/a21026/${d}`;
    expect(rows).toEqual([
      { day: dates[0], valid_hours: 24, row_count: 3, keys: dates.map(key), hours: '24' },
      { day: dates[1], valid_hours: 20, row_count: 1, keys: [key(dates[1])], hours: '20' },
      { day: dates[2], valid_hours: 24, row_count: 3, keys: dates.map(key), hours: '24' },
    ]);
    // A page that changes nothing writes no batch.
    const batches = (await pool().query(`select count(*)::int n from source_batch where connector_id = 'lw-batch'`)).rows[0].n;
    const third = await tx((c) => svc.ingestPage(c, 'lw-batch', null, [item(day(dates[1], 20))]));
    expect([third.loaded, third.unchanged, third.touched]).toEqual([0, 1, []]);
    expect((await pool().query(`select count(*)::int n from source_batch where connector_id = 'lw-batch'`)).rows[0].n).toBe(batches);
  });
});
