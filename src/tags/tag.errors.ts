import { ClientError } from '../domain/client-error';

/** A tag reference (code or Chinese label) that names no tag the caller can see; the message names every such reference. */
export class UnknownTagError extends ClientError {}

/** A tag request a client can fix: bad slug, missing reason, enterprise outside the caller's jurisdiction, … */
export class TagInputError extends ClientError {}

/** The caller's role or jurisdiction does not allow this tag operation. */
export class TagForbiddenError extends ClientError {
  override readonly code = 'FORBIDDEN';
}
