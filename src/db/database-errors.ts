/** Node socket errors of a database server that cannot be reached or went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server shutting down or starting up (57P0x) and of broken connections (class 08). */
const SQLSTATE = /^(57P0[1-3]|08\d{3})$/;
/** What pg and its pool say when a connection breaks or cannot be had in time. */
const MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|the database system is (shutting down|starting up|in recovery mode)/i;

/**
 * Whether `e` (or an error it wraps, MikroORM's and pg's included) says the
 * database cannot be reached right now — refused, cut off, shutting down —
 * rather than that a statement was wrong. Such failures are answered as
 * `SERVICE_UNAVAILABLE` (HTTP 503): the request may succeed once it is back.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (
    let err = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; name?: unknown } | undefined, depth = 0;
    err && depth < 5;
    err = err.cause as typeof err, depth++
  ) {
    if (typeof err !== 'object') return false;
    const code = typeof err.code === 'string' ? err.code : '';
    if (SOCKET_CODES.has(code) || SQLSTATE.test(code)) return true;
    if (err.name === 'ConnectionException') return true;
    if (typeof err.message === 'string' && MESSAGES.test(err.message)) return true;
    if (Array.isArray(err.errors) && err.errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

/** The message answered while the database is unavailable. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is unavailable; the hub reconnects by itself, try again shortly';
