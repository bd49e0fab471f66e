import http from 'node:http';
import { ApiKeyService } from '../auth/api-key.service';
import { Caller } from '../auth/caller.model';
import { HttpError } from './http-route';

/**
 * The caller of a request from its `Authorization: Bearer <key>` header.
 * Throws a 401 {@link HttpError} that says what is missing or wrong.
 */
export async function authenticateRequest(req: http.IncomingMessage, keys: ApiKeyService): Promise<Caller> {
  const header = req.headers.authorization;
  const challenge = { 'www-authenticate': 'Bearer realm="hub"' };
  if (!header)
    throw new HttpError(
      401,
      'missing Authorization header: send "Authorization: Bearer <API key>" (keys come from `hub keys create`)',
      'UNAUTHENTICATED',
      challenge,
    );
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new HttpError(401, 'Authorization header must be "Bearer <API key>"', 'UNAUTHENTICATED', challenge);
  const caller = await keys.authenticate(m[1]);
  if (!caller) throw new HttpError(401, 'API key is unknown or revoked', 'UNAUTHENTICATED', challenge);
  return caller;
}
