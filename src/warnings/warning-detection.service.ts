import { Pool, PoolClient } from 'pg';
import { ancestorCodesSql } from '../domain/jurisdiction';
import { withTransaction } from '../db/database';
import { takeDeriveMarks } from '../db/derive-marks';
import { JOB_SCHEMA, WEBHOOK_DELIVERY_JOB, WEBHOOK_DELIVERY_MAX_ATTEMPTS } from '../jobs/job-queue';
import { PostSyncStep } from '../ingest/sync.runner';
import { chinaToday, requireDate } from '../domain/china-date';
import { DetectionSpec, DetectionTargets, clearedReasonSql, detectorStatements } from './warning-detectors.query';
import { WarningParameterRepository } from './warning-parameter.repository';
import { WARNING_TYPES, WarningType } from '../domain/vocabulary';

/** The types whose conditions read scores and their history (passes of them are serialised with rescoring). */
const SCORE_TYPES: readonly WarningType[] = ['RISK_UP', 'SCORE_DROP', 'FORECAST_HIGH'];

/** What to run detectors on. */
export interface DetectionRequest {
  /** Every enterprise (the daily run), or these credit codes (after a sync). */
  targets: DetectionTargets;
  /** Detector types to run (default: all of them). */
  types?: readonly WarningType[];
  /** Detection date, China time (default: today). */
  today?: string;
  /** Also include enterprises whose score changed since the last pass (the post-sync step does). */
  includeScoreChanges?: boolean;
}

/** What one detection pass did. */
export interface DetectionSummary {
  today: string;
  /** The warning parameter set the pass ran under. */
  parameterVersion: string | null;
  /** Enterprises looked at (null: all). */
  enterprises: number | null;
  /** Conditions found true, per type. */
  holding: Partial<Record<WarningType, number>>;
  /** Ids of the warnings opened. */
  raised: string[];
  /** Warnings resolved because their condition cleared. */
  resolved: number;
  /** Webhook deliveries queued for the new warnings. */
  deliveriesQueued: number;
  durationMs: number;
}

/**
 * Runs the warning detectors, set-based, in one transaction:
 *
 * 1. every detector fills `warning_hold` with the conditions that hold now for
 *    its targets (one `INSERT … SELECT` per type, never a loop per enterprise);
 * 2. a warning is opened for each holding condition with no live row (the
 *    partial unique indexes make a second open warning for the same
 *    `(type, credit_code, subject)` impossible, whichever process detects);
 * 3. live rows of the targets whose condition no longer holds are marked
 *    cleared, and those still unresolved are resolved with the reason;
 * 4. a webhook delivery is queued for each new warning and each enabled
 *    webhook whose division contains the enterprise.
 *
 * Enterprises marked in `derive_dirty` (product `warnings`) join the targets and
 * their marks are deleted in the same transaction, so a crash before or during
 * a pass leaves them for the next one.
 *
 * The `warning` insert trigger NOTIFYs the new ids at commit, so subscribers on
 * every replica hear them. Passes are serialised with rescoring (advisory
 * locks), so the score-history watermark never skips a row committed late.
 * Passes of one warning type are serialised with each other (an advisory lock
 * per type), passes of other types are not: the HJ 212 gateway's REALTIME_EXCEED
 * pass does not wait for the DATA_GAP pass over every bound device.
 */
export class WarningDetectionService {
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  private readonly parameters: WarningParameterRepository;

  constructor(
    private readonly pool: Pool,
    opts: { log?: (l: string) => void; now?: () => Date; parameters?: WarningParameterRepository } = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? (() => new Date());
    this.parameters = opts.parameters ?? new WarningParameterRepository(pool);
  }

  /** Runs a detection pass in its own transaction. */
  detect(req: DetectionRequest): Promise<DetectionSummary> {
    return withTransaction(this.pool, (client) => this.detectIn(client, req));
  }

  /** {@link detect} inside the caller's transaction. */
  async detectIn(client: PoolClient, req: DetectionRequest): Promise<DetectionSummary> {
    const started = Date.now();
    const today = requireDate(req.today ?? chinaToday(this.now()), 'today');
    const now = this.now();
    // Only passes that read scores wait for rescoring (and move the score-history watermark): the
    // HJ 212 passes (REALTIME_EXCEED, DATA_GAP of a silent device) must not sit behind a long rescore.
    const readsScores = req.includeScoreChanges || (req.types ?? WARNING_TYPES).some((t) => SCORE_TYPES.includes(t));
    if (readsScores) await client.query(`select pg_advisory_xact_lock(hashtext('hub-rescore'))`);
    // Passes of one type are serialised (a lock per type, taken in WARNING_TYPES order); passes of other
    // types run beside them, so a REALTIME_EXCEED pass never waits for the DATA_GAP pass over every bound
    // device. Activating a parameter set takes the shared lock exclusively: no pass runs across it.
    const locked = WARNING_TYPES.filter((t) => (req.types ?? WARNING_TYPES).includes(t));
    await client.query(`select pg_advisory_xact_lock_shared(hashtext('hub-warnings'))`);
    await client.query(`select pg_advisory_xact_lock(hashtext('hub-warnings:' || t)) from unnest($1::text[]) as t`, [locked]);
    const active = await this.parameters.active(client);
    // A type the active parameter set does not configure neither raises nor clears warnings.
    const types = (req.types ?? WARNING_TYPES).filter((t) => active.detectors[t]);
    await client.query(`set local jit = off`);
    const mark = await client.query<{ hw: string; top: string }>(
      `select history_watermark::text as hw, coalesce((select max(id) from score_history), 0)::text as top from warning_detection_state`,
    );
    const { hw, top } = mark.rows[0] ?? { hw: '0', top: '0' };
    let targets = req.targets;
    // A pass of every detector consumes the durable marks it covers (all of them for a pass over every
    // enterprise); the marked enterprises join a pass over codes, so a crash's leftovers are detected too.
    const everyType = WARNING_TYPES.every((t) => types.includes(t));
    if (everyType && targets.kind === 'all') await takeDeriveMarks(client, 'warnings');
    if (everyType && targets.kind === 'codes') {
      targets = { kind: 'codes', codes: [...new Set([...targets.codes, ...(await takeDeriveMarks(client, 'warnings'))])] };
    }
    if (targets.kind === 'codes' && req.includeScoreChanges) {
      const changed = await client.query<{ credit_code: string }>(`select distinct credit_code from score_history where id > $1 and id <= $2`, [hw, top]);
      targets = { kind: 'codes', codes: [...new Set([...targets.codes, ...changed.rows.map((r) => r.credit_code)])] };
    }
    if (readsScores) await client.query(`update warning_detection_state set history_watermark = greatest(history_watermark, $1), updated_at = now()`, [top]);
    const empty: DetectionSummary = {
      today,
      parameterVersion: active.version,
      enterprises: 0,
      holding: {},
      raised: [],
      resolved: 0,
      deliveriesQueued: 0,
      durationMs: 0,
    };
    if (targets.kind === 'codes' && !targets.codes.length) return { ...empty, durationMs: Date.now() - started };

    const rs = await client.query<{ low: number; medium: number; exceed: number | null }>(
      `select r.risk_low_min as low, r.risk_medium_min as medium,
              (select min(min_exceed_hours) from rule where rule_set_version = r.version and family = 'MONITORING_EXCEED') as exceed
         from rule_set r where r.active`,
    );
    if (!rs.rows.length) throw new Error('no active rule set: the detectors need its risk thresholds');
    const spec: DetectionSpec = {
      targets,
      today,
      riskLowMin: rs.rows[0].low,
      riskMediumMin: rs.rows[0].medium,
      minExceedHours: rs.rows[0].exceed ?? 1,
      parameters: active.detectors,
      now,
    };

    await client.query(`create temp table if not exists warning_hold (
      type text not null, credit_code text not null, subject text not null, severity text not null,
      message text not null, details jsonb not null, fresh boolean not null) on commit delete rows`);
    await client.query(`truncate warning_hold`);
    const holding: Partial<Record<WarningType, number>> = {};
    for (const st of detectorStatements(spec, types)) {
      const r = await client.query(st.sql, st.values);
      holding[st.type] = r.rowCount ?? 0;
    }

    // Conditions still holding keep their live row current (severity, facts).
    await client.query(
      `update warning w set severity = h.severity, message = h.message, details = h.details, updated_at = now()
         from warning_hold h
        where w.condition_holds and w.type = h.type and w.credit_code = h.credit_code and w.subject = h.subject
          and (w.severity <> h.severity or w.details <> h.details)`,
    );
    const raised = await client.query<{ id: string }>(
      `insert into warning (type, credit_code, subject, severity, message, details, parameter_version)
       select h.type, h.credit_code, h.subject, h.severity, h.message, h.details, $1::text from warning_hold h
        where h.fresh and not exists (select 1 from warning w where w.condition_holds and w.type = h.type and w.credit_code = h.credit_code and w.subject = h.subject)
        order by h.type, h.credit_code, h.subject
       on conflict do nothing
       returning id::text`,
      [active.version],
    );
    const targetSql = targets.kind === 'all' ? 'true' : 'w.credit_code = any($3::text[])';
    const cleared = await client.query(
      `update warning w set condition_holds = false, updated_at = now(),
              status = 'RESOLVED', resolved_at = coalesce(w.resolved_at, now()),
              resolved_by = coalesce(w.resolved_by, 'hub detectors'),
              resolve_note = case when w.status = 'RESOLVED' then w.resolve_note else ${clearedReasonSql(active.detectors)} end,
              resolution = coalesce(w.resolution, 'CONDITION_CLEARED'),
              details = w.details || jsonb_build_object('conditionClearedAt', now(), 'conditionClearedOn', $1::date)
         from enterprise e
        where e.credit_code = w.credit_code and w.condition_holds and w.type = any($2::text[]) and ${targetSql}
          and not exists (select 1 from warning_hold h where h.type = w.type and h.credit_code = w.credit_code and h.subject = w.subject)
        returning w.status`,
      targets.kind === 'all' ? [today, types] : [today, types, targets.codes],
    );
    const ids = raised.rows.map((r) => r.id);
    let deliveriesQueued = 0;
    if (ids.length) {
      const q = await client.query(
        `with queued as (
         insert into webhook_delivery (webhook_id, warning_id, event, payload)
         select wh.id, w.id, 'warning.raised',
                jsonb_build_object('event', 'warning.raised', 'warning', jsonb_build_object(
                  'id', w.id::text, 'type', w.type, 'creditCode', w.credit_code, 'enterpriseName', e.name, 'divisionCode', e.division_code,
                  'subject', nullif(w.subject, ''), 'severity', w.severity, 'status', w.status, 'message', w.message, 'details', w.details,
                  'raisedAt', w.raised_at))
           from warning w join enterprise e using (credit_code)
           join webhook wh on wh.enabled
                and wh.division_code in (${ancestorCodesSql('e.division_code').join(', ')})
                and (wh.types is null or w.type = any(wh.types))
          where w.id = any($1::bigint[])
         on conflict do nothing
         returning id, webhook_id)
         -- One job per delivery, in the same transaction; one serial queue per webhook keeps its deliveries in order.
         select ${JOB_SCHEMA}.add_job($2, json_build_object('deliveryId', id::text), queue_name => 'webhook:' || webhook_id,
                                      max_attempts => $3, job_key => 'webhook-delivery:' || id)
           from queued`,
        [ids, WEBHOOK_DELIVERY_JOB, WEBHOOK_DELIVERY_MAX_ATTEMPTS],
      );
      deliveriesQueued = q.rowCount ?? 0;
    }
    const summary: DetectionSummary = {
      today,
      parameterVersion: active.version,
      enterprises: targets.kind === 'all' ? null : targets.codes.length,
      holding,
      raised: ids,
      resolved: cleared.rowCount ?? 0,
      deliveriesQueued,
      durationMs: Date.now() - started,
    };
    this.log(
      `warnings: ${ids.length} raised, ${summary.resolved} cleared over ${summary.enterprises ?? 'all'} enterprises as of ${today} in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /** The daily pass over every enterprise (time-driven conditions: DATA_GAP, PERMIT_EXPIRING, FORECAST_HIGH, and the rest). */
  detectAll(today?: string): Promise<DetectionSummary> {
    return this.detect({ targets: { kind: 'all' }, today });
  }

  /**
   * The post-sync step (registered after rescoring): every detector over the
   * enterprises the sync touched, those still marked, and those whose score
   * changed since the last pass.
   */
  postSyncStep(): PostSyncStep {
    return {
      name: 'warnings',
      run: async (_db, touched, log) => {
        const s = await this.detect({ targets: { kind: 'codes', codes: touched }, includeScoreChanges: true });
        if (s.enterprises) log(`warnings: ${s.raised.length} raised, ${s.resolved} cleared for ${s.enterprises} enterprises`);
        // A pass over codes counts them (null only for a pass over every enterprise).
        return { enterprises: s.enterprises ?? touched.length };
      },
    };
  }
}
