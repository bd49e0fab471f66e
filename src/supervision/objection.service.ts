import crypto from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/database';
import { chinaToday } from '../domain/china-date';
import { ClientError } from '../domain/client-error';
import { isValidCreditCode } from '../domain/credit-code';
import { subtreeSql } from '../domain/jurisdiction';
import { Scope, SqlParams, divisionPredicate } from '../jurisdiction/scope';
import {
  EscalationLevel,
  escalateOverdue,
  escalatingFilterWhere,
  escalationLevelSql,
  historiesOf,
  newestFirstPage,
  rowIdOfCursor,
  rowsByIds,
} from './deadline-escalation';
import { SupervisionForbiddenError, SupervisionNotFoundError } from './supervision.errors';
import { deductionGroupOf } from '../scoring/deduction-groups';
import type { SourceSystem } from '../domain/vocabulary';

/** An objection's states (spec supervision §4): open until the steward answers; ESCALATED once its deadline passed unanswered. */
export const OBJECTION_STATUSES = ['OPEN', 'ESCALATED', 'UPHELD', 'REJECTED'] as const;
/** An objection's state: one of {@link OBJECTION_STATUSES}. */
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];
/** The steward's answer. */
export type ObjectionDecision = 'UPHELD' | 'REJECTED';
/** What happened to an objection. */
export type ObjectionEventKind = 'FILED' | 'ESCALATED' | 'UPHELD' | 'REJECTED';
/** How an objection came in: through the county bureau, or by the enterprise from its public report page with a one-time code. */
export type ObjectionChannel = 'BUREAU' | 'REPORT_PAGE';

/** Days the steward has to answer (calendar days, China time); then it escalates like a task. */
export const OBJECTION_DEADLINE_DAYS = 15;
/** Days a one-time objection code stays valid. */
export const OBJECTION_CODE_DAYS = 30;
/** Longest reason accepted. */
export const OBJECTION_REASON_MAX = 2000;

/** An objection as read by the API. */
export interface ObjectionRow {
  id: string;
  creditCode: string;
  divisionCode: string;
  rule: string;
  /** The source system (= connector id) whose record made the deduction. */
  connectorId: string;
  /** The connector's owner: the steward the objection is routed to. */
  steward: string | null;
  recordId: string;
  eventDate: string;
  points: number;
  reason: string;
  filedVia: ObjectionChannel;
  filedBy: string;
  status: ObjectionStatus;
  createdAt: Date;
  deadline: string;
  currentDeadline: string;
  escalationLevel: EscalationLevel;
  escalatedAt: Date | null;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: Date | null;
  /** Whether the contested deduction is still part of the enterprise's score (it goes only when the corrected record arrives). */
  deductionApplies: boolean;
}

/** One entry of an objection's history. */
export interface ObjectionEventRow {
  id: string;
  objectionId: string;
  kind: ObjectionEventKind;
  at: Date;
  actor: string | null;
  note: string | null;
  escalationLevel: EscalationLevel | null;
}

/** The deduction an objection contests, as the score names it. */
export interface ContestedDeduction {
  creditCode: string;
  rule: string;
  connectorId: string;
  recordId: string;
}

/** Conditions of `objections(filter)`. */
export interface ObjectionFilter {
  divisionCode?: string | null;
  status?: readonly ObjectionStatus[] | null;
  creditCode?: string | null;
  connectorId?: string | null;
  escalationLevel?: EscalationLevel | null;
  /** Only unanswered objections past their current deadline. */
  overdue?: boolean | null;
}

/** A page of objections, newest first. */
export interface ObjectionPage {
  edges: { cursor: string; node: ObjectionRow }[];
  hasNextPage: boolean;
  totalCount: number;
}

/** An objection request that cannot be accepted as given (unknown deduction, already contested, empty reason, answered). */
export class ObjectionInputError extends ClientError {
  override readonly code = 'BAD_USER_INPUT';
}

/** A one-time code that is wrong, used or expired. */
export class ObjectionCodeError extends ClientError {
  override readonly code = 'FORBIDDEN';
}

type Queryable = Pool | PoolClient;

const OPEN_SQL = `t.status in ('OPEN', 'ESCALATED')`;
const OBJECTION_TABLE = { table: 'objection', events: 'objection_event', eventKey: 'objection_id', open: OPEN_SQL };

const COLUMNS = `t.id::text as id, t.credit_code as "creditCode", t.division_code as "divisionCode", t.rule_code as rule, t.connector_id as "connectorId",
  (select c.owner from connector c where c.id = t.connector_id) as steward, t.record_id as "recordId", to_char(t.event_date, 'YYYY-MM-DD') as "eventDate",
  t.points, t.reason, t.filed_via as "filedVia", t.filed_by as "filedBy", t.status, t.created_at as "createdAt", to_char(t.deadline, 'YYYY-MM-DD') as deadline,
  to_char(t.next_deadline, 'YYYY-MM-DD') as "currentDeadline", ${escalationLevelSql('t.escalation_level')} as "escalationLevel", t.escalated_at as "escalatedAt",
  t.answer, t.answered_by as "answeredBy", t.answered_at as "answeredAt",
  exists (select 1 from deduction d where d.credit_code = t.credit_code and d.rule_code = t.rule_code and d.system = t.connector_id and d.record_id = t.record_id) as "deductionApplies"`;
const EVENT_COLUMNS = `v.id::text as id, v.objection_id::text as "objectionId", v.kind, v.at, v.actor, v.note, ${escalationLevelSql('v.escalation_level')} as "escalationLevel"`;

/** Jurisdiction of an objection: the subtree predicate on the enterprise's county (alias `t`). */
export function objectionPredicate(scope: Pick<Scope, 'divisionCode' | 'level'>, params: SqlParams): string {
  return subtreeSql(scope, params, { code: 't.division_code' });
}

/** The opaque key the public report page uses for a deduction (the record id stays off the page). */
export function deductionKey(d: Pick<ContestedDeduction, 'rule' | 'connectorId' | 'recordId'>): string {
  return crypto.createHash('sha256').update(`${d.rule}\u0000${d.connectorId}\u0000${d.recordId}`).digest('hex').slice(0, 20);
}

/**
 * The opaque key the public report page uses for a group of deductions (a month of an outlet's monitoring
 * deductions, {@link deductionGroupOf}): an objection filed with it contests every day of the group not already contested.
 */
export function deductionGroupKey(d: { rule: string; connectorId: string; recordId: string; date: string }): string {
  const group = deductionGroupOf({ rule: d.rule, system: d.connectorId as SourceSystem, recordId: d.recordId, date: d.date });
  return `g${crypto.createHash('sha256').update(group).digest('hex').slice(0, 19)}`;
}

const hashCode = (code: string) => crypto.createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
/** Letters and digits that cannot be mistaken for one another when printed. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * Objections (异议, spec supervision §4): an enterprise contests a deduction
 * (rule, source system, record) — through its county bureau, or from its
 * public report page with a one-time code the bureau issued. The objection is
 * routed to the steward of the source system (the connector's owner), who
 * answers UPHELD or REJECTED within 15 days, else it escalates to the city,
 * then the province, like a task. An answer never touches the score: an
 * upheld deduction goes when the source's corrected record arrives through
 * the connector. Every read carries the jurisdiction predicate; every change
 * writes an `objection_event`.
 */
export class ObjectionService {
  constructor(private readonly pool: Pool) {}

  /** Issues a one-time code for an enterprise inside the caller's jurisdiction; only its hash is kept. */
  async issueCode(scope: Scope, creditCode: string, actor: string, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
    await this.enterpriseDivision(this.pool, scope, creditCode);
    const bytes = crypto.randomBytes(12);
    const raw = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
    const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
    const expiresAt = new Date(now.getTime() + OBJECTION_CODE_DAYS * 86_400_000);
    await this.pool.query(`insert into objection_code (credit_code, code_hash, issued_by, expires_at) values ($1, $2, $3, $4)`, [
      creditCode,
      hashCode(code),
      actor,
      expiresAt,
    ]);
    return { code, expiresAt };
  }

  /** Files an objection through the bureau (the enterprise must be inside `scope`). */
  async fileByBureau(scope: Scope, d: ContestedDeduction, reason: string, actor: string): Promise<ObjectionRow> {
    return withTransaction(this.pool, async (client) => {
      const division = await this.enterpriseDivision(client, scope, d.creditCode);
      return this.insert(client, d, division, reason, 'BUREAU', actor);
    });
  }

  /**
   * Files an objection from the public report page: the one-time `code` must
   * be unused, unexpired and issued for this enterprise; the deduction is named
   * by its {@link deductionKey} among the enterprise's current deductions, or a
   * month of an outlet's monitoring deductions by its {@link deductionGroupKey}:
   * then one objection per day of it not already contested (each answered on its
   * own, as each day's record is corrected on its own), all with the one code.
   * Returns the objections filed, oldest day first.
   */
  async fileFromReportPage(creditCode: string, code: string, key: string, reason: string): Promise<ObjectionRow[]> {
    if (!isValidCreditCode(creditCode)) throw new SupervisionNotFoundError(`no enterprise ${creditCode}`);
    return withTransaction(this.pool, async (client) => {
      const c = await client.query<{ id: string }>(
        `select id::text from objection_code where code_hash = $1 and credit_code = $2 and used_at is null and expires_at > now() for update`,
        [hashCode(code), creditCode],
      );
      if (!c.rowCount) throw new ObjectionCodeError('the objection code is wrong, already used or expired: ask your county bureau for a new one');
      const ded = await client.query<{ rule: string; connectorId: string; recordId: string; date: string; contested: boolean }>(
        `select rule_code as rule, system as "connectorId", record_id as "recordId", to_char(min(event_date), 'YYYY-MM-DD') as date,
                exists (select 1 from objection t where t.credit_code = d.credit_code and t.rule_code = d.rule_code and t.connector_id = d.system
                           and t.record_id = d.record_id and ${OPEN_SQL}) as contested
           from deduction d where credit_code = $1 group by credit_code, rule_code, system, record_id order by date, record_id`,
        [creditCode],
      );
      const one = ded.rows.filter((r) => deductionKey(r) === key);
      const hits = one.length ? one : ded.rows.filter((r) => !r.contested && key.startsWith('g') && deductionGroupKey(r) === key);
      if (!hits.length) throw new ObjectionInputError('choose one of the deductions listed on the report');
      const division = (await client.query<{ division_code: string }>(`select division_code from enterprise where credit_code = $1`, [creditCode])).rows[0]
        .division_code;
      const rows: ObjectionRow[] = [];
      for (const hit of hits)
        rows.push(
          await this.insert(
            client,
            { creditCode, rule: hit.rule, connectorId: hit.connectorId, recordId: hit.recordId },
            division,
            reason,
            'REPORT_PAGE',
            `enterprise ${creditCode}`,
          ),
        );
      await client.query(`update objection_code set used_at = now(), objection_id = $2 where id = $1`, [c.rows[0].id, rows[0].id]);
      return rows;
    });
  }

  private async insert(client: PoolClient, d: ContestedDeduction, division: string, reason: string, via: ObjectionChannel, actor: string) {
    const text = reason.trim();
    if (!text) throw new ObjectionInputError('an objection needs a reason');
    if (text.length > OBJECTION_REASON_MAX) throw new ObjectionInputError(`the reason is longer than ${OBJECTION_REASON_MAX} characters`);
    const today = chinaToday();
    const r = await client.query<{ id: string }>(
      `with ded as (
         select event_date, points from deduction where credit_code = $1 and rule_code = $2 and system = $3 and record_id = $4 order by event_date limit 1)
       insert into objection (credit_code, division_code, rule_code, connector_id, record_id, event_date, points, reason, filed_via, filed_by,
                              created_date, deadline, deadline_days, next_deadline)
       select $1, $5, $2, $3, $4, ded.event_date, ded.points, $6, $7, $8, $9::date, $9::date + $10::int, $10, $9::date + $10::int from ded
       on conflict do nothing
       returning id::text`,
      [d.creditCode, d.rule, d.connectorId, d.recordId, division, text, via, actor, today, OBJECTION_DEADLINE_DAYS],
    );
    if (!r.rowCount) {
      const exists = await client.query(`select 1 from deduction where credit_code = $1 and rule_code = $2 and system = $3 and record_id = $4`, [
        d.creditCode,
        d.rule,
        d.connectorId,
        d.recordId,
      ]);
      throw new ObjectionInputError(
        exists.rowCount
          ? `deduction ${d.rule} of ${d.connectorId} record ${d.recordId} already has an unanswered objection`
          : `enterprise ${d.creditCode} has no deduction ${d.rule} from ${d.connectorId} record ${d.recordId}`,
      );
    }
    const id = r.rows[0].id;
    await client.query(`insert into objection_event (objection_id, kind, actor, note) values ($1, 'FILED', $2, $3)`, [id, actor, via]);
    return (await this.byIdsOn(client, null, [id]))[0]!;
  }

  /** The steward's answer: UPHELD (the source will correct the record) or REJECTED with a reason. Changes nothing in the score. */
  async answer(scope: Scope, id: string, decision: ObjectionDecision, answer: string | null | undefined, actor: string): Promise<ObjectionRow> {
    const text = answer?.trim() || null;
    if (decision === 'REJECTED' && !text) throw new ObjectionInputError('a rejection needs a reason');
    return withTransaction(this.pool, async (client) => {
      const params = new SqlParams();
      const cur = await client.query<{ status: ObjectionStatus }>(
        `select t.status from objection t where t.id = ${params.add(id)}::bigint and ${objectionPredicate(scope, params)} for update`,
        params.values,
      );
      if (!cur.rowCount) throw new SupervisionNotFoundError(`objection ${id} not found`);
      if (cur.rows[0].status === 'UPHELD' || cur.rows[0].status === 'REJECTED')
        throw new ObjectionInputError(`objection ${id} was already answered (${cur.rows[0].status})`);
      await client.query(
        `update objection set status = $2, answer = $3, answered_by = $4, answered_at = now(), answered_date = $5::date, updated_at = now() where id = $1`,
        [id, decision, text, actor, chinaToday()],
      );
      await client.query(`insert into objection_event (objection_id, kind, actor, note) values ($1, $2, $3, $4)`, [id, decision, actor, text]);
      return (await this.byIdsOn(client, scope, [id]))[0]!;
    });
  }

  /** Unanswered objections past their deadline escalate to the city, then the province (the `supervision-escalation` schedule). */
  async escalate(today = chinaToday()): Promise<number> {
    return withTransaction(this.pool, (client) => escalateOverdue(client, OBJECTION_TABLE, today));
  }

  /** Objections inside the caller's jurisdiction, newest first. */
  async list(scope: Scope, filter: ObjectionFilter = {}, first = 50, after?: string | null): Promise<ObjectionPage> {
    const params = new SqlParams();
    const where = escalatingFilterWhere(scope, filter, objectionPredicate, params);
    if (filter.connectorId) where.push(`t.connector_id = ${params.add(filter.connectorId)}`);
    if (filter.overdue) where.push(`${OPEN_SQL} and t.next_deadline < ${params.add(chinaToday())}::date`);
    const afterId = after ? rowIdOfCursor('objection', after) : null;
    if (after && !afterId) throw new ObjectionInputError('invalid cursor', { argument: 'after' });
    return newestFirstPage<ObjectionRow>(this.pool, { columns: COLUMNS, table: 'objection', prefix: 'objection' }, { where, params }, first, afterId);
  }

  /** Objections by id inside the jurisdiction, in the order of `ids` (null outside it or when none). */
  byIds(scope: Scope, ids: readonly string[]): Promise<(ObjectionRow | null)[]> {
    return this.byIdsOn(this.pool, scope, ids);
  }

  private byIdsOn(db: Queryable, scope: Scope | null, ids: readonly string[]): Promise<(ObjectionRow | null)[]> {
    return rowsByIds<ObjectionRow>(db, { columns: COLUMNS, table: 'objection' }, ids, scope ? (params) => objectionPredicate(scope, params) : undefined);
  }

  /** The histories of objections, oldest first (the caller has already seen the objections). */
  eventsOf(ids: readonly string[]): Promise<ObjectionEventRow[][]> {
    return historiesOf<ObjectionEventRow>(this.pool, { columns: EVENT_COLUMNS, table: 'objection_event', key: 'objection_id' }, ids);
  }

  /**
   * What the public report page shows beside the deductions: per deduction
   * key, the objection not yet settled — unanswered, or upheld while the
   * deduction still applies (the correction has not arrived). No names, no
   * reasons: the state and dates only.
   */
  async pendingForReport(creditCode: string): Promise<Map<string, Pick<ObjectionRow, 'id' | 'status' | 'currentDeadline'> & { filedOn: string }>> {
    const r = await this.pool.query<{
      id: string;
      rule: string;
      connectorId: string;
      recordId: string;
      status: ObjectionStatus;
      currentDeadline: string;
      filedOn: string;
    }>(
      `select t.id::text as id, t.rule_code as rule, t.connector_id as "connectorId", t.record_id as "recordId", t.status,
              to_char(t.next_deadline, 'YYYY-MM-DD') as "currentDeadline", to_char(t.created_date, 'YYYY-MM-DD') as "filedOn"
         from objection t
        where t.credit_code = $1 and t.status <> 'REJECTED'
          and exists (select 1 from deduction d where d.credit_code = t.credit_code and d.rule_code = t.rule_code and d.system = t.connector_id and d.record_id = t.record_id)
        order by t.id`,
      [creditCode],
    );
    return new Map(r.rows.map((o) => [deductionKey(o), { id: o.id, status: o.status, currentDeadline: o.currentDeadline, filedOn: o.filedOn }]));
  }

  /** The county of an enterprise inside `scope`; NOT_FOUND when unknown, FORBIDDEN outside the jurisdiction. */
  private async enterpriseDivision(db: Queryable, scope: Scope, creditCode: string): Promise<string> {
    const params = new SqlParams();
    const code = params.add(creditCode);
    const r = await db.query<{ division_code: string; inside: boolean }>(
      `select e.division_code, ${divisionPredicate(scope, params)} as inside from enterprise e where e.credit_code = ${code}`,
      params.values,
    );
    if (!r.rowCount) throw new SupervisionNotFoundError(`no enterprise ${creditCode}`);
    if (!r.rows[0].inside) throw new SupervisionForbiddenError(`enterprise ${creditCode} is outside your jurisdiction`);
    return r.rows[0].division_code;
  }
}
