import { PoolClient } from 'pg';
import { IngestService, PageResult, PreparedPage } from '../src/ingest/ingest.service';
import { PagePipeline, PipelinePage } from '../src/ingest/page-pipeline';
import { TestDatabase, createTestDatabase } from './support/test-database';

/**
 * The two-deep page pipeline on a real PostgreSQL: page N+1's first half runs
 * while page N's second half is in flight, pages commit in order with their
 * cursors, and a page PostgreSQL aborts is written again whole — with the
 * page after it — while a page that fails for good stops the run with the
 * pages before it committed and none after.
 */
describe('PagePipeline', () => {
  let tdb: TestDatabase;
  let runId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    await tdb.db.pool.query(`create table pipeline_probe (page int not null, half text not null, attempt int not null)`);
    await tdb.db.pool.query(`insert into connector (id, kind, title) values ('permit', 'code', 'permit system') on conflict do nothing`);
  });
  afterAll(async () => tdb?.drop());
  beforeEach(async () => {
    await tdb.db.pool.query(`truncate pipeline_probe`);
    await tdb.db.pool.query(`delete from connector_state where connector_id = 'permit'`);
    runId = (await tdb.db.pool.query(`insert into connector_run (connector_id, trigger) values ('permit', 'test') returning id`)).rows[0].id;
  });

  /** Resolves once `event` is in `events` (checked every few milliseconds, for at most 10 s). */
  async function eventSeen(events: string[], event: string): Promise<void> {
    for (let waited = 0; !events.includes(event) && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * An ingest stand-in writing probe rows; `holdFor(page, attempt)` says which second halves wait
   * for the next page's first half to start; `failRest(page, attempt)` may throw.
   */
  function stubIngest(
    events: string[],
    holdFor: (page: number, attempt: number) => boolean,
    failRest: (page: number, attempt: number) => Error | undefined = () => undefined,
  ) {
    const attempts = new Map<number, number>();
    const pageNo = (p: PreparedPage) => (p as unknown as { n: number }).n;
    const writeSources = async (client: PoolClient, _c: string, p: PreparedPage) => {
      const n = pageNo(p);
      const attempt = (attempts.get(n) ?? 0) + 1;
      attempts.set(n, attempt);
      events.push(`sources ${n}`);
      await client.query(`insert into pipeline_probe values ($1, 'sources', $2)`, [n, attempt]);
      return new Map<string, string | null>();
    };
    const writeRest = async (client: PoolClient, _c: string, _r: string | null, p: PreparedPage): Promise<PageResult> => {
      const n = pageNo(p);
      events.push(`rest ${n} start`);
      // Hold this page's second half until the next page's first half has started (the overlap
      // under test), however loaded the machine.
      if (holdFor(n, attempts.get(n)!)) await eventSeen(events, `sources ${n + 1}`);
      const fail = failRest(n, attempts.get(n)!);
      if (fail) throw fail;
      await client.query(`insert into pipeline_probe values ($1, 'rest', $2)`, [n, attempts.get(n)]);
      events.push(`rest ${n} end`);
      return { loaded: 1, unchanged: 0, quarantined: 0, touched: [`code-${n}`] };
    };
    return {
      writeSources,
      writeRest,
      async write(client: PoolClient, c: string, r: string | null, p: PreparedPage) {
        return writeRest(client, c, r, p, await writeSources(client, c, p));
      },
    } as unknown as IngestService;
  }

  const page = (n: number): PipelinePage => ({ ready: { n, valid: [], bad: [] } as unknown as PreparedPage, cursor: { page: n }, fetched: 10 });

  function pipeline(events: string[], ingest: IngestService) {
    const totals = { fetched: 0, loaded: 0, unchanged: 0, quarantined: 0 };
    const committed: number[] = [];
    const p = new PagePipeline({
      pool: tdb.db.pool,
      ingest,
      connectorId: 'permit',
      runId,
      log: () => undefined,
      totals: () => totals,
      onCommitted: (pg, r) => {
        committed.push((pg.cursor as { page: number }).page);
        events.push(`commit ${(pg.cursor as { page: number }).page}`);
        totals.fetched += pg.fetched;
        totals.loaded += r.loaded;
      },
    });
    return { p, committed, totals };
  }

  const probe = async () => (await tdb.db.pool.query(`select page, half, attempt from pipeline_probe order by page, half`)).rows;
  const cursor = async () => (await tdb.db.pool.query(`select cursor from connector_state where connector_id = 'permit'`)).rows[0]?.cursor;
  const runRow = async () => (await tdb.db.pool.query(`select fetched, loaded from connector_run where id = $1`, [runId])).rows[0];

  it('overlaps a page with the next one and commits them in order with their cursors', async () => {
    const events: string[] = [];
    const { p, committed } = pipeline(
      events,
      stubIngest(events, (n) => n < 3),
    );
    for (const n of [1, 2, 3]) await p.push(page(n));
    await p.finish();
    expect(committed).toEqual([1, 2, 3]);
    // Page 2's first half ran while page 1's second half was in flight, and page 2 committed after page 1.
    expect(events.indexOf('sources 2')).toBeLessThan(events.indexOf('rest 1 end'));
    expect(events.indexOf('commit 1')).toBeLessThan(events.indexOf('rest 2 start'));
    expect(await cursor()).toEqual({ page: 3 });
    expect(await runRow()).toEqual({ fetched: 30, loaded: 3 });
    expect((await probe()).length).toBe(6);
  });

  it('writes a page PostgreSQL aborted again, whole, and the page after it too', async () => {
    const events: string[] = [];
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const { p, committed } = pipeline(
      events,
      stubIngest(
        events,
        (n, attempt) => n === 2 && attempt === 1,
        (n, attempt) => (n === 2 && attempt === 1 ? deadlock : undefined),
      ),
    );
    for (const n of [1, 2, 3, 4]) await p.push(page(n));
    await p.finish();
    expect(committed).toEqual([1, 2, 3, 4]);
    expect(await cursor()).toEqual({ page: 4 });
    expect(await runRow()).toEqual({ fetched: 40, loaded: 4 });
    // Each page's rows exist once: the aborted attempts of pages 2 and 3 were rolled back.
    expect(await probe()).toEqual([
      { page: 1, half: 'rest', attempt: 1 },
      { page: 1, half: 'sources', attempt: 1 },
      { page: 2, half: 'rest', attempt: 2 },
      { page: 2, half: 'sources', attempt: 2 },
      { page: 3, half: 'rest', attempt: 2 },
      { page: 3, half: 'sources', attempt: 2 },
      { page: 4, half: 'rest', attempt: 1 },
      { page: 4, half: 'sources', attempt: 1 },
    ]);
  });

  it('stops at a page that fails for good: the pages before it committed, none after it', async () => {
    const events: string[] = [];
    const { p, committed } = pipeline(
      events,
      stubIngest(
        events,
        (n) => n === 2,
        (n) => (n === 2 ? new Error('value too long for type character varying') : undefined),
      ),
    );
    let error: unknown;
    try {
      for (const n of [1, 2, 3, 4]) await p.push(page(n));
      await p.finish();
    } catch (e) {
      error = e;
    }
    await p.finish().catch(() => undefined);
    expect((error as Error).message).toMatch(/value too long/);
    expect(committed).toEqual([1]);
    expect(await cursor()).toEqual({ page: 1 });
    expect((await probe()).map((r) => r.page)).toEqual([1, 1]);
  });
});
