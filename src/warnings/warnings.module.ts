import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { SyncRunner } from '../ingest/sync.runner';
import { ChangeFeed } from '../realtime/change-feed';
import { hubPubSub } from '../realtime/hub-pubsub';
import { WebhookDeliveryWorker } from '../webhooks/webhook-delivery.worker';
import { WebhookService } from '../webhooks/webhook.service';
import { WarningDetectionService } from './warning-detection.service';
import { WarningService } from './warning.service';

/** The early-warning services of a hub process (see `HubServices.warnings`). */
export interface WarningServices {
  /** The six detectors: after every sync (registered as a post-sync step) and the daily pass. */
  detection: WarningDetectionService;
  /** Lists, counts and the OPEN → ACKNOWLEDGED → RESOLVED workflow, inside a caller's jurisdiction. */
  workflow: WarningService;
  /** Webhook registrations and their delivery log. */
  webhooks: WebhookService;
  /** Sends queued webhook deliveries with retries (started by `hub serve`). */
  deliveries: WebhookDeliveryWorker;
}

/**
 * Wires the warnings of a hub process and registers the detector step after
 * the steps already registered (call it after scoring).
 */
export function createWarningServices(db: Database, divisions: DivisionDirectory, runner: SyncRunner, opts: { log?: (l: string) => void } = {}): WarningServices {
  const detection = new WarningDetectionService(db.pool, { log: opts.log });
  runner.addPostSyncStep(detection.postSyncStep());
  return {
    detection,
    workflow: new WarningService(db.apiPool, divisions),
    webhooks: new WebhookService(db.apiPool, divisions),
    deliveries: new WebhookDeliveryWorker(db.pool, { log: opts.log }),
  };
}

/** The process's change feed (LISTEN/NOTIFY → PubSub), started on first use by the subscription server or the webhook worker. */
export function createChangeFeed(db: Database, opts: { log?: (l: string) => void } = {}): ChangeFeed {
  return new ChangeFeed(db.url, db.pool, hubPubSub, { log: opts.log });
}
