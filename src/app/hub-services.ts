import { MonitoringDayService } from '../monitoring/monitoring-day.service';
import { chinaToday } from '../domain/china-date';
import { maintainMonitoringPartitions } from '../monitoring/monitoring-partitions';
import { Task } from 'graphile-worker';
import { ApiKeyService } from '../auth/api-key.service';
import { HubConfig } from '../config/config';
import { ConnectorRegistry } from '../connectors/connector.registry';
import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { SyncRunner, SyncRunnerOptions } from '../ingest/sync.runner';
import { ScoringServices, createScoringServices } from '../scoring/scoring.module';
import { codeConnectors } from '../../connectors';
import { ResolutionStewardService } from '../ingest/resolution-steward.service';
import { ConnectorAdminService } from '../ingest/connector-admin.service';
import { createDeclarativeConnector } from '../connectors/declarative/declarative.connector';
import { DeclarativeConnectorService } from '../connectors/declarative/declarative-connector.service';
import { TagService } from '../tags/tag.service';
import { createTagService } from '../tags/tags.module';
import { ChangeFeed } from '../realtime/change-feed';
import { hubPubSub } from '../realtime/hub-pubsub';
import { WarningDetectionService } from '../warnings/warning-detection.service';
import { WarningParameterRepository } from '../warnings/warning-parameter.repository';
import { WarningService } from '../warnings/warning.service';
import { RealtimeExceedTrigger } from '../warnings/realtime-exceed.trigger';
import { webhookDeliveryTask } from '../webhooks/webhook-delivery.task';
import { OutboundTargetPolicy } from '../connectors/outbound-target.policy';
import { WebhookService } from '../webhooks/webhook.service';
import { postSyncPipeline } from './post-sync.pipeline';
import { searchUpkeepStep } from '../search/search-upkeep.step';
import { InspectionPlanService } from '../supervision/inspection-plan.service';
import { SupervisionTaskService } from '../supervision/supervision-task.service';
import { ObjectionService } from '../supervision/objection.service';
import { SupervisionStatsService } from '../supervision/supervision-stats.service';
import { createHj212Services, type Hj212Services } from './hj212-gateway.module';
import { loadBundledRules } from './seed-data';

/** The early-warning services of a hub process (see `HubServices.warnings`). */
export interface WarningServices {
  /** The six detectors: after every sync (a step of the post-sync pipeline) and the daily pass. */
  detection: WarningDetectionService;
  /** The versioned detector parameters and severities (load, activate, the active one). */
  parameters: WarningParameterRepository;
  /** Lists, counts and the OPEN → ACKNOWLEDGED → RESOLVED workflow, inside a caller's jurisdiction. */
  workflow: WarningService;
  /** Webhook registrations and their delivery log. */
  webhooks: WebhookService;
  /** The job that sends one webhook delivery; the job queue started with the scheduler runs it, with retries. */
  deliveries: Task;
  /** REALTIME_EXCEED passes run right after each commit of hourly values by the HJ 212 gateway. */
  realtimeExceed: RealtimeExceedTrigger;
}

/**
 * The long-lived services of one hub process, wired once at start-up by
 * {@link createHubServices} — the one place that builds them. Lower floors
 * never see this whole object: each declares the narrow part it uses
 * (`ApiServices` in graphql, `ServerServices` in server, `SchedulerDeps`,
 * `MetricsSource`, `ReportSources`), which this object satisfies.
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
  /** Entity resolution for stewards: the review queue, links, rejections, unlinks. */
  resolution: ResolutionStewardService;
  /** Registration of stewards' declarative connectors. */
  declarativeConnectors: DeclarativeConnectorService;
  /** Creates the missing month partitions of `monitoring_day` (the active window through about three months ahead); returns how many. */
  monitoringPartitions: () => Promise<number>;
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
  /** GraphQL subscriptions listening in this process (the `hub_subscriptions_listening` gauge). */
  subscriptionsListening: () => number;
  /** HJ 212: packets from monitoring equipment, bound devices, hourly values (the gateway itself starts with `hub serve`). */
  hj212: Hj212Services;
  /** The same device service as `hj212.devices`, under the name the API reads. */
  monitoringDevices: Hj212Services['devices'];
  /** Daily monitoring summaries per enterprise (read pool). */
  monitoringDays: MonitoringDayService;
  /** Supervision: the inspector roster, random-inspection policies, drawn plans and their verification. */
  inspectionPlans: InspectionPlanService;
  /** Supervision dispatch: tasks from warnings, escalation, inspections closing tasks and plan items. */
  supervisionTasks: SupervisionTaskService;
  /** Supervision objections: one-time codes, filing (bureau or report page), stewards' answers, escalation. */
  objections: ObjectionService;
  /** Supervision analysis (spec §3): per warning type, per risk level (Wilson intervals), per county, and a candidate rule set. */
  supervisionStats: SupervisionStatsService;
  log: (line: string) => void;
}

/**
 * Wires the services on an open, migrated database. The runner gets the
 * post-sync pipeline of {@link postSyncPipeline} (rescore → retag → detect),
 * so the order is declared in one list, not by the order of construction.
 */
export async function createHubServices(
  config: HubConfig,
  db: Database,
  opts: { log?: (l: string) => void; runner?: SyncRunnerOptions } = {},
): Promise<HubServices> {
  const log = opts.log ?? (() => undefined);
  await loadBundledRules(db.pool);
  const divisions = await DivisionDirectory.load(db.pool);
  const connectors = new ConnectorRegistry(codeConnectors);
  connectors.useDeclarativeFactory(createDeclarativeConnector);
  await connectors.ensureRegistered(db);
  const scoring = createScoringServices(db, { log });
  // The monitoring store's month partitions for the active rule set's window and the coming months, before anything writes.
  const monitoringPartitions = async () => maintainMonitoringPartitions(db.pool, chinaToday(), (await scoring.ruleSets.active()).windowDays);
  await monitoringPartitions();
  // Snapshots are written on the API's pool of the primary: without a read replica that is the pool searches read, so a
  // first page and its snapshot are one transaction and the result never leaves the database.
  const enterprises = new EnterpriseSearchService(db.readPool, divisions, db.apiPool, { log });
  const tags = await createTagService(db, divisions, enterprises);
  const parameters = new WarningParameterRepository(db.pool);
  // Webhooks and declarative connectors go where API callers point them: internal addresses only when the operator allows them.
  const targets = new OutboundTargetPolicy({ allowPrivate: config.allowPrivateTargets, trustedOrigins: [config.sourcesUrl, ...config.allowedTargets] });
  const detection = new WarningDetectionService(db.pool, { log, parameters });
  const warnings: WarningServices = {
    detection,
    parameters,
    workflow: new WarningService(db.apiPool, divisions),
    webhooks: new WebhookService(db.apiPool, divisions, { targets, perDivision: config.webhooksPerDivision }),
    deliveries: webhookDeliveryTask(db.pool, { log, targets }),
    realtimeExceed: new RealtimeExceedTrigger(detection, log),
  };
  const hj212 = createHj212Services(config, db, log);
  hj212.onHoursWritten(warnings.realtimeExceed.onHours);
  const supervisionTasks = new SupervisionTaskService(db.pool);
  const postSync = postSyncPipeline({
    scores: scoring.scores,
    tags,
    detection: warnings.detection,
    supervision: supervisionTasks,
    searchUpkeep: searchUpkeepStep(db.pool),
  });
  const runner = new SyncRunner(db, config, connectors, {
    log,
    targets,
    // Every run reads back the active rule set's window: a longer one activated later is backfilled by the next runs.
    historyDays: () => scoring.ruleSets.active().then((rs) => rs.windowDays),
    ...opts.runner,
    postSync: [...postSync, ...(opts.runner?.postSync ?? [])],
  });
  return {
    config,
    db,
    divisions,
    enterprises,
    connectors,
    runner,
    connectorAdmin: new ConnectorAdminService(db, connectors, config.resolutionThresholds),
    resolution: new ResolutionStewardService(db, connectors, { thresholds: config.resolutionThresholds, afterSync: (touched) => runner.afterSync(touched) }),
    declarativeConnectors: new DeclarativeConnectorService(db, connectors),
    scoring,
    monitoringPartitions,
    tags,
    apiKeys: new ApiKeyService(db.pool, divisions),
    warnings,
    realtime: new ChangeFeed(db.url, db.pool, hubPubSub, { log, tasks: supervisionTasks }),
    subscriptionsListening: () => hubPubSub.listening(),
    hj212,
    monitoringDevices: hj212.devices,
    monitoringDays: new MonitoringDayService(db.readPool),
    inspectionPlans: new InspectionPlanService(db.pool, divisions),
    supervisionTasks,
    objections: new ObjectionService(db.pool),
    supervisionStats: new SupervisionStatsService(db.readPool, scoring.ruleSets),
    log,
  };
}
