import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ClientError } from '../domain/client-error';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/database-errors';

/** Whether error responses may carry stack traces: only with `HUB_DEBUG_ERRORS=1`, never by default. */
export function debugErrors(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HUB_DEBUG_ERRORS === '1';
}

/** Logs an unexpected failure at error level when the log has levels (the hub's logger does). */
export function logUnexpected(log: (l: string) => void, line: string): void {
  const at = (log as { at?: (level: 'error', line: string) => void }).at;
  if (typeof at === 'function') at('error', line);
  else log(line);
}

/**
 * Shapes every GraphQL error: a {@link ClientError} keeps its message and gets
 * its stable `extensions.code` (and the argument or limit it names);
 * unexpected failures are logged at error level and answered with a generic
 * message, so no internals leak. Stack traces reach a response only when
 * Apollo is told to include them (`HUB_DEBUG_ERRORS=1`).
 */
export function formatHubError(formatted: GraphQLFormattedError, error: unknown, log: (l: string) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : (error as Error);
  if (!original || original instanceof GraphQLError) return formatted;
  if (original instanceof ClientError)
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, ...original.details, code: original.code } };
  const code = (formatted.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
  if (code !== 'INTERNAL_SERVER_ERROR') return formatted;
  // An outage, not a fault: the graphql route answers such a response with HTTP 503.
  if (isDatabaseUnavailable(original))
    return { message: DATABASE_UNAVAILABLE_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  logUnexpected(log, `unexpected error at ${formatted.path?.join('.') ?? '?'}: ${original.stack ?? original.message}`);
  const extensions: Record<string, unknown> = { code };
  if (formatted.extensions?.stacktrace) extensions.stacktrace = formatted.extensions.stacktrace;
  return { message: 'internal error; the hub logged the details', path: formatted.path, locations: formatted.locations, extensions };
}
