import { ClientError } from '../domain/client-error';

/** The caller's jurisdiction does not cover what it asked for. */
export class SupervisionForbiddenError extends ClientError {
  override readonly code = 'FORBIDDEN';
}

/** A plan, policy or inspector that does not exist (or is outside the caller's jurisdiction). */
export class SupervisionNotFoundError extends ClientError {
  override readonly code = 'NOT_FOUND';
}
