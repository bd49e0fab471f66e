import { AuthChecker, Authorized, Extensions } from 'type-graphql';
import { HubContext } from './context';
import { Role, hasRole } from '../auth/caller.model';
import { ClientError } from '../domain/client-error';

/** A caller asked for something its role does not allow. */
export class ForbiddenError extends ClientError {
  override readonly code = 'FORBIDDEN';
}

/** The field extension that marks an operation acting on the whole province. */
export const PROVINCE_WIDE_EXTENSION = 'provinceWide';

/**
 * Marks an operation that changes the whole province (a rule set, a connector
 * feeding every division): it takes one of `roles` **and** a province-level
 * key, whatever the role. Replaces `@Authorized(...roles)` on such operations;
 * the auth checker reads the mark from the schema, so no resolver can forget
 * the level check.
 */
export function ProvinceWide(...roles: Role[]): MethodDecorator {
  return (target, key, descriptor) => {
    Extensions({ [PROVINCE_WIDE_EXTENSION]: true })(target, key, descriptor);
    Authorized(...roles)(target, key, descriptor);
  };
}

/**
 * type-graphql's check for `@Authorized(...roles)`: ADMIN may do everything,
 * other roles what is listed. An operation marked {@link ProvinceWide} also
 * needs a province-level key. The error says what the action needs.
 */
export const hubAuthChecker: AuthChecker<HubContext, Role> = ({ context, info }, roles) => {
  const field = info.parentType.getFields()[info.fieldName];
  if (field?.extensions?.[PROVINCE_WIDE_EXTENSION] && context.scope.level !== 'PROVINCE') {
    throw new ForbiddenError(
      `${info.parentType.name}.${info.fieldName} changes the whole province and needs a province-level key; yours is for ${context.scope.divisionCode}`,
    );
  }
  if (!roles.length || hasRole(context.caller, roles)) return true;
  throw new ForbiddenError(
    `${info.parentType.name}.${info.fieldName} needs role ${[...roles, 'ADMIN'].join(' or ')}; your key has role ${context.caller.role}`,
  );
};

/** Throws unless the caller holds one of `roles`; for checks inside services. */
export function requireRole(ctx: Pick<HubContext, 'caller'>, roles: Role[], action: string): void {
  if (!hasRole(ctx.caller, roles)) throw new ForbiddenError(`${action} needs role ${[...roles, 'ADMIN'].join(' or ')}; your key has role ${ctx.caller.role}`);
}
