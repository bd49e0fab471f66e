/** The stable `extensions.code` of an error a client caused and can fix. */
export type ClientErrorCode = 'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONNECTOR_BUSY';

/** What a client error names besides its message, passed on in `extensions`. */
export interface ClientErrorDetails {
  /** The argument (or variable, or query parameter) at fault, e.g. `after` or `filter.nameContains`. */
  argument?: string;
  /** The limit that was broken. */
  limit?: number;
  /** The value given, when it helps and reveals nothing. */
  value?: unknown;
}

/**
 * An error a client caused and can fix: its message is answered as is, with
 * its `code` (and `details`) in `extensions`; anything else is an internal
 * error, logged and answered with a generic message. Every module's client
 * errors extend this class and set their code, so the GraphQL and HTTP layers
 * keep no list of error classes.
 */
export class ClientError extends Error {
  readonly code: ClientErrorCode = 'BAD_USER_INPUT';

  constructor(
    message: string,
    readonly details: ClientErrorDetails = {},
  ) {
    super(message);
  }
}

/** The largest value of a PostgreSQL `bigint`, the type of the hub's row ids. */
const BIGINT_MAX = 9223372036854775807n;

/**
 * A row id given by a client (an `ID` argument, a cursor): digits within the
 * `bigint` range, else a {@link ClientError} naming `argument`.
 */
export function bigintId(raw: unknown, argument: string): string {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (!isBigintId(text)) throw new ClientError(`${argument} must be the id of a row (digits, at most ${BIGINT_MAX})`, { argument });
  return text;
}

/** Whether `text` is a row id: digits within the `bigint` range. */
export function isBigintId(text: unknown): text is string {
  return typeof text === 'string' && /^\d{1,19}$/.test(text) && BigInt(text) <= BIGINT_MAX;
}

/**
 * Where a NUL character (`\u0000`) sits in a value from a client — the path
 * under `at`, e.g. `filter.tags.all.0` — or null. PostgreSQL text cannot hold
 * one, so such input is refused as the client's mistake before it reaches SQL.
 */
export function nulPath(value: unknown, at: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${at}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = nulPath(v, `${at}.${k}`) ?? (k.includes('\u0000') ? `${at}.${k}` : null);
      if (found) return found;
    }
  }
  return null;
}
