import { Pool, PoolClient } from 'pg';
import { Database, withTransaction } from '../db/database';
import { warrantsVacuum } from '../db/vacuum-rule';
import { PostSyncStep } from '../ingest/sync.runner';
import { DerivationSpec, DerivationTargets, FAMILIES, insertFamilySql } from './deduction.query';
import { DEDUCTION_MONTH_COLUMNS, insertMonitoringGroupsSql } from './monitoring-deduction.query';
import { RuleSetRepository } from './rule-set.repository';
import { chinaToday, requireDate } from '../domain/china-date';
import { riskLevelSql } from '../domain/risk-band';
import { foldPendingMonitoringMonths } from '../monitoring/monitoring-fold';

/** Columns of `deduction_row` (one row per deduction of the families other than monitoring). */
const ROW_COLUMNS = ['credit_code', 'rule_code', 'points', 'event_date', 'system', 'record_id', 'in_window', 'rule_set_version'];

/**
 * About how many enterprises the store holds, for the full-or-incremental
 * choice: the statistics' density times the table's current size (as the
 * planner estimates it), or a count when the statistics know nothing — on a
 * server without autovacuum `enterprise` may never have been analysed since
 * it was loaded (`reltuples` -1, or 0 from a vacuum of the empty table at
 * migration), and an estimate of 0 made every post-sync rescore of more than
 * 1,000 enterprises a full recompute of the province.
 */
const ENTERPRISE_COUNT_SQL = `select (case when c.relpages > 0 and c.reltuples > 0
            then c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
            else (select count(*) from enterprise) end)::int as n
       from pg_class c where c.oid = 'enterprise'::regclass`;

/** Why scores were recomputed; stored with every history point. */
export type ScoreCause = 'SYNC' | 'RESCORE' | 'RULE_SET_ACTIVATION';

/** What to rescore. */
export interface RescoreRequest {
  /** Recompute every enterprise (`hub rescore --all`). */
  all?: boolean;
  /** Recompute these enterprises (ignored with `all`). */
  creditCodes?: string[];
  cause: ScoreCause;
  /** Free-form reference of the cause (a run id, a rule-set version). */
  causeRef?: string | null;
  /** Scoring date (default: today in China). */
  asOf?: string;
}

/** What one rescoring did. */
export interface RescoreSummary {
  runId: string | null;
  full: boolean;
  asOf: string;
  ruleSetVersion: string;
  /** Enterprises recomputed. */
  enterprises: number;
  /** Enterprises whose score or risk level changed (history points written). */
  changed: number;
  durationMs: number;
  /** Milliseconds per step (deduction families, aggregation, history, write-back). */
  timings: Record<string, number>;
}

/** Options of {@link ScoreService}. */
export interface ScoreServiceOptions {
  log?: (line: string) => void;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Above this share of all enterprises an incremental request is run as a
   * full recompute (same result, cheaper plan). Default 0.25.
   */
  fullThreshold?: number;
  /**
   * From this many enterprises on, an incremental request derives into
   * temporary tables and changes only the stored deductions that differ, as a
   * full recompute does; below, it deletes and inserts its targets' rows.
   * Default 1,000.
   */
  diffFromCodes?: number;
}

/**
 * Computes and stores health scores, set-based.
 *
 * A rescoring runs in one transaction (serialised by an advisory lock):
 * it drops the dirty marks of its targets, replaces their materialised
 * deductions with one `INSERT … SELECT` per rule family (over all targets at
 * once, never a loop per enterprise; a full recompute, and an incremental one
 * of many enterprises, derives into a temporary table and writes only the rows
 * that differ, so it takes no lock a reader waits on and leaves no dead rows
 * for what did not change), aggregates `fullMarks − Σ points`,
 * appends a history point for every enterprise whose score or risk changed
 * (or that is scored for the first time; the point is a *baseline* when it is
 * the first or its change came with records of a connector's first load, see
 * `score_dirty.first_load`), writes changed scores back to
 * `enterprise` and records the scoring date and rule-set version in
 * `score_state`. The incremental path (a list of credit codes) and the full
 * path (`all`) run the same statements; only the target predicate differs,
 * so incremental equals full by construction — and a test checks it.
 */
export class ScoreService {
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    readonly ruleSets: RuleSetRepository,
    private readonly opts: ScoreServiceOptions = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? (() => new Date());
  }

  private get pool(): Pool {
    return this.db.pool;
  }

  /** Today in China by this service's clock. */
  today(): string {
    return chinaToday(this.now());
  }

  /** Recomputes scores for a set of enterprises or for all. */
  async rescore(req: RescoreRequest): Promise<RescoreSummary> {
    return withTransaction(this.pool, (client) => this.rescoreIn(client, req));
  }

  /** {@link rescore} inside the caller's transaction. */
  async rescoreIn(client: PoolClient, req: RescoreRequest): Promise<RescoreSummary> {
    const started = Date.now();
    const timings: Record<string, number> = {};
    let t = Date.now();
    const lap = (name: string) => {
      timings[name] = Date.now() - t;
      t = Date.now();
    };
    const asOf = requireDate(req.asOf ?? this.today(), 'asOf');
    await client.query(`select pg_advisory_xact_lock(hashtext('hub-rescore'))`);
    const rs = await this.ruleSets.active(client);
    let codes = [...new Set(req.creditCodes ?? [])];
    let full = req.all === true;
    // Up to 1,000 enterprises stay incremental whatever the store's size: no need to know it.
    if (!full && codes.length > 1000) {
      const total = (await client.query<{ n: number }>(ENTERPRISE_COUNT_SQL)).rows[0].n;
      if (codes.length > Math.max(1000, total * (this.opts.fullThreshold ?? 0.25))) full = true;
    }
    if (!full && !codes.length) {
      return { runId: null, full, asOf, ruleSetVersion: rs.version, enterprises: 0, changed: 0, durationMs: Date.now() - started, timings };
    }
    if (full) codes = [];
    // Sorts and hashes of a full recompute (millions of monitoring rows) stay in memory.
    // JIT compiling these plans costs more (up to a second each) than running them.
    await client.query(`set local work_mem = '${full ? '256MB' : '32MB'}'; set local jit = off`);
    const run = await client.query<{ id: string }>(
      `insert into scoring_run (cause, cause_ref, full_recompute, as_of, rule_set_version) values ($1, $2, $3, $4, $5) returning id`,
      [req.cause, req.causeRef ?? null, full, asOf, rs.version],
    );
    const runId = run.rows[0].id;
    const targets: DerivationTargets = full ? { kind: 'all' } : { kind: 'codes', codes };
    const codeFilter = (col: string, ph: string) => (full ? 'true' : `${col} = any(${ph}::text[])`);
    const codeArgs = full ? [] : [codes];

    // Marks dropped first: a change committed after this point marks its enterprise again.
    // Those whose change came with a connector's first load are kept to write baseline history points.
    await client.query(`create temp table score_first_load (credit_code text primary key) on commit drop`);
    await client.query(
      `with d as (delete from score_dirty where ${codeFilter('credit_code', '$1')} returning credit_code, first_load)
       insert into score_first_load (credit_code) select credit_code from d where first_load`,
      codeArgs,
    );
    // A full recompute derives into a temporary table and then changes only the rows that differ
    // (no TRUNCATE: readers of deduction and score_state never wait on it nor deadlock with it);
    // so does a large incremental one (the post-sync rescore of every monitored enterprise, whose
    // three years of deductions mostly stay as they were).
    const diff = full || codes.length >= (this.opts.diffFromCodes ?? 1000);
    if (diff) {
      await client.query(`create temp table deduction_new (like deduction_row) on commit drop`);
      await client.query(`create temp table deduction_month_new (like deduction_month) on commit drop`);
    } else {
      await client.query(`delete from deduction_row where credit_code = any($1::text[])`, codeArgs);
      await client.query(`delete from deduction_month where credit_code = any($1::text[])`, codeArgs);
    }
    lap('clear');

    const spec: DerivationSpec = { version: rs.version, asOf, windowDays: rs.windowDays, targets };
    for (const family of FAMILIES) {
      // Monitoring deductions come from the month aggregates, grouped per outlet (and pollutant) and month.
      const q =
        family === 'MONITORING_EXCEED' || family === 'MONITORING_MISSING'
          ? insertMonitoringGroupsSql(family, spec, diff ? 'deduction_month_new' : 'deduction_month')
          : insertFamilySql(family, spec, diff ? 'deduction_new' : 'deduction_row');
      await client.query(q.sql, q.values);
      lap(family);
    }

    if (diff) {
      const only = full ? null : codes;
      await this.applyDeductionChanges(client, 'deduction_row', 'deduction_new', ROW_COLUMNS, only);
      await this.applyDeductionChanges(client, 'deduction_month', 'deduction_month_new', DEDUCTION_MONTH_COLUMNS, only);
      lap('swap');
    }

    await client.query(`create temp table score_new (credit_code text not null, score integer not null, risk_level text not null) on commit drop`);
    await client.query(
      `insert into score_new (credit_code, score, risk_level)
       select e.credit_code, ${rs.fullMarks} - coalesce(d.total, 0), ${riskLevelSql(`${rs.fullMarks} - coalesce(d.total, 0)`, rs.riskThresholds)}
         from enterprise e
         left join (select credit_code, sum(total)::int as total from (
                      select credit_code, sum(points) as total from deduction_row where ${codeFilter('credit_code', '$1')} group by credit_code
                      union all
                      select credit_code, sum(points * day_count) from deduction_month where ${codeFilter('credit_code', '$1')} group by credit_code) t
                     group by credit_code) d
           using (credit_code)
        where ${codeFilter('e.credit_code', '$1')}`,
      codeArgs,
    );
    if (full) await client.query(`analyze score_new`);
    lap('aggregate');

    const history = await client.query(
      `insert into score_history (credit_code, at, score, risk_level, previous_score, previous_risk_level, rule_set_version, cause, cause_ref, baseline)
       select n.credit_code, now(), n.score, n.risk_level, s.score, s.risk_level, $1, $2, $3,
              s.credit_code is null or exists (select 1 from score_first_load f where f.credit_code = n.credit_code)
         from score_new n left join score_state s using (credit_code)
        where s.credit_code is null or s.score <> n.score or s.risk_level <> n.risk_level`,
      [rs.version, req.cause, req.causeRef ?? runId],
    );
    lap('history');

    await client.query(
      `update enterprise e set score = n.score, risk_level = n.risk_level, scored_at = now()
         from score_new n
        where n.credit_code = e.credit_code and (e.score <> n.score or e.risk_level <> n.risk_level)`,
    );
    lap('enterprise');

    if (full) {
      await client.query(
        `insert into score_state (credit_code, score, risk_level, rule_set_version, as_of)
         select credit_code, score, risk_level, $1, $2 from score_new order by credit_code
         on conflict (credit_code) do update set score = excluded.score, risk_level = excluded.risk_level,
           rule_set_version = excluded.rule_set_version, as_of = excluded.as_of, computed_at = now()
         where (score_state.score, score_state.risk_level, score_state.rule_set_version, score_state.as_of)
               is distinct from (excluded.score, excluded.risk_level, excluded.rule_set_version, excluded.as_of)`,
        [rs.version, asOf],
      );
      await client.query(`delete from score_state s where not exists (select 1 from score_new n where n.credit_code = s.credit_code)`);
      await client.query(`delete from rank_score where n = 0`);
      await client.query(`delete from rank_bucket where n = 0`);
    } else {
      await client.query(
        `insert into score_state (credit_code, score, risk_level, rule_set_version, as_of)
         select credit_code, score, risk_level, $1, $2 from score_new
         on conflict (credit_code) do update set score = excluded.score, risk_level = excluded.risk_level,
           rule_set_version = excluded.rule_set_version, as_of = excluded.as_of, computed_at = now()`,
        [rs.version, asOf],
      );
    }
    lap('state');
    const enterprises = (await client.query<{ n: number }>(`select count(*)::int as n from score_new`)).rows[0].n;
    const durationMs = Date.now() - started;
    await client.query(`update scoring_run set finished_at = clock_timestamp(), enterprises = $2, changed = $3, duration_ms = $4 where id = $1`, [
      runId,
      enterprises,
      history.rowCount ?? 0,
      durationMs,
    ]);
    this.log(
      `rescore ${full ? 'all' : 'incremental'} (${req.cause}): ${enterprises} enterprises, ${history.rowCount ?? 0} changed, as of ${asOf} under ${rs.version}, ${durationMs} ms`,
    );
    return { runId, full, asOf, ruleSetVersion: rs.version, enterprises, changed: history.rowCount ?? 0, durationMs, timings };
  }

  /**
   * Makes the stored deductions `table` (of the enterprises `codes`, or all)
   * equal to `fresh` (their recompute) by changing only what differs, as a
   * multiset: the distinct rows present in one and not the other (with their
   * multiplicity) are the changed keys; every stored row of a changed key is
   * deleted and every new row of it inserted. Plain DML under row locks, so
   * readers keep reading the previous rows until commit. Columns compare with
   * `is not distinct from` (a `MON_MISSING` group has no pollutant).
   */
  private async applyDeductionChanges(client: PoolClient, table: string, fresh: string, columns: readonly string[], codes: string[] | null): Promise<void> {
    const cols = columns.join(', ');
    const key = (a: string, b: string) => columns.map((c) => `${a}.${c} is not distinct from ${b}.${c}`).join(' and ');
    const changed = `${table}_changed`;
    const stored = codes ? `(select * from ${table} where credit_code = any($1::text[])) s` : table;
    await client.query(`analyze ${fresh}`);
    await client.query(
      `create temp table ${changed} on commit drop as
      select distinct * from ((select ${cols} from ${stored} except all select ${cols} from ${fresh})
                              union all
                              (select ${cols} from ${fresh} except all select ${cols} from ${stored})) x`,
      codes ? [codes] : [],
    );
    const n = await client.query<{ n: number }>(`select count(*)::int as n from ${changed}`);
    if (!n.rows[0].n) return;
    await client.query(`analyze ${changed}`);
    await client.query(`delete from ${table} d using ${changed} k where d.credit_code = k.credit_code and ${key('d', 'k')}`);
    await client.query(`insert into ${table} (${cols}) select ${cols} from ${fresh} n
      where exists (select 1 from ${changed} k where n.credit_code = k.credit_code and ${key('n', 'k')}) order by credit_code`);
  }

  /**
   * Credit codes due for rescoring today: marked dirty by a record change,
   * never scored, scored under another rule-set version, or scored on an
   * earlier date while something moved since by the calendar alone (a
   * deduction left the window, a dated record entered it, a permit became or
   * stopped being valid).
   */
  async dueCodes(asOf = this.today()): Promise<string[]> {
    const rs = await this.ruleSets.active();
    const res = await this.pool.query<{ credit_code: string }>(
      `select credit_code from score_dirty
       union
       select e.credit_code from enterprise e where not exists (select 1 from score_state s where s.credit_code = e.credit_code)
       union
       select s.credit_code from score_state s
        where s.rule_set_version <> $2
           or s.as_of < $1::date and (
                exists (select 1 from deduction_row d where d.credit_code = s.credit_code and d.in_window and d.event_date <= $1::date - $3::int)
             or exists (select 1 from deduction_month d where d.credit_code = s.credit_code and d.in_window and d.first_day <= $1::date - $3::int)
             or exists (select 1 from permit p where p.credit_code = s.credit_code
                          and (p.valid_to >= s.as_of and p.valid_to < $1::date or p.valid_from > s.as_of and p.valid_from <= $1::date))
             or exists (select 1 from enforcement_record x where x.credit_code = s.credit_code and x.event_date > s.as_of and x.event_date <= $1::date)
             or exists (select 1 from penalty x where x.credit_code = s.credit_code and x.decision_date > s.as_of and x.decision_date <= $1::date)
             or exists (select 1 from monitoring_day x where x.credit_code = s.credit_code and x.day > s.as_of and x.day <= $1::date))`,
      [asOf, rs.version, rs.windowDays],
    );
    return res.rows.map((r) => r.credit_code);
  }

  /** `hub rescore`: the enterprises {@link dueCodes} names. */
  async rescoreDue(cause: ScoreCause = 'RESCORE'): Promise<RescoreSummary> {
    const asOf = this.today();
    return this.rescore({ creditCodes: await this.dueCodes(asOf), cause, asOf });
  }

  /** `hub rescore --all` (after folding monitoring months a crashed bulk run left queued: the rules read their aggregates). */
  async rescoreAll(cause: ScoreCause = 'RESCORE', causeRef?: string): Promise<RescoreSummary> {
    await foldPendingMonitoringMonths(this.pool);
    return this.vacuumAfter(await this.rescore({ all: true, cause, causeRef }));
  }

  /** Activates a loaded rule-set version and recomputes every score under it, in one transaction. */
  async activateRuleSet(version: string): Promise<RescoreSummary> {
    await foldPendingMonitoringMonths(this.pool);
    return this.vacuumAfter(
      await withTransaction(this.pool, async (client) => {
        await client.query(`select pg_advisory_xact_lock(hashtext('hub-rescore'))`);
        await this.ruleSets.markActive(client, version);
        return this.rescoreIn(client, { all: true, cause: 'RULE_SET_ACTIVATION', causeRef: version });
      }),
    );
  }

  /**
   * Housekeeping after a full recompute, instead of waiting for autovacuum:
   * the rows of `deduction` that changed (all of them under a new rule-set
   * version) left dead versions and stale statistics (the planner then scans
   * it whole to delete one batch's rows); `score_dirty`
   * holds a dead row per enterprise; and when many scores changed, the
   * rewritten `enterprise` rows cleared the visibility map, so every rank
   * count and index-only search would visit the table for each index entry.
   */
  private async vacuumAfter(summary: RescoreSummary): Promise<RescoreSummary> {
    const t = Date.now();
    const many = warrantsVacuum(summary.changed, summary.enterprises);
    await this.pool.query(`vacuum (analyze) deduction_row, deduction_month, score_dirty${many ? ', enterprise' : ''}`);
    summary.timings.vacuum = Date.now() - t;
    this.log(`vacuumed deduction_row, deduction_month, score_dirty${many ? ' and enterprise' : ''} after a full rescore in ${summary.timings.vacuum} ms`);
    return summary;
  }

  /**
   * The post-sync step: rescores, in the sync's flow, exactly the enterprises
   * the batch touched plus any still marked dirty.
   */
  postSyncStep(): PostSyncStep {
    return {
      name: 'rescore',
      run: async (_db, touched, log) => {
        const dirty = await this.pool.query<{ credit_code: string }>(`select credit_code from score_dirty`);
        const codes = [...new Set([...touched, ...dirty.rows.map((r) => r.credit_code)])];
        if (!codes.length) return { enterprises: 0 };
        const s = await this.rescore({ creditCodes: codes, cause: 'SYNC' });
        log(`rescored ${s.enterprises} enterprises (${s.full ? 'full' : 'incremental'}), ${s.changed} changed`);
        return { enterprises: s.enterprises };
      },
    };
  }
}
