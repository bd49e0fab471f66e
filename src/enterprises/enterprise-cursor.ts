import { ClientError } from '../domain/client-error';

/**
 * Position of a row in a result snapshot: the snapshot (the ordered result as
 * it was when its first page was read) and the row's 1-based position in it.
 */
export interface CursorPosition {
  snapshotId: string;
  position: number;
}

/** A cursor this API did not issue. */
export class InvalidCursorError extends ClientError {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque Relay cursor of a row in a result snapshot. */
export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify(['s', p.snapshotId, p.position])).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; `argument` names the argument it came in (after or before). */
export function decodeCursor(cursor: string, argument: 'after' | 'before' = 'after'): CursorPosition {
  const refuse = () => new InvalidCursorError(`'${argument}' is not a cursor this API issued: ${cursor.slice(0, 40)}`, { argument });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  // A cursor is client input: every part is checked before it reaches SQL (a tampered one is the client's mistake).
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== 's' || typeof parsed[1] !== 'string' || !UUID.test(parsed[1])) throw refuse();
  const position: unknown = parsed[2];
  if (!Number.isInteger(position) || (position as number) < 1 || (position as number) > 2 ** 31) throw refuse();
  return { snapshotId: parsed[1], position: position as number };
}
