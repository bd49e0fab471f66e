import { TestHub, startTestHub } from './support/test-hub';
import { addDays, chinaToday } from '../src/domain/china-date';
import { readBundledRuleSet } from '../src/scoring/rule-set.model';
import { selectDeductionsSql } from '../src/scoring/deduction.query';
import { insertMonitoringGroupsSql } from '../src/scoring/monitoring-deduction.query';
import { ensureMonitoringPartitions } from '../src/monitoring/monitoring-partitions';
import { DEFER_MONITORING_AGGREGATES_SQL } from '../src/monitoring/monitoring-fold';
import { ScoreService } from '../src/scoring/score.service';
import { SqlParams } from '../src/jurisdiction/scope';
import { reportDeductionRows } from './support/report-rows';
import { expectMonthAggregatesRebuilt, expectOutletAggregatesRebuilt } from './support/monitoring-aggregates';
import type { DeductionGroupData } from '../src/scoring/deduction-groups';
import type { DeductionItem } from '../src/scoring/health-report.service';

/**
 * Issue 16: monitoring history is read back as far as the active rule set's
 * window, not a fixed month. A province whose outlets report for 400 days,
 * synced into an empty store, has every exceedance and missing day of days
 * 31–400 in its scores, each row naming the batch that holds its raw record; activating a rule set with a longer window makes the
 * next run read the dates it had not read.
 */
describe('monitoring history backfilled from the rule set', () => {
  let hub: TestHub;
  const T = chinaToday();
  const q = async <R = Record<string, unknown>>(sql: string, values: unknown[] = []) => (await hub.tdb.db.pool.query(sql, values)).rows as R[];
  const n = async (sql: string, values: unknown[] = []) => Number((await q<{ n: string }>(sql, values))[0].n);
  const post = (system: string, body: unknown[]) => hub.postRecords(system, body);
  const snapshot = async () => ({
    scores: await q(`select credit_code, score, risk_level from enterprise order by credit_code`),
    deductions: await q(`select credit_code, rule_code, points, event_date::text, record_id from deduction order by 1, 2, 4, 5`),
  });
  let oldDate: string;
  let oldCode: string;
  /** Every deduction derived now from the daily rows (no aggregate), as the view `deduction` lists the stored ones. */
  const recomputed = async () => {
    const rs = await hub.services.scoring.ruleSets.active();
    const params = new SqlParams();
    const sql = selectDeductionsSql({ version: rs.version, asOf: T, windowDays: rs.windowDays, targets: { kind: 'all' } }, params);
    return q(`select credit_code, rule_code, points, event_date::text, record_id from (${sql}) d order by 1, 2, 4, 5`, params.values);
  };
  const expectOutletAggregatesExact = () => expectOutletAggregatesRebuilt(q);
  /** The monitoring runs' log lines of a fold of deferred months. */
  const folds = () => hub.logs.filter((l) => /^\[monitoring\] folded \d+ monitoring month\(s\)/.test(l));
  /** The monitoring deductions at `asOf` derived from the aggregates (as rescoring writes them, days expanded) and from the daily rows. */
  const monitoringAt = async (asOf: string, codes: string[]) => {
    const rs = await hub.services.scoring.ruleSets.active();
    const spec = { version: rs.version, asOf, windowDays: rs.windowDays, targets: { kind: 'codes' as const, codes } };
    const client = await hub.tdb.db.pool.connect();
    try {
      await client.query('begin');
      await client.query(`create temp table probe (like deduction_month) on commit drop`);
      for (const family of ['MONITORING_EXCEED', 'MONITORING_MISSING'] as const) {
        const stmt = insertMonitoringGroupsSql(family, spec, 'probe');
        await client.query(stmt.sql, stmt.values);
      }
      const fromAggregates = (
        await client.query(`select g.credit_code, g.rule_code, (g.month + i)::text as event_date,
                                   g.outlet_code || coalesce('/' || g.pollutant_code, '') || '/' || to_char(g.month + i, 'YYYY-MM-DD') as record_id
                              from probe g cross join lateral generate_series(0, 30) as i where g.days & (1 << i) <> 0 order by 1, 2, 3, 4`)
      ).rows;
      await client.query('rollback');
      const params = new SqlParams();
      const sql = selectDeductionsSql(spec, params);
      const fromDays = await q(
        `select credit_code, rule_code, event_date::text, record_id from (${sql}) d where system = 'monitoring' order by 1, 2, 3, 4`,
        params.values,
      );
      return { fromAggregates, fromDays };
    } finally {
      client.release();
    }
  };
  const scoresFrom = (deductions: Record<string, unknown>[], scores: Record<string, unknown>[]) => {
    const lost = new Map<string, number>();
    for (const d of deductions) lost.set(d.credit_code as string, (lost.get(d.credit_code as string) ?? 0) + (d.points as number));
    return scores.map((s) => ({ credit_code: s.credit_code, score: 100 - (lost.get(s.credit_code as string) ?? 0) }));
  };

  beforeAll(async () => {
    hub = await startTestHub({ sim: { enterprises: 400, seed: 16, monitoringDays: 400 } });
    // A row older than SD-2021's window (1,095 days plus the 3-day overlap): not read until a longer window is active.
    oldDate = addDays(T, -1150);
    oldCode = hub.sim.store.monitoringRowsFor(addDays(T, -1))[0].creditCode;
    await post('monitoring', [
      {
        creditCode: oldCode,
        outletCode: 'DA099',
        date: oldDate,
        pollutantCode: 'a21026',
        validHours: 24,
        exceedHours: 5,
        dailyMean: 80,
        limit: 50,
        unit: 'mg/m3',
      },
    ]);
  });
  afterAll(async () => hub?.close());

  it('the first sync stores all 400 days and scores the exceedances and missing days of days 31–400, equal to a full recompute', async () => {
    const runs = await hub.services.runner.syncAll(['permit', 'enforcement', 'penalty', 'monitoring'], 'test');
    for (const r of runs) expect([r.connectorId, r.status, r.error]).toEqual([r.connectorId, 'SUCCEEDED', undefined]);
    // A bulk read of history: its days were written with the aggregates deferred, and folded once when it ended.
    expect(folds()).toHaveLength(1);
    expect(await n(`select count(*) n from monitoring_fold_pending`)).toBe(0);

    const dates = hub.sim.store.monitoringDates().filter((d) => d !== oldDate);
    expect(dates.length).toBe(400);
    const rows = dates.flatMap((d) => hub.sim.store.monitoringRowsFor(d));
    expect(await n(`select count(*) n from monitoring_day`)).toBe(rows.length);
    expect(await n(`select count(*) n from monitoring_day where day = $1`, [oldDate])).toBe(0);

    // Every exceedance day of an enterprise in the store is a MON_EXCEED deduction, the old ones included.
    const known = new Set((await q<{ credit_code: string }>(`select credit_code from enterprise`)).map((r) => r.credit_code));
    const exceed = rows.filter((r) => r.exceedHours >= 1 && known.has(r.creditCode));
    const cutoff = addDays(T, -30);
    const oldExceed = exceed.filter((r) => r.date < cutoff);
    expect(oldExceed.length).toBeGreaterThan(0);
    expect(await n(`select count(*) n from deduction where rule_code = 'MON_EXCEED'`)).toBe(exceed.length);
    expect(await n(`select count(*) n from deduction where rule_code = 'MON_EXCEED' and event_date < $1::date`, [cutoff])).toBe(oldExceed.length);
    const missingOld = await n(`select count(*) n from deduction where rule_code = 'MON_MISSING' and event_date < $1::date`, [cutoff]);
    expect(missingOld).toBeGreaterThan(0);

    // Provenance without a source_record per row: each row names the batch that wrote it, which holds its raw record.
    expect(await n(`select count(*) n from source_record where connector_id = 'monitoring'`)).toBe(0);
    const sources = await q<{ key: string; payload: unknown; connector_id: string }>(
      `select concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')) as key, b.connector_id,
              b.payload -> concat_ws('/', m.credit_code, m.outlet_code, m.pollutant_code, to_char(m.day, 'YYYY-MM-DD')) as payload
         from monitoring_day m left join source_batch b on b.id = m.source_batch`,
    );
    const native = new Map(rows.map((r) => [`${r.creditCode}/${r.outletCode}/${r.pollutantCode}/${r.date}`, r]));
    expect(sources.length).toBe(native.size);
    for (const s of sources) expect([s.key, s.connector_id, s.payload]).toEqual([s.key, 'monitoring', JSON.parse(JSON.stringify(native.get(s.key)))]);
    expect(await n(`select coalesce(sum(row_count), 0) n from source_batch`)).toBe(rows.length);
    // A steward reads the raw record a deduction came from: its credit code and record id are the row's key.
    const [ded] = await q<{ credit_code: string; record_id: string }>(
      `select credit_code, record_id from deduction where rule_code = 'MON_EXCEED' and event_date < $1::date order by 1, 2 limit 1`,
      [cutoff],
    );
    const key = `${ded.credit_code}/${ded.record_id}`;
    expect(await hub.services.connectorAdmin.monitoringSource(key)).toMatchObject({
      keptIn: 'source_batch',
      connectorId: 'monitoring',
      payload: JSON.parse(JSON.stringify(native.get(key))),
    });
    expect(await hub.services.connectorAdmin.monitoringSource(`${ded.credit_code}/NO-OUTLET/a21026/2020-01-01`)).toBeNull();
    await expect(hub.services.connectorAdmin.monitoringSource('not-a-key')).rejects.toThrow(/not a monitoring row key/);

    // The connector reports the backfill: SD-2021's 1,095 days plus 3 days of overlap, through yesterday, all stored.
    const res = await hub.graphql(`{ connectors { connectorId backfill { from to done total coveredFrom } } }`);
    expect(res.errors).toBeUndefined();
    const byId = new Map(res.data.connectors.map((c: { connectorId: string; backfill: unknown }) => [c.connectorId, c.backfill]));
    const from = addDays(T, -1097);
    expect(byId.get('monitoring')).toEqual({ from, to: addDays(T, -1), done: 1097, total: 1097, coveredFrom: from });
    expect(byId.get('penalty')).toMatchObject({ from: addDays(T, -1095), to: T, total: 1096, done: 1096 });
    expect(byId.get('enforcement')).toBeNull();

    // The store is partitioned by month: the months of the window and the coming ones exist ahead of any row.
    expect((await q<{ k: string }>(`select relkind::text as k from pg_class where relname = 'monitoring_day'`))[0].k).toBe('p');
    const parts = await q<{ name: string }>(`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'monitoring_day'::regclass order by 1`);
    const names = new Set(parts.map((p) => p.name));
    for (const d of [addDays(T, -1096), addDays(T, -40), T, addDays(T, 60)])
      expect([d, names.has(`monitoring_day_p${d.slice(0, 4)}${d.slice(5, 7)}`)]).toEqual([d, true]);
    expect(await hub.services.monitoringPartitions()).toBe(0);

    const incremental = await snapshot();
    expect(incremental.deductions).toEqual(await recomputed());
    await hub.services.scoring.scores.rescoreAll();
    expect(await snapshot()).toEqual(incremental);
    await expectMonthAggregatesRebuilt(q);

    // The month rows the backfill's pages rewrote: pages with room for HOT versions, and vacuumed by the
    // hub itself (autovacuum may be off, as it is on the project's server; it counts apart, in autovacuum_count).
    const [month] = await q<{ reloptions: string[] }>(`select reloptions from pg_class where oid = 'monitoring_month'::regclass`);
    expect(month.reloptions).toContain('fillfactor=70');
    const vacuums = await q<{ relname: string; vacuums: string }>(
      `select relname::text, vacuum_count::text as vacuums from pg_stat_user_tables
        where relname in ('monitoring_month', 'monitoring_outlet_month', 'monitoring_exceed_month', 'monitoring_outlet') order by 1`,
    );
    expect(vacuums.map((v) => [v.relname, Number(v.vacuums) >= 1])).toEqual([
      ['monitoring_exceed_month', true],
      ['monitoring_month', true],
      ['monitoring_outlet', true],
      ['monitoring_outlet_month', true],
    ]);
    // The daily rows' partitions too, so that Enterprise.monitoringDays reads them from the covering index alone — and
    // analyzed: without statistics the planner reads them through the primary key and the heap instead.
    const [visibility] = await q<{ partitions: number; behind: number; unanalyzed: number }>(
      `select count(*)::int as partitions, count(*) filter (where c.relallvisible < c.relpages)::int as behind,
              count(*) filter (where not exists (select 1 from pg_statistic st where st.starelid = c.oid))::int as unanalyzed
         from pg_partition_tree('monitoring_day') t join pg_class c on c.oid = t.relid where t.isleaf and c.relpages > 0`,
    );
    expect(visibility.partitions).toBeGreaterThan(0);
    expect(visibility).toMatchObject({ behind: 0, unanalyzed: 0 });
  }, 180_000); // the whole 400-day sync runs here: 47–58 s alone at load average 8, against the default 60 s

  it('activating a rule set with a longer window makes the next run read the dates not read yet', async () => {
    const sd = readBundledRuleSet();
    await hub.services.scoring.ruleSets.load({ ...sd, version: 'SD-TEST-1200', title: 'SD-2021 over 1,200 days', windowDays: 1200 });
    await hub.services.scoring.scores.activateRuleSet('SD-TEST-1200');

    const [run] = await hub.services.runner.syncAll(['monitoring'], 'test');
    expect([run.status, run.loaded]).toEqual(['SUCCEEDED', 1]);
    // 800 dates to read back, but all empty save one: the first page reads all but 8 of them, so the run keeps the aggregates page by page.
    expect(folds()).toHaveLength(1);
    expect(await n(`select count(*) n from monitoring_day where day = $1 and credit_code = $2`, [oldDate, oldCode])).toBe(1);
    expect(
      await n(
        `select count(*) n from deduction where rule_code = 'MON_EXCEED' and event_date = $1 and credit_code = $2 and rule_set_version = 'SD-TEST-1200'`,
        [oldDate, oldCode],
      ),
    ).toBe(1);
    expect(await n(`select count(*) n from pg_class where relname = $1`, [`monitoring_day_p${oldDate.slice(0, 4)}${oldDate.slice(5, 7)}`])).toBe(1);
    const [state] = await q<{ cursor: { earliest: string; lastComplete: string }; backfill: Record<string, unknown> }>(
      `select cursor, backfill from connector_state where connector_id = 'monitoring'`,
    );
    const from = addDays(T, -1202);
    expect(state.cursor).toEqual({ earliest: from, lastComplete: addDays(T, -1) });
    expect(state.backfill).toEqual({ from, to: addDays(T, -1), done: 1202, total: 1202, coveredFrom: from });

    // The run after reads only the re-read dates; unchanged, they write no batch.
    const batches = await n(`select count(*) n from source_batch`);
    const again = await hub.services.runner.syncAll(['monitoring'], 'test');
    expect([again[0].status, again[0].loaded]).toEqual(['SUCCEEDED', 0]);
    expect(folds()).toHaveLength(1); // a steady run keeps the aggregates page by page
    const fetched = hub.sim.store.monitoringRowsFor(addDays(T, -1)).length + hub.sim.store.monitoringRowsFor(addDays(T, -2)).length;
    expect(again[0].fetched).toBe(fetched + hub.sim.store.monitoringRowsFor(addDays(T, -3)).length);
    expect(await n(`select count(*) n from source_batch`)).toBe(batches);
  });

  it('Enterprise.monitoringDays serves the days of an enterprise from the store, bounded and inside the jurisdiction', async () => {
    const [e] = await q<{ credit_code: string; division_code: string }>(
      `select e.credit_code, e.division_code from enterprise e where exists (select 1 from monitoring_day m where m.credit_code = e.credit_code)
        order by e.credit_code limit 1`,
    );
    const from = addDays(T, -40);
    const to = addDays(T, -1);
    const expected = await q<Record<string, unknown>>(
      `select to_char(day, 'YYYY-MM-DD') as date, outlet_code as "outletCode", pollutant_code as "pollutantCode", valid_hours as "validHours",
              exceed_hours as "exceedHours", daily_mean as "dailyMean", limit_value as "limit", provisional
         from monitoring_day where credit_code = $1 and day between $2 and $3 order by day, outlet_code, pollutant_code`,
      [e.credit_code, from, to],
    );
    expect(expected.length).toBeGreaterThan(30);
    const query = `query($c: String!, $from: Date!, $to: Date!, $p: String) { enterprise(creditCode: $c) {
        monitoringDays(from: $from, to: $to, pollutantCode: $p) { date outletCode pollutantCode validHours exceedHours dailyMean limit provisional } } }`;
    const res = await hub.graphql(query, { c: e.credit_code, from, to });
    expect(res.errors).toBeUndefined();
    expect(res.data.enterprise.monitoringDays).toEqual(expected);
    const pollutant = expected[0].pollutantCode as string;
    const one = await hub.graphql(query, { c: e.credit_code, from, to, p: pollutant });
    expect(one.data.enterprise.monitoringDays).toEqual(expected.filter((r) => r.pollutantCode === pollutant));

    const tooLong = await hub.graphql(query, { c: e.credit_code, from: addDays(T, -1200), to });
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from', limit: 1100 });
    const reversed = await hub.graphql(query, { c: e.credit_code, from: to, to: from });
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });

    // The jurisdiction is a SQL predicate of the read itself: another county's caller gets nothing, the enterprise's county everything.
    const other = (await q<{ code: string }>(`select code from division where level = 'COUNTY' and code <> $1 order by code limit 1`, [e.division_code]))[0]
      .code;
    const [outside] = await hub.services.monitoringDays.days([e.credit_code], from, to, null, { divisionCode: other, level: 'COUNTY' });
    const [inside] = await hub.services.monitoringDays.days([e.credit_code], from, to, null, { divisionCode: e.division_code, level: 'COUNTY' });
    expect([outside.length, inside.length]).toEqual([0, expected.length]);
  });

  it('the month aggregates follow revisions, late days and deletes, so incremental, full and a recompute from the days stay equal', async () => {
    // Through the connector (the re-read dates): a day that stops exceeding, a day whose valid hours fall under 20, a late new outlet.
    const reread = [addDays(T, -1), addDays(T, -2), addDays(T, -3)].flatMap((d) => hub.sim.store.monitoringRowsFor(d));
    const exceeding = reread.find((r) => r.exceedHours >= 1)!;
    const valid = reread.find((r) => r.validHours >= 20 && r.exceedHours === 0 && r.creditCode !== exceeding.creditCode)!;
    expect([exceeding, valid].every(Boolean)).toBe(true);
    await post('monitoring', [
      { ...exceeding, exceedHours: 0 },
      // Every pollutant of the outlet-day: a day is missing when no row of the outlet reaches 20 valid hours.
      ...reread
        .filter((r) => r.creditCode === valid.creditCode && r.outletCode === valid.outletCode && r.date === valid.date)
        .map((r) => ({ ...r, validHours: 3, exceedHours: 0 })),
      { ...valid, outletCode: 'DA777', date: addDays(T, -3), validHours: 24, exceedHours: 2 },
    ]);
    const [run] = await hub.services.runner.syncAll(['monitoring'], 'test');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.loaded).toBeGreaterThanOrEqual(3);

    // Other writers of old days (a steward's correction, the gateway, a reset): updates, a late insert, deletes.
    const [old] = await q<{ credit_code: string; outlet_code: string; pollutant_code: string; day: string }>(
      `select credit_code, outlet_code, pollutant_code, day::text from monitoring_day where exceed_hours >= 1 and day < $1 order by 1, 2, 3, 4 limit 1`,
      [addDays(T, -200)],
    );
    await hub.tdb.db.pool.query(`update monitoring_day set exceed_hours = 0, valid_hours = 21 where credit_code = $1 and outlet_code = $2 and day = $3`, [
      old.credit_code,
      old.outlet_code,
      old.day,
    ]);
    await hub.tdb.db.pool.query(
      `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours) values ($1, 'DA778', 'a21026', $2, 24, 7), ($1, 'DA778', 'a21026', $3, 24, 0)`,
      [old.credit_code, addDays(T, -300), addDays(T, -250)],
    );
    const [first] = await q<{ credit_code: string; outlet_code: string; day: string }>(
      `select credit_code, outlet_code, min(day)::text as day from monitoring_day where credit_code <> $1 group by 1, 2 order by 1, 2 limit 1`,
      [old.credit_code],
    );
    // The first day of an outlet goes (its first reported date moves) and a whole month of another disappears.
    await hub.tdb.db.pool.query(`delete from monitoring_day where credit_code = $1 and outlet_code = $2 and day = $3`, [
      first.credit_code,
      first.outlet_code,
      first.day,
    ]);
    await hub.tdb.db.pool.query(`delete from monitoring_day where credit_code = $1 and outlet_code = $2 and day >= $3 and day < $3::date + 31`, [
      old.credit_code,
      old.outlet_code,
      `${addDays(T, -150).slice(0, 7)}-01`,
    ]);
    await expectMonthAggregatesRebuilt(q);
    await expectOutletAggregatesExact();

    await hub.services.scoring.scores.rescoreDue();
    const incremental = await snapshot();
    const expected = await recomputed();
    expect(incremental.deductions).toEqual(expected);
    expect(
      incremental.deductions.filter((d) => d.credit_code === exceeding.creditCode && d.event_date === exceeding.date && d.rule_code === 'MON_EXCEED'),
    ).toEqual([]);
    expect(incremental.deductions.some((d) => d.credit_code === valid.creditCode && d.record_id === `${valid.outletCode}/${valid.date}`)).toBe(true);
    expect(incremental.deductions.some((d) => d.credit_code === old.credit_code && d.record_id === `DA778/a21026/${addDays(T, -300)}`)).toBe(true);
    expect(incremental.deductions.filter((d) => d.credit_code === old.credit_code && String(d.record_id).startsWith('DA778/')).length).toBe(1 + 49);
    expect(incremental.scores.map((s) => ({ credit_code: s.credit_code, score: s.score }))).toEqual(scoresFrom(expected, incremental.scores));
    await hub.services.scoring.scores.rescoreAll();
    expect(await snapshot()).toEqual(incremental);
  });

  it('an outlet that stops and restarts, days at the window’s edges and past scoring dates derive from the outlet aggregates as from the days', async () => {
    const rs = await hub.services.scoring.ruleSets.active();
    const start = addDays(T, -(rs.windowDays - 1));
    const [code] = (await q<{ credit_code: string }>(`select credit_code from enterprise order by credit_code limit 1`)).map((r) => r.credit_code);
    const rows: [string, string, string, number, number][] = [];
    const day = (outlet: string, pollutant: string, d: string, valid: number, exceed = 0) => rows.push([outlet, pollutant, d, valid, exceed]);
    // DA901: reports before the window and across its start (a short day on each side of the edge), stops for three months, restarts.
    for (let i = -40; i <= 20; i++) day('DA901', 'a21026', addDays(start, i), i === -1 || i === 0 || i === 1 ? 5 : 24, i % 7 === 0 ? 3 : 0);
    day('DA901', 'a21002', addDays(start, 0), 22); // another pollutant lifts the outlet-day over 20 hours
    for (let i = 130; i <= 200; i++) if (i % 9 !== 0) day('DA901', 'a21026', addDays(start, i), i % 13 === 0 ? 19 : 24);
    // DA902: one month fully reported except one day, then stops; a single late day two months on.
    for (let i = 0; i < 31; i++) if (i !== 17) day('DA902', 'a34013', addDays(T, -300 + i), 24);
    day('DA902', 'a34013', addDays(T, -200), 24, 24);
    // DA903: reports after the past scoring date only, and up to today.
    for (let i = -10; i <= 0; i++) day('DA903', 'a21026', addDays(T, i), i === -4 ? 0 : 24, i === -2 ? 1 : 0);
    await ensureMonitoringPartitions(hub.tdb.db.pool, addDays(start, -40), T);
    await hub.tdb.db.pool.query(
      `insert into monitoring_day (credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours)
       select $1, o, p, d::date, v, e from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) as x(o, p, d, v, e)`,
      [code, ...[0, 1, 2, 3, 4].map((c) => rows.map((r) => r[c]))],
    );
    await expectOutletAggregatesExact();
    for (const asOf of [T, addDays(T, -5), addDays(T, -250), addDays(start, 1), addDays(start, -1)]) {
      const { fromAggregates, fromDays } = await monitoringAt(asOf, [code]);
      expect(fromAggregates).toEqual(fromDays);
      if (asOf === T) expect(fromDays.filter((d) => String(d.record_id).startsWith('DA90')).length).toBeGreaterThan(60);
    }
    // The restart goes again (an outlet without a gap), and a revision lowers a day under the threshold.
    await hub.tdb.db.pool.query(`delete from monitoring_day where credit_code = $1 and outlet_code = 'DA901' and day > $2`, [code, addDays(start, 100)]);
    await hub.tdb.db.pool.query(`update monitoring_day set valid_hours = 10 where credit_code = $1 and outlet_code = 'DA902' and day = $2`, [
      code,
      addDays(T, -290),
    ]);
    await expectOutletAggregatesExact();
    const after = await monitoringAt(T, [code]);
    expect(after.fromAggregates).toEqual(after.fromDays);
    // A large incremental rescoring (diffed against the stored rows, as the post-sync one of a province) and a full one.
    const diffing = new ScoreService(hub.tdb.db, hub.services.scoring.ruleSets, { diffFromCodes: 1 });
    await hub.tdb.db.pool.query(`update monitoring_day set exceed_hours = 9 where credit_code = $1 and outlet_code = 'DA902' and day = $2`, [
      code,
      addDays(T, -280),
    ]);
    const codes = (await q<{ credit_code: string }>(`select credit_code from enterprise order by credit_code limit 50`)).map((r) => r.credit_code);
    expect((await diffing.rescore({ creditCodes: codes, cause: 'SYNC' })).full).toBe(false);
    expect((await snapshot()).deductions).toEqual(await recomputed());
    await hub.services.scoring.scores.rescoreAll();
    expect((await snapshot()).deductions).toEqual(await recomputed());

    // What a bulk run that crashed before its fold leaves: days written deferred, their month queued. `rescore --all` folds it first.
    const c = await hub.tdb.db.pool.connect();
    try {
      await c.query('begin');
      await c.query(DEFER_MONITORING_AGGREGATES_SQL);
      await c.query(`update monitoring_day set exceed_hours = 12 where credit_code = $1 and outlet_code = 'DA902' and day = $2`, [code, addDays(T, -285)]);
      await c.query('commit');
    } finally {
      c.release();
    }
    expect(await n(`select count(*) n from monitoring_fold_pending`)).toBe(1);
    await hub.services.scoring.scores.rescoreAll();
    expect(await n(`select count(*) n from monitoring_fold_pending`)).toBe(0);
    await expectOutletAggregatesExact();
    expect((await snapshot()).deductions).toEqual(await recomputed());
  });

  it('a chronic exceeder’s health report groups its monitoring deductions per outlet, pollutant and month, and its public page stays short', async () => {
    const [chronic] = await q<{ credit_code: string; n: number }>(
      `select credit_code, count(*)::int as n from deduction where system = 'monitoring' group by 1 order by 2 desc, 1 limit 1`,
    );
    expect(chronic.n).toBeGreaterThan(200);
    const res = await hub.graphql(
      `query($c: String!) { enterprise(creditCode: $c) { score healthReport { score deductions { rule points date system recordId }
         deductionGroups { rule system month outletCode pollutantCode count points from to days { rule points date system recordId } } } } }`,
      { c: chronic.credit_code },
    );
    expect(res.errors).toBeUndefined();
    const { deductions, deductionGroups: groups } = res.data.enterprise.healthReport;
    type Item = DeductionItem;
    type Group = DeductionGroupData;
    // The groups hold every deduction once, and their points are the report's.
    const key = (d: Item) => `${d.rule} ${d.date} ${d.recordId}`;
    expect(
      groups
        .flatMap((g: Group) => g.days)
        .map(key)
        .sort(),
    ).toEqual(deductions.map(key).sort());
    expect(groups.reduce((n: number, g: Group) => n + g.points, 0)).toBe(100 - res.data.enterprise.healthReport.score);
    expect(groups.length).toBeLessThan(deductions.length / 4);
    for (const g of groups as Group[]) {
      expect(g.count).toBe(g.days.length);
      expect(g.points).toBe(g.days.reduce((n, d) => n + d.points, 0));
      expect([g.from, g.to]).toEqual([g.days[0].date, g.days[g.days.length - 1].date]);
      for (const d of g.days) {
        expect([d.rule, d.system, d.date.slice(0, 7)]).toEqual([g.rule, g.system, g.month]);
        if (g.system === 'monitoring') expect(d.recordId).toBe(`${[g.outletCode, g.pollutantCode].filter(Boolean).join('/')}/${d.date}`);
      }
    }
    const monitoring = groups.filter((g: Group) => g.system === 'monitoring');
    expect(monitoring.some((g: Group) => g.rule === 'MON_EXCEED' && g.pollutantCode && g.count > 1)).toBe(true);

    // The public page: one row per group, the days folded inside it; every deduction still there.
    const page = await (await fetch(`http://127.0.0.1:${hub.server!.port}/report/${chronic.credit_code}`)).text();
    const { deductions: listed, rows } = reportDeductionRows(page);
    expect(listed.sort()).toEqual(deductions.map((d: Item) => `${d.rule} ${d.date}`).sort());
    expect(rows).toBe(groups.length);
    console.log(
      `chronic exceeder ${chronic.credit_code}: ${deductions.length} deductions in ${groups.length} groups; report page ${page.length} characters, ${rows} deduction rows`,
    );
    expect(page.length).toBeLessThan(120_000);
  });

  it('the objection form offers a chronic exceeder one choice per row of its table, and a month of monitoring days is contested day by day', async () => {
    const [chronic] = await q<{ credit_code: string; n: number }>(
      `select credit_code, count(*)::int as n from deduction where system = 'monitoring' group by 1 order by 2 desc, 1 limit 1`,
    );
    const url = `http://127.0.0.1:${hub.server!.port}/report/${chronic.credit_code}`;
    const choices = (html: string) => [...html.matchAll(/<option value="([0-9a-g]+)">([^<]*)<\/option>/g)].map((m) => ({ key: m[1], text: m[2] }));
    const page = await (await fetch(url)).text();
    const { rows } = reportDeductionRows(page);
    const offered = choices(page);
    console.log(`chronic exceeder ${chronic.credit_code}: ${chronic.n} monitoring deductions, ${offered.length} choices in the objection form`);
    expect(offered).toHaveLength(rows);
    expect(offered.length).toBeLessThan(chronic.n / 4);
    const month = /<tr class="deduction-group" data-rule="MON_EXCEED" data-month="(\d{4}-\d{2})" data-days="(\d+)">/.exec(page)!;
    const days = Number(month[2]);
    expect(days).toBeGreaterThan(1);
    const choice = offered.find((c) => c.key.startsWith('g') && c.text.startsWith(`${month[1]} `))!;
    expect(choice.text).toContain(`${days}`);

    const { code } = await hub.services.objections.issueCode({ divisionCode: '370000', level: 'PROVINCE' }, chronic.credit_code, 'test');
    const post = await fetch(`${url}/objection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ deduction: choice.key, code, reason: '该月在线监测仪器故障，数据无效' }).toString(),
    });
    expect(post.status).toBe(201);
    expect(await post.text()).toContain(`共 ${days} 天的扣分各一项`);
    const filed = await q<{ record_id: string; event_date: string }>(
      `select record_id, to_char(event_date, 'YYYY-MM') as event_date from objection where credit_code = $1 and filed_via = 'REPORT_PAGE' order by record_id`,
      [chronic.credit_code],
    );
    expect(filed).toHaveLength(days);
    expect(new Set(filed.map((o) => o.record_id)).size).toBe(days);
    expect(filed.every((o) => o.event_date === month[1])).toBe(true);
    const after = await (await fetch(url)).text();
    expect(choices(after).map((c) => c.key)).toEqual(offered.filter((c) => c !== choice).map((c) => c.key));
    expect([...after.matchAll(/<span class="objection-state" data-status="OPEN">/g)]).toHaveLength(days);
  });
});
