import { Scope } from '../jurisdiction/scope';

/** What a caller may do (domain.md §5). */
export type Role = 'BUREAU' | 'PARTNER' | 'STEWARD' | 'ADMIN';

export const ROLES: Role[] = ['BUREAU', 'PARTNER', 'STEWARD', 'ADMIN'];

/** An authenticated caller: the API key it presented, its role and its jurisdiction. */
export interface Caller {
  keyId: string;
  name: string;
  role: Role;
  /** The jurisdiction every query of this caller is restricted to. */
  scope: Scope;
}

/** True when `caller` holds one of `roles` (ADMIN holds them all). */
export function hasRole(caller: Pick<Caller, 'role'>, roles: readonly Role[]): boolean {
  return caller.role === 'ADMIN' || roles.includes(caller.role);
}
