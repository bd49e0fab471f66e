import { redactUrlPassword } from '../config/config';
import { ClientError } from '../domain/client-error';
import { MonitoringBindingError } from '../monitoring/monitoring-device.service';
import { TagCatalogueValidationError } from '../tags/tag-catalogue.model';

/** Error codes of a database that cannot be reached or refuses the hub's credentials. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);
/** PostgreSQL SQLSTATEs of a refused login: bad password, no such role, no such database, not allowed. */
const REFUSED_LOGIN: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the login was refused',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
};

/**
 * The message a person at the command line reads for a failure they can fix
 * (a wrong argument, a missing or invalid file, a busy connector, a database
 * that cannot be reached), or null for an unexpected failure whose stack the
 * CLI prints. `databaseUrl` is named (password masked) when the database is at fault.
 */
export function userErrorMessage(e: unknown, databaseUrl: string | undefined): string | null {
  if (e instanceof ClientError || e instanceof MonitoringBindingError || e instanceof TagCatalogueValidationError) return e.message;
  // A file given on the command line that is not JSON (JSON.parse is the only parser that throws SyntaxError here).
  if (e instanceof SyntaxError && /JSON/.test(e.message)) return `not valid JSON: ${e.message}`;
  const err = e as NodeJS.ErrnoException & { path?: string; syscall?: string };
  if (err?.code === 'ENOENT' && err.path) return `file not found: ${err.path}`;
  if (err?.code === 'EACCES' && err.path) return `permission denied: ${err.path}`;
  if (err?.code === 'EISDIR') return `expected a file, got a folder${err.path ? `: ${err.path}` : ''}`;
  const where = databaseUrl
    ? `the database at ${redactUrlPassword(databaseUrl)} (DATABASE_URL)`
    : 'the embedded database (set DATABASE_URL to use another server)';
  const code = err?.code ?? '';
  if (UNREACHABLE.has(code) || (err as { errors?: { code?: string }[] })?.errors?.some((x) => UNREACHABLE.has(x.code ?? ''))) {
    return `cannot reach ${where}: ${err.message || code}; check DATABASE_URL and that PostgreSQL is running`;
  }
  if (REFUSED_LOGIN[code]) return `cannot use ${where}: ${REFUSED_LOGIN[code]} (${err.message}); check DATABASE_URL`;
  return null;
}
