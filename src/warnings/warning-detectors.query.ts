import { CHINA_TIME_ZONE } from '../domain/china-date';
import { riskRankSql } from '../domain/risk-band';
import { WarningType } from '../domain/vocabulary';
import { SqlParams } from '../jurisdiction/scope';
import { DetectorParameterMap, DetectorParameters } from './warning-parameters.model';

/** Which enterprises a detection pass looks at. */
export type DetectionTargets = { kind: 'all' } | { kind: 'codes'; codes: string[] };

/** The thresholds and dates one detection pass uses. */
export interface DetectionSpec {
  targets: DetectionTargets;
  /** Detection date (China time, YYYY-MM-DD). */
  today: string;
  /** Lowest score of the LOW band (rule-set data; 85 in SD-2021). */
  riskLowMin: number;
  /** Lowest score of the MEDIUM band (rule-set data; 60 in SD-2021): below it is HIGH. */
  riskMediumMin: number;
  /** Exceedance hours that make a monitoring day an exceedance day (the MON_EXCEED rule's trigger). */
  minExceedHours: number;
  /** The detectors' numbers and severities: the active warning parameter set (data, versioned). */
  parameters: Partial<DetectorParameterMap>;
  /** The pass's instant (the hour-based conditions, REALTIME_EXCEED and a device's silence, measure from it). */
  now: Date;
}

/** A statement filling `warning_hold` with the conditions that hold, for one warning type. */
export interface DetectorStatement {
  type: WarningType;
  sql: string;
  values: unknown[];
}

function target(spec: DetectionSpec, params: SqlParams, column: string): string {
  return spec.targets.kind === 'all' ? 'true' : `${column} = any(${params.add(spec.targets.codes)}::text[])`;
}

/** SQL choosing a detector's escalated severity when `escalate` holds, else its base severity. */
function severitySql(d: DetectorParameters, p: SqlParams, escalate: string): string {
  const base = `${p.add(d.severity)}::text`;
  return d.escalatedSeverity ? `case when ${escalate} then ${p.add(d.escalatedSeverity)}::text else ${base} end` : base;
}

const HOLD_COLUMNS = `insert into warning_hold (type, credit_code, subject, severity, message, details, fresh)`;

/**
 * The latest baseline point of each target enterprise's history: its first
 * score, or a score whose change came with records of a connector's first
 * load (`score_history.baseline`). History before it is not compared with.
 */
function lastBaseline(spec: DetectionSpec, p: SqlParams): string {
  return `last_baseline as (select credit_code, max(id) as id from score_history where baseline and ${target(spec, p, 'credit_code')} group by credit_code)`;
}

/**
 * RISK_UP: the enterprise's latest change of risk level made it worse. A
 * change written as a baseline (it came with a first load of a source, see
 * {@link lastBaseline}) is not a worsening: loading a source for the first
 * time, in one run or split across many in any order, raises no RISK_UP.
 */
function riskUp(spec: DetectionSpec, d: DetectorParameterMap['RISK_UP']): DetectorStatement {
  const p = new SqlParams();
  const sql = `${HOLD_COLUMNS}
    select 'RISK_UP', h.credit_code, '',
           ${severitySql(d, p, `h.risk_level = 'HIGH'`)},
           format('risk level worsened from %s to %s (score %s → %s)', h.previous_risk_level, h.risk_level, h.previous_score, h.score),
           jsonb_build_object('from', h.previous_risk_level, 'to', h.risk_level, 'previousScore', h.previous_score, 'score', h.score, 'changedAt', h.at),
           h.at >= now() - make_interval(days => ${p.add(d.freshDays)}::int)
      from (select distinct on (credit_code) credit_code, at, score, risk_level, previous_score, previous_risk_level, baseline
              from score_history
             where previous_risk_level is not null and previous_risk_level <> risk_level and ${target(spec, p, 'credit_code')}
             order by credit_code, at desc, id desc) h
      join enterprise e using (credit_code)
     where not h.baseline and ${riskRankSql('h.risk_level')} > ${riskRankSql('h.previous_risk_level')}`;
  return { type: 'RISK_UP', sql, values: p.values };
}

/**
 * SCORE_DROP: current score at least `points` below the highest score in
 * effect during the last `windowDays` days, counting only scores from the enterprise's latest
 * baseline point on (a first load of a source is not a drop).
 */
function scoreDrop(spec: DetectionSpec, d: DetectorParameterMap['SCORE_DROP']): DetectorStatement {
  const p = new SqlParams();
  const win = `${p.add(d.windowDays)}::int`;
  const since = `(now() - make_interval(days => ${win}))`;
  const points = p.add(d.points);
  const sql = `${HOLD_COLUMNS}
    with ${lastBaseline(spec, p)}, pts as (
      select h.credit_code, h.score from score_history h left join last_baseline b using (credit_code)
       where h.at > ${since} and h.id >= coalesce(b.id, 0) and ${target(spec, p, 'h.credit_code')}
      union all
      select w.credit_code, w.score from (
        select distinct on (credit_code) credit_code, score, id from score_history
         where at <= ${since} and ${target(spec, p, 'credit_code')} order by credit_code, at desc, id desc) w
        left join last_baseline b using (credit_code) where w.id >= coalesce(b.id, 0)
    ), peak as (select credit_code, max(score) as peak from pts group by credit_code)
    select 'SCORE_DROP', e.credit_code, '',
           ${severitySql(d, p, `k.peak - e.score >= ${p.add(d.escalateAtPoints)}::int`)},
           format('score fell by %s points within %s days (from %s to %s)', k.peak - e.score, ${win}, k.peak, e.score),
           jsonb_build_object('peak', k.peak, 'score', e.score, 'drop', k.peak - e.score),
           true
      from peak k join enterprise e using (credit_code)
     where k.peak - e.score >= ${points}::int`;
  return { type: 'SCORE_DROP', sql, values: p.values };
}

/** EXCEED_TREND (of enterprises in the store; monitoring of an unknown credit code waits for its enterprise): per outlet and pollutant, exceedance days in the last `windowDays` ≥ `minDays` and ≥ `growthFactor` × the `windowDays` before. */
function exceedTrend(spec: DetectionSpec, d: DetectorParameterMap['EXCEED_TREND']): DetectorStatement {
  const p = new SqlParams();
  const today = `${p.add(spec.today)}::date`;
  const win = `${p.add(d.windowDays)}::int`;
  const minDays = `${p.add(d.minDays)}::int`;
  const factor = `${p.add(d.growthFactor)}::numeric`;
  const sql = `${HOLD_COLUMNS}
    select 'EXCEED_TREND', x.credit_code, x.outlet_code || '/' || x.pollutant_code,
           ${severitySql(d, p, `x.recent >= ${p.add(d.escalateAtDays)}::int`)},
           format('outlet %s, pollutant %s: %s exceedance days in the last %s days against %s in the %s days before', x.outlet_code, x.pollutant_code, x.recent, ${win}, x.previous, ${win}),
           jsonb_build_object('outlet', x.outlet_code, 'pollutant', x.pollutant_code, 'recentDays', x.recent, 'previousDays', x.previous,
                              'recentFrom', ${today} - (${win} - 1), 'recentTo', ${today}),
           true
      from (select credit_code, outlet_code, pollutant_code,
                   count(*) filter (where day > ${today} - ${win})::int as recent,
                   count(*) filter (where day <= ${today} - ${win})::int as previous
              from monitoring_day
             where day > ${today} - 2 * ${win} and day <= ${today} and exceed_hours >= ${p.add(spec.minExceedHours)}::int
               and ${target(spec, p, 'credit_code')}
             group by credit_code, outlet_code, pollutant_code) x
      join enterprise e using (credit_code)
     where x.recent >= ${minDays} and x.recent >= ${factor} * x.previous`;
  return { type: 'EXCEED_TREND', sql, values: p.values };
}

/**
 * DATA_GAP (of enterprises in the store only), per outlet: the monitoring system has no row of it at all
 * on the last `wholeDays` (or more) whole days before today (its last reported day from the maintained
 * extents `monitoring_outlet`, read from the days only when that day is after today), or — when the set gives `silentHours` —
 * the HJ 212 device bound to it has sent nothing for `silentHours` (since its last packet, or since its
 * binding when it never sent one). Both are the same condition of the outlet: one warning stands for
 * either. A silent device escalates after a day.
 */
function dataGap(spec: DetectionSpec, d: DetectorParameterMap['DATA_GAP']): DetectorStatement {
  const p = new SqlParams();
  const today = `${p.add(spec.today)}::date`;
  const days = `
      select 'DATA_GAP'::text as type, o.credit_code, o.outlet_code,
             ${severitySql(d, p, `${today} - o.last_day - 1 >= ${p.add(d.escalateAtDays)}::int`)} as severity,
             format('outlet %s has reported nothing for %s whole days (last report %s)', o.outlet_code, ${today} - o.last_day - 1, o.last_day) as message,
             jsonb_build_object('outlet', o.outlet_code, 'lastReportedDay', o.last_day, 'wholeDaysMissing', ${today} - o.last_day - 1) as details,
             0 as pick
        from (select o.credit_code, o.outlet_code,
                     case when o.last_day <= ${today} then o.last_day
                          else (select max(x.day) from monitoring_day x
                                 where x.credit_code = o.credit_code and x.outlet_code = o.outlet_code and x.day <= ${today}) end as last_day
                from monitoring_outlet o where ${target(spec, p, 'o.credit_code')}) o
       where ${today} - o.last_day - 1 >= ${p.add(d.wholeDays)}::int`;
  let silent = '';
  if (d.silentHours !== undefined) {
    const now = `${p.add(spec.now.toISOString())}::timestamptz`;
    const last = 'coalesce(s.last_packet_at, m.bound_at)';
    const hours = `floor(extract(epoch from ${now} - ${last}) / 3600)::int`;
    silent = `
      union all
      select 'DATA_GAP', m.credit_code, m.outlet_code,
             ${severitySql(d, p, `${now} - ${last} >= interval '1 day'`)},
             format('HJ 212 device %s of outlet %s has sent nothing for %s hours (last packet %s)', m.mn, m.outlet_code, ${hours}, coalesce(s.last_packet_at::text, 'never')),
             jsonb_build_object('outlet', m.outlet_code, 'mn', m.mn, 'lastPacketAt', s.last_packet_at, 'boundAt', m.bound_at, 'silentHours', ${hours}),
             1
        from monitoring_device m left join hj212_sender s on s.mn = m.mn
       where ${last} <= ${now} - make_interval(hours => ${p.add(d.silentHours)}::int) and ${target(spec, p, 'm.credit_code')}`;
  }
  const sql = `${HOLD_COLUMNS}
    select distinct on (g.credit_code, g.outlet_code) g.type, g.credit_code, g.outlet_code, g.severity, g.message, g.details, true
      from (${days}${silent}) g
      join enterprise e using (credit_code)
     order by g.credit_code, g.outlet_code, g.pick`;
  return { type: 'DATA_GAP', sql, values: p.values };
}

/** PERMIT_EXPIRING: a VALID permit whose last valid day is 0–`withinDays` days away, with no VALID permit reaching later. */
function permitExpiring(spec: DetectionSpec, d: DetectorParameterMap['PERMIT_EXPIRING']): DetectorStatement {
  const p = new SqlParams();
  const today = `${p.add(spec.today)}::date`;
  const sql = `${HOLD_COLUMNS}
    select 'PERMIT_EXPIRING', pm.credit_code, pm.permit_no,
           ${severitySql(d, p, `pm.valid_to - ${today} <= ${p.add(d.escalateWithinDays)}::int`)},
           format('permit %s expires on %s (in %s days) and no later valid permit exists', pm.permit_no, pm.valid_to, pm.valid_to - ${today}),
           jsonb_build_object('permitNo', pm.permit_no, 'validTo', pm.valid_to, 'daysLeft', pm.valid_to - ${today}),
           true
      from permit pm
     where pm.status = 'VALID' and pm.valid_from <= ${today} and pm.valid_to >= ${today}
       and pm.valid_to <= ${today} + ${p.add(d.withinDays)}::int
       and ${target(spec, p, 'pm.credit_code')}
       and not exists (select 1 from permit q where q.credit_code = pm.credit_code and q.permit_no <> pm.permit_no
                          and q.status = 'VALID' and q.valid_to > pm.valid_to)`;
  return { type: 'PERMIT_EXPIRING', sql, values: p.values };
}

/**
 * FORECAST_HIGH: least squares over one sample per China day of the last
 * `historyDays` days (the score in effect at the end of that day, from the history). Each
 * stretch of days with a constant score contributes its sums in closed form
 * (Σt, Σt², Σy, Σty over consecutive integers t), so no row per day is made.
 * With t = day − today, the fitted score on day k after today is a + b·k; the
 * condition holds when b < 0, the enterprise is not HIGH, and the first k ≥ 1
 * with a + b·k below the MEDIUM band's minimum is ≤ `horizonDays`. Days before the
 * enterprise's latest baseline point are not sampled. Exact `numeric`
 * arithmetic keeps the day-30/day-31 edge exact.
 */
function forecastHigh(spec: DetectionSpec, d: DetectorParameterMap['FORECAST_HIGH']): DetectorStatement {
  const p = new SqlParams();
  const zone = `${p.add(CHINA_TIME_ZONE)}::text`;
  const today = `${p.add(spec.today)}::date`;
  const history = `${p.add(d.historyDays)}::int`;
  const first = `(${today} - (${history} - 1))`;
  const start = `(${first}::timestamp at time zone ${zone})`;
  const horizon = `${p.add(d.horizonDays)}::int`;
  const m = `${p.add(spec.riskMediumMin)}::numeric`;
  const sql = `${HOLD_COLUMNS}
    with ${lastBaseline(spec, p)}, moving as (
      select distinct credit_code from score_history where at >= ${start} and ${target(spec, p, 'credit_code')}
    ), pts as (
      select h.credit_code, greatest((h.at at time zone ${zone})::date, ${first}) as d, h.score, h.at, h.id
        from score_history h join moving using (credit_code) left join last_baseline b using (credit_code)
       where h.at >= ${start} and h.id >= coalesce(b.id, 0)
      union all
      select w.* from (select distinct on (h.credit_code) h.credit_code, ${first}, h.score, h.at, h.id
                       from score_history h join moving using (credit_code) where h.at < ${start}
                      order by h.credit_code, h.at desc, h.id desc) w
        left join last_baseline b using (credit_code) where w.id >= coalesce(b.id, 0)
    ), daily as (
      select distinct on (credit_code, d) credit_code, d, score from pts where d <= ${today} order by credit_code, d, at desc, id desc
    ), seg as (
      select credit_code, score::numeric as y, (d - ${today})::numeric as t1,
             (coalesce(lead(d) over (partition by credit_code order by d) - 1, ${today}) - ${today})::numeric as t2
        from daily
    ), sums as (
      select credit_code,
             sum(t2 - t1 + 1) as n,
             sum((t2 - t1 + 1) * (t1 + t2) / 2) as st,
             sum(t2 * (t2 + 1) * (2 * t2 + 1) / 6 - (t1 - 1) * t1 * (2 * t1 - 1) / 6) as stt,
             sum((t2 - t1 + 1) * y) as sy,
             sum(y * (t2 - t1 + 1) * (t1 + t2) / 2) as sty
        from seg group by credit_code
    ), fit as (
      select credit_code, n, (n * sty - st * sy) / (n * stt - st * st) as b, sy, st
        from sums where n >= 2 and n * stt - st * st > 0
    ), line as (
      select credit_code, n, b, (sy - b * st) / n as a from fit where b < 0
    ), reach as (
      select credit_code, n, a, b, greatest(1, floor((a - ${m}) / (-b)) + 1)::int as k from line
    )
    select 'FORECAST_HIGH', r.credit_code, '', ${severitySql(d, p, 'false')},
           format('score trend %s points a day over %s days reaches the HIGH band in %s days (score now %s)', round(r.b, 2), ${history}, r.k, e.score),
           jsonb_build_object('slopePerDay', round(r.b, 4), 'fittedToday', round(r.a, 2), 'reachesHighInDays', r.k, 'days', r.n, 'score', e.score),
           true
      from reach r join enterprise e using (credit_code)
     where e.risk_level <> 'HIGH' and r.k <= ${horizon}`;
  return { type: 'FORECAST_HIGH', sql, values: p.values };
}

/**
 * REALTIME_EXCEED (of enterprises in the store), per outlet and pollutant with a bound limit: the
 * `hours` latest hourly values from the HJ 212 gateway are consecutive hours, all valid (flag `N`;
 * an hour under `C`, `M` or any other flag never counts) and all above the limit. A newer hour that
 * is not a valid exceedance clears it. A condition whose latest hour is older than `freshHours` opens
 * no warning (late or re-sent data) but keeps an open one open. Escalated when the latest average is
 * at least `escalateAtRatio` times the limit.
 */
function realtimeExceed(spec: DetectionSpec, d: DetectorParameterMap['REALTIME_EXCEED']): DetectorStatement {
  const p = new SqlParams();
  const now = `${p.add(spec.now.toISOString())}::timestamptz`;
  const n = `${p.add(d.hours)}::int`;
  const sql = `${HOLD_COLUMNS}
    with lim as (
      select m.credit_code, m.outlet_code, l.pollutant_code, l.limit_value, l.unit
        from monitoring_device m join monitoring_device_limit l on l.mn = m.mn
       where ${target(spec, p, 'm.credit_code')}
    ), latest as (
      select lim.*, h.hour, h.avg, h.flag
        from lim cross join lateral (
          select hour, avg, flag from monitoring_hour x
           where x.credit_code = lim.credit_code and x.outlet_code = lim.outlet_code and x.pollutant_code = lim.pollutant_code
           order by hour desc limit ${n}) h
    ), runs as (
      select credit_code, outlet_code, pollutant_code, limit_value, unit, max(hour) as last_hour, min(hour) as first_hour,
             array_agg(avg order by hour) as avgs, count(*) as hours
        from latest
       where flag = 'N' and avg > limit_value
       group by credit_code, outlet_code, pollutant_code, limit_value, unit
    )
    select 'REALTIME_EXCEED', r.credit_code, r.outlet_code || '/' || r.pollutant_code,
           ${severitySql(d, p, `r.avgs[array_upper(r.avgs, 1)] >= ${p.add(d.escalateAtRatio)}::float8 * r.limit_value`)},
           format('outlet %s, pollutant %s: %s consecutive valid hourly averages above the limit %s %s (%s), latest hour %s',
                  r.outlet_code, r.pollutant_code, r.hours, r.limit_value, coalesce(r.unit, ''), array_to_string(r.avgs, ', '), r.last_hour),
           jsonb_build_object('outlet', r.outlet_code, 'pollutant', r.pollutant_code, 'limit', r.limit_value, 'unit', r.unit,
                              'hourlyAverages', to_jsonb(r.avgs), 'fromHour', r.first_hour, 'toHour', r.last_hour),
           r.last_hour >= ${now} - make_interval(hours => ${p.add(d.freshHours)}::int)
      from runs r join enterprise e using (credit_code)
     where r.hours = ${n} and r.last_hour - r.first_hour = make_interval(hours => ${n} - 1)`;
  return { type: 'REALTIME_EXCEED', sql, values: p.values };
}

/** Each type's detector; a new warning type adds its detector here (and its parameters to the parameter set). */
const DETECTORS: { [T in WarningType]: (spec: DetectionSpec, d: DetectorParameterMap[T]) => DetectorStatement } = {
  RISK_UP: riskUp,
  SCORE_DROP: scoreDrop,
  EXCEED_TREND: exceedTrend,
  DATA_GAP: dataGap,
  PERMIT_EXPIRING: permitExpiring,
  FORECAST_HIGH: forecastHigh,
  REALTIME_EXCEED: realtimeExceed,
};

/**
 * The detector statements of the given types, in the order of `WARNING_TYPES`;
 * a type the active parameter set does not configure does not run.
 */
export function detectorStatements(spec: DetectionSpec, types: readonly WarningType[]): DetectorStatement[] {
  const run = <T extends WarningType>(t: T) => {
    const d = spec.parameters[t];
    return d ? DETECTORS[t](spec, d) : null;
  };
  return types.map(run).filter((s): s is DetectorStatement => s !== null);
}

/**
 * Why a condition counts as cleared, per type (kept as the resolve note of an
 * automatically resolved warning), written from the same parameters as the
 * detectors. `$1` is the detection date; the numbers are validated parameters.
 */
export function clearedReasonSql(parameters: Partial<DetectorParameterMap>): string {
  const { SCORE_DROP: drop, EXCEED_TREND: trend, FORECAST_HIGH: forecast } = parameters;
  const reasons: Record<WarningType, string> = {
    RISK_UP: `format('condition cleared: risk level improved to %s (score %s)', e.risk_level, e.score)`,
    SCORE_DROP: drop
      ? `format('condition cleared: score %s is no longer ${drop.points} or more below its highest of the last ${drop.windowDays} days', e.score)`
      : `'condition cleared'`,
    EXCEED_TREND: trend
      ? `'condition cleared: exceedance days of the last ${trend.windowDays} days are below ${trend.minDays} or below ${trend.growthFactor} times those of the ${trend.windowDays} days before'`
      : `'condition cleared'`,
    DATA_GAP: `'condition cleared: the outlet reports again'`,
    REALTIME_EXCEED: `'condition cleared: a newer hourly value of the outlet and pollutant is not a valid exceedance'`,
    PERMIT_EXPIRING: `coalesce((select case when pm.status <> 'VALID' then format('condition cleared: permit %s is now %s', pm.permit_no, pm.status)
                                                 when pm.valid_to < $1::date then format('condition cleared: permit %s expired on %s', pm.permit_no, pm.valid_to)
                                                 else format('condition cleared: a later valid permit exists or the permit now runs to %s', pm.valid_to) end
                                            from permit pm where pm.credit_code = w.credit_code and pm.permit_no = w.subject),
                                         'condition cleared: the permit is no longer listed')`,
    FORECAST_HIGH: `case when e.risk_level = 'HIGH' then 'condition cleared: the enterprise is HIGH now (no longer a forecast)'
                                   else 'condition cleared: the ${forecast ? `${forecast.historyDays}-day score trend no longer reaches the HIGH band within ${forecast.horizonDays} days` : 'score trend no longer reaches the HIGH band'}' end`,
  };
  return `case w.type${Object.entries(reasons)
    .map(([t, r]) => `\n    when '${t}' then ${r}`)
    .join('')}\n  end`;
}
