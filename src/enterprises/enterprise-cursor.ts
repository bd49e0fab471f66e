import { EnterpriseOrderKey } from './enterprise.model';

/** Position of a row in an ordering: the sort value and the credit code that breaks ties. */
export interface CursorPosition {
  order: EnterpriseOrderKey;
  value: string | number;
  creditCode: string;
}

export class InvalidCursorError extends Error {}

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
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[2] !== 'string') {
    throw new InvalidCursorError(`'after' is not a cursor this API issued: ${cursor.slice(0, 40)}`);
  }
  if (parsed[0] !== order) throw new InvalidCursorError(`'after' was issued for orderBy ${parsed[0]}, not ${order}; restart paging without 'after'`);
  return { order, value: parsed[1], creditCode: parsed[2] };
}
