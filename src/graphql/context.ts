import { EntityManager } from '@mikro-orm/postgresql';
import { HubServices } from '../app/hub-services';
import { Scope } from '../jurisdiction/scope';
import { Loaders, createLoaders } from './loaders';

/** What every resolver receives: the services, this request's EntityManager and loaders, and the caller's scope. */
export interface HubContext {
  services: HubServices;
  em: EntityManager;
  loaders: Loaders;
  scope: Scope;
  requestId: string;
}

/** A fresh context for one request acting in `scope`. */
export function createContext(services: HubServices, scope: Scope, requestId: string): HubContext {
  const em = services.db.orm.em.fork() as EntityManager;
  return { services, em, loaders: createLoaders(em), scope, requestId };
}
