import { EnterpriseOrderKey } from './enterprise.model';
import { ClientError } from '../domain/client-error';

/** Position of a row in an ordering: the sort value and the credit code that breaks ties. */
export interface CursorPosition {
  order: EnterpriseOrderKey;
  value: string | number;
  creditCode: string;
}

/** A cursor this API did not issue (or issued for another ordering). */
export class InvalidCursorError extends ClientError {}

/** Opaque Relay cursor for a row in an ordering. */
export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.order, p.value, p.creditCode])).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} for the same ordering. */
export function decodeCursor(cursor: string, order: EnterpriseOrderKey): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(`'after' is not a cursor this API issued: ${cursor.slice(0, 40)}`);
  }
  // A cursor is client input: every part is checked before it reaches SQL (a tampered one is the client's mistake).
  if (!Array.isArray(parsed) || parsed.length !== 3 || !isCleanString(parsed[2]) || !(typeof parsed[0] === 'string')) {
    throw new InvalidCursorError(`'after' is not a cursor this API issued: ${cursor.slice(0, 40)}`, { argument: 'after' });
  }
  if (parsed[0] !== order) throw new InvalidCursorError(`'after' was issued for orderBy ${String(parsed[0]).slice(0, 40)}, not ${order}; restart paging without 'after'`, { argument: 'after' });
  const value: unknown = parsed[1];
  const fits = order === 'SCORE_ASC' || order === 'SCORE_DESC' ? Number.isInteger(value) && Math.abs(value as number) < 2 ** 31 : isCleanString(value);
  if (!fits) throw new InvalidCursorError(`'after' is not a cursor this API issued: ${cursor.slice(0, 40)}`, { argument: 'after' });
  return { order, value: value as string | number, creditCode: parsed[2] };
}

/** A string PostgreSQL text can hold: no NUL, of a sane length. */
function isCleanString(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000');
}
