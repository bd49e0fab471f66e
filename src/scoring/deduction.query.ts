import { SqlParams } from '../jurisdiction/scope';
import { RuleFamily } from '../domain/vocabulary';

/**
 * Which enterprises a derivation covers: all of them, a list of credit codes,
 * or the enterprises matched by a SQL predicate on `enterprise e` (a
 * jurisdiction, built with `divisionPredicate`).
 */
export type DerivationTargets = { kind: 'all' } | { kind: 'codes'; codes: string[] } | { kind: 'enterprises'; where: string };

/** What a derivation computes: the deductions of `targets` at `asOf` under one rule-set version. */
export interface DerivationSpec {
  version: string;
  /** `YYYY-MM-DD`, China time. */
  asOf: string;
  windowDays: number;
  targets: DerivationTargets;
  /**
   * When set, the records are taken as the hub knew them at this instant
   * (current rows recorded by then plus earlier versions from `record_history`
   * valid at that instant); otherwise the current rows.
   */
  knownAt?: Date;
}

/** Columns of every family's SELECT, in this order. */
export const DEDUCTION_COLUMNS = ['credit_code', 'rule_code', 'points', 'event_date', 'system', 'record_id', 'in_window'] as const;

/** The source relations a derivation reads, with their columns and the table whose versions are kept. */
const SOURCES = {
  src_enf: { table: 'enforcement_record', columns: 'credit_code, record_id, kind, event_date, finding, measure_type, status' },
  src_pen: { table: 'penalty', columns: 'credit_code, case_no, decision_date, amount, daily_consecutive, status' },
  src_mon: { table: 'monitoring_day', columns: 'credit_code, outlet_code, pollutant_code, day, valid_hours, exceed_hours' },
  src_permit: { table: 'permit', columns: 'credit_code, permit_no, valid_from, valid_to, status' },
} as const;

/** Placeholders shared by one statement. */
interface Ph {
  asOf: string;
  version: string;
  window: string;
}

function targetPredicate(t: DerivationTargets, params: SqlParams, column: string, codesPh?: string): string {
  switch (t.kind) {
    case 'all':
      return 'true';
    case 'codes':
      return `${column} = any(${codesPh ?? params.add(t.codes)}::text[])`;
    case 'enterprises':
      return `${column} in (select e.credit_code from enterprise e where ${t.where})`;
  }
}

/**
 * The WITH list defining `src_enf`, `src_pen`, `src_mon` and `src_permit`
 * for a derivation: the current rows of the typed tables, or (with `knownAt`)
 * the rows as known then. Inlined by the planner (`not materialized`), so
 * target predicates reach the indexes.
 */
export function sourceCtes(spec: DerivationSpec, params: SqlParams): string {
  const codesPh = spec.targets.kind === 'codes' ? params.add(spec.targets.codes) : undefined;
  const knownPh = spec.knownAt ? params.add(spec.knownAt) : undefined;
  return Object.entries(SOURCES)
    .map(([name, s]) => {
      const live = `select ${s.columns} from ${s.table} where ${targetPredicate(spec.targets, params, 'credit_code', codesPh)}`;
      if (!knownPh) return `${name} as not materialized (${live})`;
      const cols = s.columns
        .split(', ')
        .map((c) => `r.${c}`)
        .join(', ');
      return `${name} as not materialized (
        ${live} and recorded_at <= ${knownPh}::timestamptz
        union all
        select ${cols} from record_history h cross join lateral jsonb_populate_record(null::${s.table}, h.row) r
         where h.system = '${s.table}' and ${targetPredicate(spec.targets, params, 'h.credit_code', codesPh)}
           and h.known_from <= ${knownPh}::timestamptz and h.known_to > ${knownPh}::timestamptz)`;
    })
    .join(',\n');
}

/** The date predicate of the rolling window for an event date expression. */
function windowed(dateExpr: string, ph: Ph): string {
  return `${dateExpr} <= ${ph.asOf}::date and (r.ignores_window or ${dateExpr} > ${ph.asOf}::date - ${ph.window}::int)`;
}

/** One family's derivation: extra WITH items and a SELECT of {@link DEDUCTION_COLUMNS}. */
interface FamilyQuery {
  ctes: string[];
  select: string;
}

function familyQuery(family: RuleFamily, ph: Ph): FamilyQuery {
  const rule = `rule r on r.rule_set_version = ${ph.version}::text and r.family = '${family}'`;
  switch (family) {
    case 'ENFORCEMENT':
      // Rules unnested to (kind, value) pairs so records meet them in a hash join, not a loop over rules.
      return {
        ctes: [],
        select: `select x.credit_code, r.code, r.points, x.event_date, 'enforcement'::text, x.record_id, not r.ignores_window
          from src_enf x
          join (select r.code, r.points, r.ignores_window, r.statuses, 'MEASURE'::text as kind, unnest(r.measure_types) as v
                  from rule r where r.rule_set_version = ${ph.version}::text and r.family = 'ENFORCEMENT'
                union all
                select r.code, r.points, r.ignores_window, r.statuses, 'INSPECTION'::text, unnest(r.findings)
                  from rule r where r.rule_set_version = ${ph.version}::text and r.family = 'ENFORCEMENT') r
            on r.kind = x.kind and r.v = case when x.kind = 'MEASURE' then x.measure_type else x.finding end
         where x.status = any(r.statuses) and ${windowed('x.event_date', ph)}`,
      };
    case 'PENALTY':
      return {
        ctes: [],
        select: `select x.credit_code, r.code, r.points, x.decision_date, 'penalty'::text, x.case_no, not r.ignores_window
          from src_pen x join ${rule}
           and x.status = any(r.statuses)
           and (r.amount_from is null or x.amount >= r.amount_from)
           and (r.amount_below is null or x.amount < r.amount_below)
           and (r.daily_consecutive is null or x.daily_consecutive = r.daily_consecutive)
         where ${windowed('x.decision_date', ph)}`,
      };
    case 'MONITORING_EXCEED':
      return {
        ctes: [],
        select: `select x.credit_code, r.code, r.points, x.day, 'monitoring'::text,
                 x.outlet_code || '/' || x.pollutant_code || '/' || to_char(x.day, 'YYYY-MM-DD'), not r.ignores_window
          from src_mon x join ${rule} and x.exceed_hours >= r.min_exceed_hours
         where ${windowed('x.day', ph)}`,
      };
    case 'MONITORING_MISSING':
      // One row per reported outlet-day with its best valid hours and the previous reported day:
      // a missing day is either a reported day under the threshold or a day in a gap between two reports.
      return {
        ctes: [
          `mon_outlet_day as materialized (
          select credit_code, outlet_code, day, max(valid_hours) as vh,
                 lag(day) over (partition by credit_code, outlet_code order by day) as prev
            from src_mon where day <= ${ph.asOf}::date
           group by credit_code, outlet_code, day)`,
        ],
        select: `select m.credit_code, r.code, r.points, m.day, 'monitoring'::text,
                 m.outlet_code || '/' || to_char(m.day, 'YYYY-MM-DD'), not r.ignores_window
          from mon_outlet_day m join ${rule} and m.vh < r.min_valid_hours
         where ${windowed('m.day', ph)}
        union all
        select m.credit_code, r.code, r.points, g.d, 'monitoring'::text,
               m.outlet_code || '/' || to_char(g.d, 'YYYY-MM-DD'), not r.ignores_window
          from mon_outlet_day m join ${rule}
         cross join lateral (select m.prev + k as d from generate_series(1, m.day - m.prev - 1) as k) g
         where m.day - m.prev > 1 and ${windowed('g.d', ph)}`,
      };
    case 'PERMIT_EXPIRED':
      // Enterprises with a valid permit drop out in an anti-join; the rest keep their latest permit.
      return {
        ctes: [],
        select: `select distinct on (p.credit_code, r.code) p.credit_code, r.code, r.points, p.valid_to, 'permit'::text, p.permit_no, not r.ignores_window
          from src_permit p join ${rule}
         where not exists (select 1 from src_permit v where v.credit_code = p.credit_code and v.status = any(r.valid_statuses)
                             and v.valid_from <= ${ph.asOf}::date and v.valid_to >= ${ph.asOf}::date)
           and (r.ignores_window or exists (
                 select 1 from src_permit w where w.credit_code = p.credit_code group by w.credit_code
                 having max(w.valid_to) <= ${ph.asOf}::date and max(w.valid_to) > ${ph.asOf}::date - ${ph.window}::int))
         order by p.credit_code, r.code, p.valid_to desc, p.permit_no desc`,
      };
  }
}

function placeholders(spec: DerivationSpec, params: SqlParams): Ph {
  return { asOf: params.add(spec.asOf), version: params.add(spec.version), window: params.add(spec.windowDays) };
}

/** The families in the order rescoring runs them. */
export const FAMILIES: readonly RuleFamily[] = ['ENFORCEMENT', 'PENALTY', 'MONITORING_EXCEED', 'MONITORING_MISSING', 'PERMIT_EXPIRED'];

/**
 * One `INSERT … SELECT` per rule family writing the family's deductions for
 * `spec` into `table` (the materialised `deduction` table, or a temporary one
 * for previews). Set-based over every target at once.
 */
export function insertFamilySql(family: RuleFamily, spec: DerivationSpec, table: string): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const ph = placeholders(spec, params);
  const ctes = sourceCtes(spec, params);
  const q = familyQuery(family, ph);
  const sql = `with ${[ctes, ...q.ctes].join(',\n')}
    insert into ${table} (${DEDUCTION_COLUMNS.join(', ')}, rule_set_version)
    select f.*, ${ph.version}::text from (${q.select}) as f(${DEDUCTION_COLUMNS.join(', ')})`;
  return { sql, values: params.values };
}

/**
 * One SELECT of every deduction of `spec` (all families), for reads that
 * must not touch the stored deductions: past reports and what-if previews.
 */
export function selectDeductionsSql(spec: DerivationSpec, params: SqlParams): string {
  const ph = placeholders(spec, params);
  const qs = FAMILIES.map((f) => familyQuery(f, ph));
  const ctes = [sourceCtes(spec, params), ...qs.flatMap((q) => q.ctes)].join(',\n');
  return `with ${ctes}
    select * from (${qs.map((q) => `(${q.select})`).join('\nunion all\n')}) as f(${DEDUCTION_COLUMNS.join(', ')})`;
}
