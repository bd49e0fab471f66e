import { AuthChecker } from 'type-graphql';
import { HubContext } from './context';
import { Role, hasRole } from '../auth/caller.model';
import { ClientError } from '../domain/client-error';

/** A caller asked for something its role does not allow. */
export class ForbiddenError extends ClientError {
  override readonly code = 'FORBIDDEN';
}

/**
 * type-graphql's check for `@Authorized(...roles)`: ADMIN may do everything,
 * other roles what is listed. The error says which roles the action needs.
 */
export const hubAuthChecker: AuthChecker<HubContext, Role> = ({ context, info }, roles) => {
  if (!roles.length || hasRole(context.caller, roles)) return true;
  throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs role ${[...roles, 'ADMIN'].join(' or ')}; your key has role ${context.caller.role}`);
};

/** Throws unless the caller holds one of `roles`; for checks inside services. */
export function requireRole(ctx: Pick<HubContext, 'caller'>, roles: Role[], action: string): void {
  if (!hasRole(ctx.caller, roles)) throw new ForbiddenError(`${action} needs role ${[...roles, 'ADMIN'].join(' or ')}; your key has role ${ctx.caller.role}`);
}
