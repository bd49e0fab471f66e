import { InspectionPlanService } from '../supervision/inspection-plan.service';
import { Caller } from '../auth/caller.model';
import { HubConfig } from '../config/config';
import { DeclarativeConnectorService } from '../connectors/declarative/declarative-connector.service';
import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { ConnectorAdminService } from '../ingest/connector-admin.service';
import { SyncRunner } from '../ingest/sync.runner';
import { ResolutionStewardService } from '../ingest/resolution-steward.service';
import { Scope } from '../jurisdiction/scope';
import { LoaderServices, Loaders, createLoaders } from './loaders';
import { SupervisionTaskService } from '../supervision/supervision-task.service';
import { ObjectionService } from '../supervision/objection.service';
import { SupervisionStatsService } from '../supervision/supervision-stats.service';

/**
 * The services the GraphQL layer calls — exactly these, so the API depends on
 * the floors below it and never on the composition root (`src/app` builds
 * them and passes its `HubServices`, which has every one of them). The services
 * the request's loaders read through (`LoaderServices`) are part of them.
 */
export interface ApiServices extends LoaderServices {
  config: Pick<HubConfig, 'publicUrl'>;
  db: Pick<Database, 'pool' | 'readPool' | 'apiPool'>;
  divisions: DivisionDirectory;
  enterprises: EnterpriseSearchService;
  /** Steward view of connectors: runs, quarantine, re-processing. */
  connectorAdmin: ConnectorAdminService;
  /** Registration of stewards' declarative connectors. */
  declarativeConnectors: DeclarativeConnectorService;
  /** `runConnector`: one run, then the post-sync pipeline over what it touched. */
  runner: Pick<SyncRunner, 'run' | 'afterSync'>;
  /** Entity resolution for stewards: the review queue and its decisions. */
  resolution: ResolutionStewardService;
  /** Supervision: inspector roster, random-inspection policies and plans. */
  inspectionPlans: InspectionPlanService;
  /** Supervision dispatch: tasks from warnings, notes, hand-over. */
  supervisionTasks: SupervisionTaskService;
  /** Supervision objections: codes, filing, the stewards' answers. */
  objections: ObjectionService;
  /** Supervision analysis: warnings, random-inspection rates per risk level, county dispatch. */
  supervisionStats: SupervisionStatsService;
  log: (line: string) => void;
}

/** What every resolver receives: the services, this request's loaders, and who is asking. */
export interface HubContext {
  services: ApiServices;
  loaders: Loaders;
  caller: Caller;
  /** The caller's jurisdiction; every enterprise query puts it in its WHERE clause. */
  scope: Scope;
  requestId: string;
  /** Address of the client, for the audit log. */
  clientAddress?: string;
}

/** A fresh context for one request of `caller`, with every DataLoader of the API (`createLoaders`). */
export function createContext(services: ApiServices, caller: Caller, requestId: string, clientAddress?: string): HubContext {
  return { services, loaders: createLoaders(services, caller.scope), caller, scope: caller.scope, requestId, clientAddress };
}
