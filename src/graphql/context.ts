import { EntityManager } from '@mikro-orm/postgresql';
import { HubServices } from '../app/hub-services';
import { Caller } from '../auth/caller.model';
import { Scope } from '../jurisdiction/scope';
import { Loaders, createLoaders } from './loaders';

/** What every resolver receives: the services, this request's EntityManager and loaders, and who is asking. */
export interface HubContext {
  services: HubServices;
  em: EntityManager;
  loaders: Loaders;
  caller: Caller;
  /** The caller's jurisdiction; every enterprise query puts it in its WHERE clause. */
  scope: Scope;
  requestId: string;
  /** Address of the client, for the audit log. */
  clientAddress?: string;
}

/** A fresh context for one request of `caller`. */
export function createContext(services: HubServices, caller: Caller, requestId: string, clientAddress?: string): HubContext {
  const em = services.db.orm.em.fork() as EntityManager;
  return { services, em, loaders: createLoaders(em), caller, scope: caller.scope, requestId, clientAddress };
}
