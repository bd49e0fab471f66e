import { Scope } from '../jurisdiction/scope';
import { PubSub } from 'type-graphql';

/** Events a subscriber may hold unread before it is cut off as too slow. */
export const SUBSCRIBER_QUEUE_LIMIT = 1000;

/** Thrown into a subscriber's stream when it fell too far behind. */
export class SlowSubscriberError extends Error {}

class TopicIterator implements AsyncIterableIterator<unknown> {
  private readonly queue: unknown[] = [];
  private waiting: ((r: IteratorResult<unknown>) => void) | null = null;
  private failWaiting: ((e: Error) => void) | null = null;
  private done = false;
  private error: Error | null = null;

  constructor(private readonly detach: (it: TopicIterator) => void) {}

  push(value: unknown): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = this.failWaiting = null;
      w({ value, done: false });
      return;
    }
    if (this.queue.length >= SUBSCRIBER_QUEUE_LIMIT) {
      this.fail(new SlowSubscriberError(`subscriber fell ${SUBSCRIBER_QUEUE_LIMIT} events behind and was disconnected`));
      return;
    }
    this.queue.push(value);
  }

  private fail(e: Error): void {
    this.error = e;
    this.done = true;
    this.detach(this);
    if (this.failWaiting) {
      const f = this.failWaiting;
      this.waiting = this.failWaiting = null;
      f(e);
    }
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift(), done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<unknown>> {
    this.done = true;
    this.queue.length = 0;
    this.detach(this);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = this.failWaiting = null;
      w({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }
}

/**
 * The in-process side of push: type-graphql's `PubSub`, fed by the database
 * change feed (never by resolvers directly, so every replica sees the same
 * events). Each subscriber gets its own bounded queue; publishing is a loop
 * over the topic's subscribers, so one event reaches thousands of them
 * without copying. A subscriber that stops reading is disconnected rather
 * than allowed to grow memory without bound.
 */
export class HubPubSub implements PubSub {
  private readonly topics = new Map<string, Set<TopicIterator>>();

  publish(routingKey: string, ...args: unknown[]): void {
    const subs = this.topics.get(routingKey);
    if (!subs) return;
    for (const s of [...subs]) s.push(args[0]);
  }

  subscribe(routingKey: string): AsyncIterableIterator<unknown> {
    let set = this.topics.get(routingKey);
    if (!set) this.topics.set(routingKey, (set = new Set()));
    const it = new TopicIterator((x) => {
      const s = this.topics.get(routingKey);
      s?.delete(x);
      if (s && !s.size) this.topics.delete(routingKey);
    });
    set.add(it);
    return it;
  }

  /** Subscribers currently listening on a topic. */
  subscriberCount(routingKey: string): number {
    return this.topics.get(routingKey)?.size ?? 0;
  }

  /** Subscribers listening on any topic: a subscription counts from the moment its listener is registered. */
  listening(): number {
    let n = 0;
    for (const s of this.topics.values()) n += s.size;
    return n;
  }

  /** The jurisdictions that currently have subscribers on a change topic. */
  activeScopes(topic: string): Scope[] {
    const out: Scope[] = [];
    for (const key of this.topics.keys()) {
      const m = /^(.+)@(PROVINCE|CITY|COUNTY):(\d{6})$/.exec(key);
      if (m && m[1] === topic) out.push({ level: m[2] as Scope['level'], divisionCode: m[3] });
    }
    return out;
  }
}

/**
 * The routing key of a change topic for one jurisdiction. Subscribers listen
 * on their own jurisdiction's key; the change feed selects, in SQL with the
 * jurisdiction predicate, what each active jurisdiction may see and publishes
 * only that to its key.
 */
export function scopedTopic(topic: string, scope: Pick<Scope, 'level' | 'divisionCode'>): string {
  return `${topic}@${scope.level}:${scope.divisionCode}`;
}

/** Topic names of the change events. */
export const TOPICS = {
  warningRaised: 'WARNING_RAISED',
  scoreChanged: 'SCORE_CHANGED',
  taskChanged: 'TASK_CHANGED',
} as const;

/**
 * The process's PubSub. The schema is built once per process and type-graphql
 * binds it at build time, so it is a module singleton; the change feed of the
 * process publishes into it.
 */
export const hubPubSub = new HubPubSub();

/** Wraps a source stream so only values passing `keep` come through; `return()` reaches the source. */
export function filterStream<T>(source: AsyncIterator<T>, keep: (v: T) => boolean | Promise<boolean>): AsyncIterableIterator<T> {
  const it: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return r;
        if (await keep(r.value)) return r;
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
