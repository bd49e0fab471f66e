import { ApiKeyService } from '../auth/api-key.service';
import { HubConfig } from '../config/config';
import { ConnectorRegistry } from '../connectors/connector.registry';
import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { SyncRunner, SyncRunnerOptions } from '../ingest/sync.runner';
import { ScoringServices, createScoringServices } from '../scoring/scoring.module';
import { codeConnectors } from '../../connectors';
import { ConnectorAdminService } from '../ingest/connector-admin.service';
import { createDeclarativeConnector } from '../connectors/declarative/declarative.connector';
import { DeclarativeConnectorService } from '../connectors/declarative/declarative-connector.service';
import { TagService } from '../tags/tag.service';
import { createTagService } from '../tags/tags.module';
import { ChangeFeed } from '../realtime/change-feed';
import { WarningServices, createChangeFeed, createWarningServices } from '../warnings/warnings.module';

/**
 * The long-lived services of one hub process, wired once at start-up and
 * shared by the GraphQL layer, the CLI and the scheduler.
 */
export interface HubServices {
  config: HubConfig;
  db: Database;
  divisions: DivisionDirectory;
  enterprises: EnterpriseSearchService;
  connectors: ConnectorRegistry;
  runner: SyncRunner;
  /** Steward view of connectors: runs, quarantine, re-processing. */
  connectorAdmin: ConnectorAdminService;
  /** Registration of stewards' declarative connectors. */
  declarativeConnectors: DeclarativeConnectorService;
  /** Health score: rule sets, rescoring (incremental after every sync, full), reports, history, ranks. */
  scoring: ScoringServices;
  /** Tags: catalogue, derivation after every sync, manual and local tags, the `filter.tags` search conditions. */
  tags: TagService;
  /** API keys: who the callers are, their role and jurisdiction. */
  apiKeys: ApiKeyService;
  /** Early warning: detectors (after every sync, daily), workflow, webhooks. */
  warnings: WarningServices;
  /** Database change events (LISTEN/NOTIFY) feeding subscriptions and webhook delivery on this process. */
  realtime: ChangeFeed;
  log: (line: string) => void;
}

/** Wires the services on an open, migrated database. */
export async function createHubServices(config: HubConfig, db: Database, opts: { log?: (l: string) => void; runner?: SyncRunnerOptions } = {}): Promise<HubServices> {
  const log = opts.log ?? (() => undefined);
  const divisions = await DivisionDirectory.load(db.pool);
  const connectors = new ConnectorRegistry(codeConnectors);
  connectors.useDeclarativeFactory(createDeclarativeConnector);
  await connectors.ensureRegistered(db);
  const runner = new SyncRunner(db, config, connectors, { log, ...opts.runner });
  const scoring = createScoringServices(db, { log });
  runner.addPostSyncStep(scoring.scores.postSyncStep());
  const enterprises = new EnterpriseSearchService(db.readPool, divisions);
  const tags = await createTagService(db, divisions, enterprises, runner);
  const warnings = createWarningServices(db, divisions, runner, { log });
  return {
    config,
    db,
    divisions,
    enterprises,
    connectors,
    runner,
    connectorAdmin: new ConnectorAdminService(db, connectors),
    declarativeConnectors: new DeclarativeConnectorService(db, connectors),
    scoring,
    tags,
    apiKeys: new ApiKeyService(db.pool, divisions),
    warnings,
    realtime: createChangeFeed(db, { log }),
    log,
  };
}
