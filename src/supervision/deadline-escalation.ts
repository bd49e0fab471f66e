import { PoolClient } from 'pg';

/** Who currently answers for a task or an objection: its county, or after escalation the city, then the province. */
export const ESCALATION_LEVELS = ['COUNTY', 'CITY', 'PROVINCE'] as const;
/** One of {@link ESCALATION_LEVELS}. */
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** SQL of the escalation level of a row's integer column (0 county, 1 city, 2 province) as its name. */
export const escalationLevelSql = (column: string) => `(array['COUNTY','CITY','PROVINCE'])[${column} + 1]`;

/** A table whose rows have a deadline that escalates (supervision tasks, objections). */
export interface EscalatingTable {
  /** The table (its rows have `status`, `escalation_level`, `escalated_at`, `next_deadline`, `deadline_days`, `updated_at`). */
  table: string;
  /** Its append-only history table and the column naming the row. */
  events: string;
  eventKey: string;
  /** SQL predicate (alias `t`) of the rows still waiting for what closes them. */
  open: string;
}

/**
 * Overdue rows escalate, set-based: a row past its current deadline becomes
 * ESCALATED one level up (the city, then the province) with a next deadline
 * of the same length, and its history gets an ESCALATED event by `hub`.
 * Returns how many moved.
 */
export async function escalateOverdue(client: PoolClient, spec: EscalatingTable, today: string): Promise<number> {
  const r = await client.query(
    `with moved as (
       update ${spec.table} t set status = 'ESCALATED', escalation_level = t.escalation_level + 1, escalated_at = now(),
              next_deadline = t.next_deadline + t.deadline_days, updated_at = now()
        where ${spec.open} and t.escalation_level < 2 and t.next_deadline < $1::date
       returning t.id, t.escalation_level),
     ev as (insert into ${spec.events} (${spec.eventKey}, kind, actor, escalation_level) select id, 'ESCALATED', 'hub', escalation_level from moved order by id returning id)
     select count(*)::int as n from ev`,
    [today],
  );
  return r.rows[0].n as number;
}

/** An opaque page cursor naming a row id under a prefix (`task`, `objection`). */
export const rowCursor = (prefix: string, id: string) => Buffer.from(`${prefix}:${id}`).toString('base64url');

/** The row id of a cursor made by {@link rowCursor} with `prefix`, or null when it is not one. */
export function rowIdOfCursor(prefix: string, cursor: string): string | null {
  const m = new RegExp(`^${prefix}:(\\d{1,19})$`).exec(Buffer.from(cursor, 'base64url').toString());
  return m ? m[1] : null;
}
