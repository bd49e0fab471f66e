import { EventEmitter } from 'node:events';
import { Client, Notification, Pool } from 'pg';
import { ENTERPRISE_COLUMNS, EnterpriseRow } from '../enterprises/enterprise.model';
import { WARNING_COLUMNS, WarningRow } from '../warnings/warning.types';
import { SqlParams, divisionPredicate } from '../jurisdiction/scope';
import { HubPubSub, TOPICS, scopedTopic } from './hub-pubsub';
import type { SupervisionTaskService, TaskEventRow, TaskRow } from '../supervision/supervision-task.service';

/** The channels the database NOTIFYs on (see the warnings migration). */
export const CHANNELS = { warning: 'hub_warning', score: 'hub_score_changed', keyRevoked: 'hub_key_revoked', task: 'hub_task' } as const;

/** A score change as pushed to `scoreChanged` subscribers: the enterprise as it is now, and where it came from. */
export interface ScoreChangeEvent {
  enterprise: EnterpriseRow;
  previousScore: number | null;
  previousRiskLevel: string | null;
  historyId: string;
  /** When this process received the notification (ms since epoch; for latency measurements). */
  receivedAt: number;
}

/** A new warning as pushed to `warningRaised` subscribers. */
export interface WarningRaisedEvent {
  warning: WarningRow;
  receivedAt: number;
}

/** A change of a supervision task as pushed to `taskChanged` subscribers: what happened, and the task as it is now. */
export interface TaskChangedEvent {
  event: TaskEventRow;
  task: TaskRow;
  receivedAt: number;
}

/** Options of {@link ChangeFeed}. */
export interface ChangeFeedOptions {
  log?: (line: string) => void;
  /** First reconnect delay (default 250 ms), doubled up to `maxReconnectMs` (default 5 s). */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** Rows loaded per statement when a notification names many (default 5000). */
  batchSize?: number;
  /** Reads task events for `taskChanged` (without it, task notifications are ignored). */
  tasks?: Pick<SupervisionTaskService, 'eventsWithTasks'>;
}

/**
 * The process's ear on the database: one dedicated PostgreSQL connection that
 * LISTENs on the change channels, reconnecting with backoff when it is lost.
 * Notifications carry ids only; the feed loads the rows once (warnings by id,
 * score changes by history-id range, as the enterprise is now) and publishes
 * one event per row to the process's {@link HubPubSub}, where every
 * subscriber's own filter (jurisdiction, arguments) decides what it receives.
 * After a reconnect it catches up on rows committed while it was away, so no
 * committed change is lost.
 *
 * Events: `warnings` (ids of new warnings; the webhook worker listens);
 * `keysRevoked` (ids of API keys revoked or deleted, by any process or by
 * SQL; emitted in commit order with the change events, so a listener that
 * closes the keys' subscriptions does so before any later event is
 * published); `reconnected` (after a lost LISTEN connection is back and
 * caught up: notifications of the gap, revocations included, may be lost,
 * so listeners re-check what they hold).
 */
export class ChangeFeed extends EventEmitter {
  private client: Client | null = null;
  private starting: Promise<void> | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private delay: number;
  private lastWarningId = 0n;
  private lastHistoryId = 0n;
  private chain: Promise<void> = Promise.resolve();
  private readonly log: (line: string) => void;

  constructor(
    private readonly url: string,
    private readonly pool: Pool,
    private readonly pubsub: HubPubSub,
    private readonly opts: ChangeFeedOptions = {},
  ) {
    super();
    this.log = opts.log ?? (() => undefined);
    this.delay = opts.reconnectMs ?? 250;
  }

  /** Connects and LISTENs (once; later calls wait for the same start). */
  start(): Promise<void> {
    this.stopped = false;
    this.starting ??= this.connect(false).catch((e) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  /** Whether the LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== null;
  }

  private async connect(catchUp: boolean): Promise<void> {
    const client = new Client({ connectionString: this.url });
    // Until it is ours, a failing client only makes connect() reject.
    client.on('error', () => undefined);
    client.on('notification', (n) => this.enqueue(() => this.onNotification(n)));
    try {
      await client.connect();
      await client.query(`listen ${CHANNELS.warning}; listen ${CHANNELS.score}; listen ${CHANNELS.keyRevoked}; listen ${CHANNELS.task}`);
    } catch (e) {
      void client.end().catch(() => undefined);
      throw e;
    }
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    if (!catchUp) {
      const top = await client.query<{ w: string; h: string }>(
        `select coalesce((select max(id) from warning), 0)::text as w, coalesce((select max(id) from score_history), 0)::text as h`,
      );
      this.lastWarningId = BigInt(top.rows[0].w);
      this.lastHistoryId = BigInt(top.rows[0].h);
    }
    this.client = client;
    this.delay = this.opts.reconnectMs ?? 250;
    if (catchUp) {
      this.log('change feed: reconnected; catching up');
      this.enqueue(async () => {
        await this.catchUp();
        this.emit('reconnected');
      });
    }
  }

  private lost(client: Client, e: Error): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    if (this.stopped || this.reconnectTimer) return;
    this.log(`change feed: LISTEN connection lost (${e.message}); reconnecting in ${this.delay} ms`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) return;
      this.connect(true).catch((e) => {
        this.log(`change feed: reconnect failed (${(e as Error).message})`);
        this.delay = Math.min(this.delay * 2, this.opts.maxReconnectMs ?? 5000);
        this.scheduleReconnect();
      });
    }, this.delay);
    this.reconnectTimer.unref();
  }

  /** Processes notifications one at a time, in arrival order. */
  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((e) => this.log(`change feed: event failed: ${(e as Error).stack ?? e}`));
  }

  /** Resolves when every notification received so far has been published. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async onNotification(n: Notification): Promise<void> {
    const receivedAt = Date.now();
    const payload = JSON.parse(n.payload ?? '{}');
    if (n.channel === CHANNELS.warning) await this.publishWarnings((payload.ids as (string | number)[]).map(String), receivedAt);
    else if (n.channel === CHANNELS.score) await this.publishScores(String(payload.from), String(payload.to), receivedAt);
    else if (n.channel === CHANNELS.keyRevoked) this.emit('keysRevoked', (payload.ids as (string | number)[]).map(String));
    else if (n.channel === CHANNELS.task) await this.publishTasks((payload.ids as (string | number)[]).map(String), receivedAt);
  }

  private async publishTasks(ids: string[], receivedAt: number): Promise<void> {
    if (!ids.length || !this.opts.tasks) return;
    // One statement per jurisdiction that has subscribers, with its predicate in the SQL.
    for (const scope of this.pubsub.activeScopes(TOPICS.taskChanged)) {
      const topic = scopedTopic(TOPICS.taskChanged, scope);
      for (const e of await this.opts.tasks.eventsWithTasks(scope, ids)) this.pubsub.publish(topic, { ...e, receivedAt } satisfies TaskChangedEvent);
    }
  }

  private async publishWarnings(ids: string[], receivedAt: number): Promise<void> {
    if (!ids.length) return;
    for (const id of ids) if (BigInt(id) > this.lastWarningId) this.lastWarningId = BigInt(id);
    this.emit('warnings', ids);
    // One statement per jurisdiction that has subscribers, with its predicate in the SQL.
    for (const scope of this.pubsub.activeScopes(TOPICS.warningRaised)) {
      const params = new SqlParams();
      const res = await this.pool.query<WarningRow>(
        `select ${WARNING_COLUMNS} from warning w join enterprise e using (credit_code)
          where w.id = any(${params.add(ids)}::bigint[]) and ${divisionPredicate(scope, params)} order by w.id`,
        params.values,
      );
      const topic = scopedTopic(TOPICS.warningRaised, scope);
      for (const warning of res.rows) this.pubsub.publish(topic, { warning, receivedAt } satisfies WarningRaisedEvent);
    }
  }

  private async publishScores(from: string, to: string, receivedAt: number): Promise<void> {
    if (BigInt(to) > this.lastHistoryId) this.lastHistoryId = BigInt(to);
    const scopes = this.pubsub.activeScopes(TOPICS.scoreChanged);
    if (!scopes.length) return;
    const batch = BigInt(this.opts.batchSize ?? 5000);
    for (let lo = BigInt(from); lo <= BigInt(to); lo += batch) {
      const hi = lo + batch - 1n < BigInt(to) ? lo + batch - 1n : BigInt(to);
      // One statement per jurisdiction that has subscribers, with its predicate in the SQL.
      for (const scope of scopes) {
        const params = new SqlParams();
        const res = await this.pool.query<EnterpriseRow & { previousScore: number | null; previousRiskLevel: string | null; historyId: string }>(
          `select distinct on (h.credit_code) ${ENTERPRISE_COLUMNS}, h.previous_score as "previousScore", h.previous_risk_level as "previousRiskLevel", h.id::text as "historyId"
             from score_history h join enterprise e using (credit_code)
            where h.id between ${params.add(lo.toString())}::bigint and ${params.add(hi.toString())}::bigint and ${divisionPredicate(scope, params)}
            order by h.credit_code, h.id desc`,
          params.values,
        );
        const topic = scopedTopic(TOPICS.scoreChanged, scope);
        for (const r of res.rows) {
          const { previousScore, previousRiskLevel, historyId, ...enterprise } = r;
          this.pubsub.publish(topic, { enterprise, previousScore, previousRiskLevel, historyId, receivedAt } satisfies ScoreChangeEvent);
        }
      }
    }
  }

  /** Publishes what was committed while the connection was down (bounded: the newest 10,000 of each). */
  private async catchUp(): Promise<void> {
    const now = Date.now();
    const w = await this.pool.query<{ id: string }>(`select id::text from (select id from warning where id > $1 order by id desc limit 10000) x order by id`, [
      this.lastWarningId.toString(),
    ]);
    if (w.rows.length)
      await this.publishWarnings(
        w.rows.map((r) => r.id),
        now,
      );
    const h = await this.pool.query<{ lo: string | null; hi: string | null }>(
      `select min(id)::text as lo, max(id)::text as hi from (select id from score_history where id > $1 order by id desc limit 10000) x`,
      [this.lastHistoryId.toString()],
    );
    if (h.rows[0].lo && h.rows[0].hi) await this.publishScores(h.rows[0].lo, h.rows[0].hi, now);
  }

  /** Drops the LISTEN connection (e.g. to test reconnection); the feed reconnects by itself. */
  simulateConnectionLoss(): void {
    const c = this.client;
    if (c) this.lost(c, new Error('connection dropped on purpose'));
  }

  /** Stops listening for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const c = this.client;
    this.client = null;
    this.starting = null;
    if (c) {
      c.removeAllListeners('notification');
      await c.end().catch(() => undefined);
    }
    await this.chain;
  }
}
