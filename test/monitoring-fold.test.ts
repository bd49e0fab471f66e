import { PoolClient } from 'pg';
import { suiteDatabase } from './support/test-database';
import { expectMonthAggregatesRebuilt, expectOutletAggregatesRebuilt } from './support/monitoring-aggregates';
import { DEFER_MONITORING_AGGREGATES_SQL, foldPendingMonitoringMonths } from '../src/monitoring/monitoring-fold';
import { ensureMonitoringPartitions } from '../src/monitoring/monitoring-partitions';
import { isBulkHistoryRead } from '../src/ingest/sync.runner';

/**
 * Migration monitoring-deferred-fold: days written with the aggregates
 * deferred queue their months, and the fold rebuilds exactly what the
 * statement triggers would have kept — after inserts, revisions and deletes,
 * after a fold interrupted halfway, and while an immediate writer of the
 * same month is in flight.
 */
describe('monitoring aggregates folded after deferred writes', () => {
  const tdb = suiteDatabase();
  const q = async (sql: string, values: unknown[] = []) => (await tdb().db.pool.query(sql, values)).rows;
  const pending = async () => q(`select month::text, folded from monitoring_fold_pending order by month`);
  const counts = async () =>
    (
      await q(`select (select count(*) from monitoring_month)::int as month, (select count(*) from monitoring_outlet_month)::int as outlet_month,
                      (select count(*) from monitoring_exceed_month)::int as exceed, (select count(*) from monitoring_outlet)::int as outlet`)
    )[0];
  const exact = async () => {
    await expectMonthAggregatesRebuilt(q);
    await expectOutletAggregatesRebuilt(q);
  };
  /** Runs `sql` in a transaction with the aggregates deferred. */
  const deferred = async (sql: string, values: unknown[] = []) => {
    const c = await tdb().db.pool.connect();
    try {
      await c.query('begin');
      await c.query(DEFER_MONITORING_AGGREGATES_SQL);
      await c.query(sql, values);
      await c.query('commit');
    } finally {
      c.release();
    }
  };
  /** Days 2026-03-01 … 2026-05-10 of two outlets of two enterprises, two pollutants each; some exceed, some are short of valid hours. */
  const days = `select e.code, o.code, p.code, d::date, (case when extract(day from d)::int % 9 = 0 then 15 else 24 end)::smallint,
                       (case when extract(day from d)::int % 7 = 0 and p.code = 'a21026' then 3 else 0 end)::smallint
                  from (values ('91370100FOLD00001A'), ('91370100FOLD00002B')) e(code), (values ('DA001'), ('DA002')) o(code),
                       (values ('a21026'), ('a21002')) p(code), generate_series(date '2026-03-01', date '2026-05-10', interval '1 day') d`;
  const insertDays = `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) ${days}`;

  beforeAll(async () => {
    await ensureMonitoringPartitions(tdb().db.pool, '2026-03-01', '2026-06-30');
  });

  it('leaves the aggregates alone while deferred, queues the months, and the fold rebuilds them exactly', async () => {
    await deferred(insertDays);
    expect(await counts()).toEqual({ month: 0, outlet_month: 0, exceed: 0, outlet: 0 });
    expect(await pending()).toEqual([
      { month: '2026-03-01', folded: false },
      { month: '2026-04-01', folded: false },
      { month: '2026-05-01', folded: false },
    ]);
    const summary = await foldPendingMonitoringMonths(tdb().db.pool);
    expect(summary).toMatchObject({ months: 3, monthRows: 2 * 2 * 2 * 3, outlets: 4 });
    expect(await pending()).toEqual([]);
    expect(await counts()).toEqual({ month: 24, outlet_month: 12, exceed: 12, outlet: 4 });
    await exact();
    // Nothing queued: a fold changes nothing.
    expect(await foldPendingMonitoringMonths(tdb().db.pool)).toMatchObject({ months: 0, monthRows: 0, outlets: 0 });
  });

  it('folds revisions and deletes written deferred, the months they leave included', async () => {
    await deferred(
      `update monitoring_day set exceed_hours = 0, valid_hours = 2 where credit_code = '91370100FOLD00001A' and day between '2026-04-20' and '2026-05-03'`,
    );
    await deferred(`delete from monitoring_day where credit_code = '91370100FOLD00002B' and outlet_code = 'DA002' and day >= '2026-04-01'`);
    expect((await pending()).map((r) => r.month)).toEqual(['2026-04-01', '2026-05-01']);
    await foldPendingMonitoringMonths(tdb().db.pool);
    await exact();
    // The outlet that lost April and May ends in March.
    expect(await q(`select last_day::text, months from monitoring_outlet where credit_code = '91370100FOLD00002B' and outlet_code = 'DA002'`)).toEqual([
      { last_day: '2026-03-31', months: 1 },
    ]);
  });

  it('keeps the aggregates exact statement by statement when the mode is not set', async () => {
    await q(
      `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ('91370100FOLD00003C', 'DA009', 'a21026', '2026-05-04', 24, 5)`,
    );
    expect(await pending()).toEqual([]);
    await exact();
  });

  it('folds again a month whose fold was interrupted before the outlets, and a month written again after its fold', async () => {
    await deferred(`update monitoring_day set valid_hours = 24 where credit_code = '91370100FOLD00001A' and day between '2026-04-20' and '2026-05-03'`);
    // A crash after the month fold committed, before the outlets' fold: the month stays queued, folded.
    await q(`select monitoring_fold_month('2026-04-01')`);
    expect(await pending()).toEqual([
      { month: '2026-04-01', folded: true },
      { month: '2026-05-01', folded: false },
    ]);
    // Written again meanwhile: queued to be folded again.
    await deferred(`update monitoring_day set exceed_hours = 9 where credit_code = '91370100FOLD00001A' and outlet_code = 'DA001' and day = '2026-04-07'`);
    expect(await pending()).toEqual([
      { month: '2026-04-01', folded: false },
      { month: '2026-05-01', folded: false },
    ]);
    await foldPendingMonitoringMonths(tdb().db.pool);
    expect(await pending()).toEqual([]);
    await exact();
  });

  it('waits for an immediate writer of the month in flight, and loses none of its days', async () => {
    await deferred(`update monitoring_day set exceed_hours = 4 where credit_code = '91370100FOLD00002B' and day = '2026-03-14'`);
    const writer: PoolClient = await tdb().db.pool.connect();
    try {
      await writer.query('begin');
      await writer.query(
        `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ('91370100FOLD00004D', 'DA001', 'a21026', '2026-03-20', 24, 6)`,
      );
      const fold = foldPendingMonitoringMonths(tdb().db.pool);
      // The fold of March waits on the writer's shared lock of the month.
      for (let i = 0; i < 100; i++) {
        const waiting = await q(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`);
        if (waiting[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await q(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`))[0].n).toBe(1);
      await writer.query('commit');
      await fold;
    } finally {
      writer.release();
    }
    await exact();
    expect(await q(`select months from monitoring_outlet where credit_code = '91370100FOLD00004D'`)).toEqual([{ months: 1 }]);
  });

  it('defers a run whose first page leaves a long history to read, not a steady run whose last date completes with its last page', () => {
    expect(isBulkHistoryRead(undefined)).toBe(false);
    expect(isBulkHistoryRead({ from: '2023-11-28', to: '2026-11-30', done: 100, total: 1098, coveredFrom: '2023-11-28' })).toBe(true);
    expect(isBulkHistoryRead({ from: '2023-08-18', to: '2026-11-30', done: 1000, total: 1202, coveredFrom: '2023-08-26' })).toBe(true);
    // A steady run's first page: the new date (and maybe a re-read one) not complete yet.
    expect(isBulkHistoryRead({ from: '2023-11-28', to: '2026-11-30', done: 1096, total: 1098, coveredFrom: '2023-11-28' })).toBe(false);
    expect(isBulkHistoryRead({ from: '2023-11-28', to: '2026-11-30', done: 1098, total: 1098, coveredFrom: '2023-11-28' })).toBe(false);
  });
});
