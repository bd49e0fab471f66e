import fs from 'node:fs';
import path from 'node:path';
import { Pool, PoolClient } from 'pg';
import { chinaDateOf as chinaDate } from '../domain/china-date';
import { DivisionDirectory, DivisionInfo } from '../divisions/division-directory';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { CountyDrawReport, DrawInput, DrawItem, PoolEntry, RosterEntry, drawInspectionPlan } from './inspection-draw';
import { PLAN_EXPORT_FORMAT, PlanExport, PlanVerification, verifyDraw } from './inspection-plan.export';
import { InspectionPolicy, InspectionPolicyError, validateInspectionPolicy } from './inspection-policy.model';
import { InspectorRosterService } from './inspector-roster.service';
import { SupervisionForbiddenError, SupervisionNotFoundError } from './supervision.errors';
import { ClientError } from '../domain/client-error';

/** The default policy's version and data file. */
export const DEFAULT_INSPECTION_POLICY = 'SD-INSPECT-2021';
const POLICY_DIR = path.join(__dirname, '..', '..', '..', 'src', 'supervision', 'policies');

/** Reads a policy shipped with the hub (`src/supervision/policies/<version>.json`). */
export function readBundledPolicy(version = DEFAULT_INSPECTION_POLICY): InspectionPolicy {
  const candidates = [path.join(__dirname, 'policies', `${version}.json`), path.join(POLICY_DIR, `${version}.json`)];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`bundled inspection policy ${version} not found`);
  return validateInspectionPolicy(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** A stored policy version. */
export interface StoredInspectionPolicy {
  version: string;
  title: string | null;
  definition: InspectionPolicy;
  active: boolean;
  loadedAt: Date;
  activatedAt: Date | null;
}

/** A drawn plan's header. */
export interface InspectionPlanRow {
  id: string;
  quarter: string;
  divisionCode: string;
  seed: string;
  policyVersion: string;
  planDate: string;
  replaces: string | null;
  digest: string;
  itemCount: number;
  counties: CountyDrawReport[];
  createdBy: string | null;
  createdAt: Date;
}

/** One drawn enterprise with its outcome. */
export interface InspectionPlanItemRow {
  planId: string;
  position: number;
  creditCode: string;
  divisionCode: string;
  classCode: string;
  inspectorIds: string[];
  status: 'PLANNED' | 'DONE';
  inspectionRecordId: string | null;
  inspectionDate: string | null;
  inspectionFinding: string | null;
}

/** A draw's arguments. */
export interface DrawPlanInput {
  quarter: string;
  divisionCode: string;
  seed: string;
  /** The plan this one corrects (it then no longer counts). */
  replaces?: string | null;
}

type Queryable = Pool | PoolClient;

const PLAN_COLUMNS = `p.id::text as id, p.quarter, p.division_code as "divisionCode", p.seed, p.policy_version as "policyVersion",
  to_char(p.plan_date, 'YYYY-MM-DD') as "planDate", p.replaces::text as replaces, p.digest, p.item_count as "itemCount",
  p.counties, p.created_by as "createdBy", p.created_at as "createdAt"`;
const ITEM_COLUMNS = `i.plan_id::text as "planId", i.position, i.credit_code as "creditCode", i.division_code as "divisionCode",
  i.class_code as "classCode", i.inspector_ids as "inspectorIds"`;

/** Canonical JSON (sorted keys) to compare policy definitions. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Random-inspection plans (双随机、一公开): versioned policies, the draw over a
 * pool built by one set-based statement inside the plan's division, immutable
 * stored plans with their inputs, verification, export.
 */
export class InspectionPlanService {
  readonly roster: InspectorRosterService;

  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
  ) {
    this.roster = new InspectorRosterService(pool, divisions);
  }

  // ---- policies (like rule sets) ----

  /** Seeds the bundled default policy (active) when no policy is loaded yet. */
  async ensureDefaultPolicy(db: Queryable = this.pool): Promise<void> {
    const def = readBundledPolicy();
    await db.query(
      `insert into inspection_policy (version, title, definition, active, activated_at)
       select $1, $2, $3::jsonb, true, now() where not exists (select 1 from inspection_policy)
       on conflict do nothing`,
      [def.version, def.title, JSON.stringify(def)],
    );
  }

  async listPolicies(): Promise<StoredInspectionPolicy[]> {
    await this.ensureDefaultPolicy();
    const res = await this.pool.query(
      `select version, title, definition, active, loaded_at as "loadedAt", activated_at as "activatedAt" from inspection_policy order by loaded_at, version`,
    );
    return res.rows;
  }

  async getPolicy(version: string, db: Queryable = this.pool): Promise<StoredInspectionPolicy> {
    await this.ensureDefaultPolicy(db);
    const res = await db.query(
      `select version, title, definition, active, loaded_at as "loadedAt", activated_at as "activatedAt" from inspection_policy where version = $1`,
      [version],
    );
    if (!res.rows[0]) throw new SupervisionNotFoundError(`inspection policy '${version}' is not loaded`, { argument: 'version' });
    return res.rows[0];
  }

  async activePolicy(db: Queryable = this.pool): Promise<StoredInspectionPolicy> {
    await this.ensureDefaultPolicy(db);
    const res = await db.query(`select version from inspection_policy where active`);
    return this.getPolicy(res.rows[0].version, db);
  }

  /** Stores a new version (not active); the same definition again is a no-op, a different one under a used version is refused. */
  async loadPolicy(input: unknown): Promise<StoredInspectionPolicy> {
    const def = validateInspectionPolicy(input);
    await this.ensureDefaultPolicy();
    const existing = await this.pool.query(`select definition from inspection_policy where version = $1`, [def.version]);
    if (existing.rows[0]) {
      if (canonical(existing.rows[0].definition) === canonical(def)) return this.getPolicy(def.version);
      throw new InspectionPolicyError(
        `inspection policy '${def.version}' is already loaded with a different definition; versions are immutable, use a new version`,
        { argument: 'definition' },
      );
    }
    await this.pool.query(`insert into inspection_policy (version, title, definition) values ($1, $2, $3::jsonb)`, [
      def.version,
      def.title,
      JSON.stringify(def),
    ]);
    return this.getPolicy(def.version);
  }

  /** Makes a loaded version the one new draws use. */
  async activatePolicy(version: string): Promise<StoredInspectionPolicy> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await this.getPolicy(version, client);
      await client.query(`update inspection_policy set active = false where active and version <> $1`, [version]);
      await client.query(`update inspection_policy set active = true, activated_at = now() where version = $1 and not active`, [version]);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
    return this.getPolicy(version);
  }

  /**
   * What a draw under a policy version would take in a division this quarter,
   * per county and class (eligible, target, drawn within capacity); changes nothing.
   */
  async previewPolicy(version: string, divisionCode: string, quarter: string, scope: Scope): Promise<CountyDrawReport[]> {
    const division = this.requireInScope(divisionCode, scope);
    const policy = (await this.getPolicy(version)).definition;
    const client = await this.pool.connect();
    try {
      await client.query('begin read only');
      const { pool, roster } = await this.readLiveInputs(client, division, quarter, chinaDate(new Date()), null);
      await client.query('commit');
      return drawInspectionPlan({ policy: validateInspectionPolicy(policy), quarter, seed: 'preview', planDate: chinaDate(new Date()), pool, roster }).counties;
    } finally {
      client.release();
    }
  }

  // ---- the draw ----

  /** Checks that a division exists and lies inside the caller's jurisdiction. */
  requireInScope(code: string, scope: Scope, argument = 'divisionCode'): DivisionInfo {
    const d = this.divisions.require(code, argument);
    if (!this.divisions.contains(scope.divisionCode, d.code)) {
      throw new SupervisionForbiddenError(`${argument} '${code}' is outside your jurisdiction (${scope.divisionCode})`, { argument });
    }
    return d;
  }

  /**
   * Draws the quarter's plan for a division (a city's plan covers its
   * counties, the province's every county) under the active policy and
   * stores it with its inputs, in one transaction. Refused when a plan of the
   * same quarter already covers part of the division, unless `replaces` names it.
   */
  async draw(input: DrawPlanInput, scope: Scope, actor: string | null): Promise<InspectionPlanRow> {
    if (!/^[0-9]{4}Q[1-4]$/.test(input.quarter)) throw new ClientError(`quarter must look like 2026Q4, got '${input.quarter}'`, { argument: 'quarter' });
    if (!input.seed || input.seed.length > 500)
      throw new ClientError('seed must be a non-empty published string of at most 500 characters', { argument: 'seed' });
    const division = this.requireInScope(input.divisionCode, scope);
    const planDate = chinaDate(new Date());
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('lock table inspection_plan in share row exclusive mode');
      const policyRow = await this.activePolicy(client);
      const replaces = input.replaces ?? null;
      const overlapping = await client.query<{ id: string; division_code: string }>(
        `select p.id::text as id, p.division_code from inspection_plan p
          where p.quarter = $1 and p.digest is not null and not exists (select 1 from inspection_plan r where r.replaces = p.id)`,
        [input.quarter],
      );
      for (const o of overlapping.rows) {
        if (o.id === replaces) continue;
        if (this.divisions.contains(o.division_code, division.code) || this.divisions.contains(division.code, o.division_code)) {
          throw new ClientError(`plan ${o.id} already covers ${o.division_code} for ${input.quarter}; a correction names it in replaces`, {
            argument: 'divisionCode',
          });
        }
      }
      if (replaces && !overlapping.rows.some((o) => o.id === replaces))
        throw new ClientError(`replaces: plan ${replaces} is not a current plan of ${input.quarter}`, { argument: 'replaces' });

      const inserted = await client.query<{ id: string }>(
        `insert into inspection_plan (quarter, division_code, seed, policy_version, policy, plan_date, replaces, created_by)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) returning id::text`,
        [input.quarter, division.code, input.seed, policyRow.version, JSON.stringify(policyRow.definition), planDate, replaces, actor],
      );
      const planId = inserted.rows[0].id;
      await this.snapshotInputs(client, planId, division, input.quarter, planDate, replaces);
      const drawInput = await this.storedInput(client, planId);
      const result = drawInspectionPlan(drawInput);
      await client.query(
        `insert into inspection_plan_item (plan_id, position, credit_code, division_code, class_code, inspector_ids)
         select $1, t.ord, t.credit_code, t.division_code, t.class_code, case when t.ids = '' then '{}'::text[] else string_to_array(t.ids, ',') end
           from unnest($2::text[], $3::text[], $4::text[], $5::text[]) with ordinality as t(credit_code, division_code, class_code, ids, ord)`,
        [
          planId,
          result.items.map((i) => i.creditCode),
          result.items.map((i) => i.divisionCode),
          result.items.map((i) => i.classCode),
          result.items.map((i) => i.inspectorIds.join(',')),
        ],
      );
      await client.query(`update inspection_plan set digest = $2, counties = $3::jsonb, item_count = $4 where id = $1`, [
        planId,
        result.digest,
        JSON.stringify(result.counties),
        result.items.length,
      ]);
      await client.query('commit');
      return (await this.plan(planId, scope))!;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** The pool and roster of a division as they stand (for previews), built by the same SQL as a draw's snapshot. */
  private async readLiveInputs(
    client: PoolClient,
    division: DivisionInfo,
    quarter: string,
    planDate: string,
    replaces: string | null,
  ): Promise<{ pool: PoolEntry[]; roster: RosterEntry[] }> {
    const p = new SqlParams();
    const sql = this.poolSelect(division, quarter, planDate, replaces, p);
    const poolRes = await client.query(`select * from (${sql}) x`, p.values);
    const rp = new SqlParams();
    const rosterRes = await client.query(
      `select i.id, i.division_code as "divisionCode", i.capacity_per_quarter as "capacityPerQuarter", i.conflicts from inspector i where ${this.roster.predicate(asScope(division), rp)}`,
      rp.values,
    );
    return { pool: poolRes.rows.map(toPoolEntry), roster: rosterRes.rows };
  }

  /**
   * The pool as of the plan date, one set-based statement inside the
   * division: current risk level, latest credit rating, routine draws of the
   * year in live plans, latest inspection on or before the plan date, the
   * inspectors of the previous routine inspection.
   */
  private poolSelect(division: DivisionInfo, quarter: string, planDate: string, replaces: string | null, p: SqlParams): string {
    const pred = divisionPredicate(asScope(division), p, 'e');
    const year = p.add(quarter.slice(0, 4));
    const q = p.add(quarter);
    const date = p.add(planDate);
    const rep = p.add(replaces);
    return `with s as materialized (select e.credit_code, e.division_code, e.risk_level from enterprise e where ${pred}),
      cr as (select distinct on (c.credit_code) c.credit_code, c.level from credit_rating c join s using (credit_code)
              order by c.credit_code, c.rated_on desc, c.source_updated_at desc nulls last, c.connector_id),
      li as (select r.credit_code, max(r.event_date) as d from enforcement_record r join s using (credit_code)
              where r.kind = 'INSPECTION' and r.status = 'ACTIVE' and r.event_date <= ${date}::date group by r.credit_code),
      live as (select p.id, p.quarter from inspection_plan p where p.digest is not null and p.id is distinct from ${rep}::bigint
                and not exists (select 1 from inspection_plan r where r.replaces = p.id)),
      rd as (select i.credit_code, count(*)::int as n from inspection_plan_item i join live l on l.id = i.plan_id
              where left(l.quarter, 4) = ${year} and l.quarter <> ${q} group by i.credit_code),
      pp as (select distinct on (i.credit_code) i.credit_code, i.inspector_ids from inspection_plan_item i join live l on l.id = i.plan_id
              where cardinality(i.inspector_ids) > 0 and l.quarter < ${q} order by i.credit_code, l.quarter desc, l.id desc)
      select s.credit_code, s.division_code, s.risk_level, cr.level as credit_level, coalesce(rd.n, 0) as routine_draws,
             to_char(li.d, 'YYYY-MM-DD') as last_inspection, coalesce(pp.inspector_ids, '{}') as previous_inspectors
        from s left join cr using (credit_code) left join li using (credit_code) left join rd using (credit_code) left join pp using (credit_code)`;
  }

  private async snapshotInputs(
    client: PoolClient,
    planId: string,
    division: DivisionInfo,
    quarter: string,
    planDate: string,
    replaces: string | null,
  ): Promise<void> {
    const p = new SqlParams();
    const id = p.add(planId);
    const sql = this.poolSelect(division, quarter, planDate, replaces, p);
    await client.query(
      `insert into inspection_plan_pool (plan_id, credit_code, division_code, risk_level, credit_level, routine_draws, last_inspection, previous_inspectors)
       select ${id}::bigint, x.credit_code, x.division_code, x.risk_level, x.credit_level, x.routine_draws, x.last_inspection::date, x.previous_inspectors from (${sql}) x`,
      p.values,
    );
    const rp = new SqlParams();
    const rid = rp.add(planId);
    await client.query(
      `insert into inspection_plan_roster (plan_id, inspector_id, division_code, capacity_per_quarter, conflicts)
       select ${rid}::bigint, i.id, i.division_code, i.capacity_per_quarter, i.conflicts from inspector i where ${this.roster.predicate(asScope(division), rp)}`,
      rp.values,
    );
  }

  /** A plan's draw input exactly as stored. */
  async storedInput(db: Queryable, planId: string): Promise<DrawInput> {
    const head = await db.query(`select quarter, seed, policy, to_char(plan_date, 'YYYY-MM-DD') as plan_date from inspection_plan where id = $1`, [planId]);
    if (!head.rows[0]) throw new SupervisionNotFoundError(`inspection plan ${planId} does not exist`, { argument: 'id' });
    const pool = await db.query(
      `select credit_code, division_code, risk_level, credit_level, routine_draws, to_char(last_inspection, 'YYYY-MM-DD') as last_inspection, previous_inspectors
         from inspection_plan_pool where plan_id = $1`,
      [planId],
    );
    const roster = await db.query(
      `select inspector_id as id, division_code as "divisionCode", capacity_per_quarter as "capacityPerQuarter", conflicts from inspection_plan_roster where plan_id = $1`,
      [planId],
    );
    const h = head.rows[0];
    return {
      policy: validateInspectionPolicy(h.policy),
      quarter: h.quarter,
      seed: h.seed,
      planDate: h.plan_date,
      pool: pool.rows.map(toPoolEntry),
      roster: roster.rows,
    };
  }

  // ---- reading ----

  /** Plans visible to the caller: inside its jurisdiction, or covering it. */
  /** Inspector names by id inside a jurisdiction (never for the public). */
  async inspectorNames(scope: Scope, ids: readonly string[]): Promise<(string | null)[]> {
    const p = new SqlParams();
    const res = await this.pool.query<{ id: string; name: string }>(
      `select i.id, i.name from inspector i where i.id = any(${p.add([...ids])}::text[]) and ${this.roster.predicate(scope, p)}`,
      p.values,
    );
    const by = new Map(res.rows.map((r) => [r.id, r.name]));
    return ids.map((id) => by.get(id) ?? null);
  }

  async plans(scope: Scope, filter: { divisionCode?: string | null; quarter?: string | null } = {}): Promise<InspectionPlanRow[]> {
    const res = await this.pool.query<InspectionPlanRow>(
      `select ${PLAN_COLUMNS} from inspection_plan p where p.digest is not null
          and ($1::text is null or p.quarter = $1) order by p.quarter desc, p.id desc`,
      [filter.quarter ?? null],
    );
    return res.rows.filter((p) => this.visible(p.divisionCode, scope) && (!filter.divisionCode || p.divisionCode === filter.divisionCode));
  }

  private visible(planDivision: string, scope: Scope): boolean {
    return this.divisions.contains(scope.divisionCode, planDivision) || this.divisions.contains(planDivision, scope.divisionCode);
  }

  /** One plan, null when absent or not visible to the caller (null scope: the public page). */
  async plan(id: string, scope: Scope | null): Promise<InspectionPlanRow | null> {
    const res = await this.pool.query<InspectionPlanRow>(`select ${PLAN_COLUMNS} from inspection_plan p where p.id = $1 and p.digest is not null`, [id]);
    const p = res.rows[0];
    if (!p || (scope && !this.visible(p.divisionCode, scope))) return null;
    return p;
  }

  /**
   * A plan's items by position, restricted in SQL to the caller's
   * jurisdiction (all for the public page), each with its outcome: the first
   * inspection of the enterprise the enforcement system reported on or after
   * the plan date (status DONE once there is one).
   */
  async items(
    planId: string,
    scope: Scope | null,
    first: number,
    after: number | null,
  ): Promise<{ rows: InspectionPlanItemRow[]; hasNextPage: boolean; totalCount: number }> {
    const p = new SqlParams();
    const id = p.add(planId);
    const pred = scope ? divisionPredicate(scope, p, 'e') : 'true';
    const afterClause = after !== null ? `and i.position > ${p.add(after)}` : '';
    const rows = await this.pool.query<InspectionPlanItemRow>(
      `select ${ITEM_COLUMNS}, case when r.record_id is null then 'PLANNED' else 'DONE' end as status,
              r.record_id as "inspectionRecordId", to_char(r.event_date, 'YYYY-MM-DD') as "inspectionDate", r.finding as "inspectionFinding"
         from inspection_plan_item i join inspection_plan pl on pl.id = i.plan_id join enterprise e on e.credit_code = i.credit_code
         left join lateral (select x.record_id, x.event_date, x.finding from enforcement_record x
                             where x.credit_code = i.credit_code and x.kind = 'INSPECTION' and x.status = 'ACTIVE' and x.event_date >= pl.plan_date
                             order by x.event_date, x.record_id limit 1) r on true
        where i.plan_id = ${id} and ${pred} ${afterClause} order by i.position limit ${p.add(first + 1)}`,
      p.values,
    );
    const cp = new SqlParams();
    const cid = cp.add(planId);
    const cpred = scope ? divisionPredicate(scope, cp, 'e') : 'true';
    const count = await this.pool.query<{ n: number }>(
      `select count(*)::int as n from inspection_plan_item i join enterprise e on e.credit_code = i.credit_code where i.plan_id = ${cid} and ${cpred}`,
      cp.values,
    );
    return { rows: rows.rows.slice(0, first), hasNextPage: rows.rows.length > first, totalCount: count.rows[0].n };
  }

  private async allItems(db: Queryable, planId: string): Promise<DrawItem[]> {
    const res = await db.query(`select credit_code, division_code, class_code, inspector_ids from inspection_plan_item where plan_id = $1 order by position`, [
      planId,
    ]);
    return res.rows.map((r) => ({ creditCode: r.credit_code, divisionCode: r.division_code, classCode: r.class_code, inspectorIds: r.inspector_ids }));
  }

  /** Recomputes a stored plan from its stored inputs and compares. */
  async verify(planId: string): Promise<PlanVerification> {
    const plan = await this.plan(planId, null);
    if (!plan) throw new SupervisionNotFoundError(`inspection plan ${planId} does not exist`, { argument: 'id' });
    const input = await this.storedInput(this.pool, planId);
    const { result: _r, ...v } = verifyDraw(input, await this.allItems(this.pool, planId), plan.digest);
    void _r;
    return v;
  }

  /** The plan's published export (inputs and items; inspectors by id only). */
  async exportPlan(planId: string): Promise<PlanExport> {
    const plan = await this.plan(planId, null);
    if (!plan) throw new SupervisionNotFoundError(`inspection plan ${planId} does not exist`, { argument: 'id' });
    const input = await this.storedInput(this.pool, planId);
    return {
      format: PLAN_EXPORT_FORMAT,
      plan: {
        id: plan.id,
        quarter: plan.quarter,
        divisionCode: plan.divisionCode,
        seed: plan.seed,
        planDate: plan.planDate,
        policyVersion: plan.policyVersion,
        replaces: plan.replaces,
        digest: plan.digest,
      },
      input: { policy: input.policy, pool: input.pool, roster: input.roster },
      items: await this.allItems(this.pool, planId),
    };
  }
}

/** A division as the scope its plan covers. */
function asScope(d: DivisionInfo): Scope {
  return { divisionCode: d.code, level: d.level };
}

function toPoolEntry(r: {
  credit_code: string;
  division_code: string;
  risk_level: string;
  credit_level: string | null;
  routine_draws: number;
  last_inspection: string | null;
  previous_inspectors: string[];
}): PoolEntry {
  return {
    creditCode: r.credit_code,
    divisionCode: r.division_code,
    riskLevel: r.risk_level,
    creditLevel: r.credit_level,
    routineDrawsThisYear: r.routine_draws,
    lastInspectionDate: r.last_inspection,
    previousInspectors: r.previous_inspectors,
  };
}
