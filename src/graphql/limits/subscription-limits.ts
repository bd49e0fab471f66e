import { GraphQLError } from 'graphql';

/** Caps on open subscriptions; see {@link SubscriptionQuota}. */
export interface SubscriptionCaps {
  /** Most subscriptions one API key may hold open in this process, over all its connections. */
  perKey: number;
  /** Most subscriptions one WebSocket connection may hold open. */
  perConnection: number;
}

export const DEFAULT_SUBSCRIPTION_CAPS: SubscriptionCaps = { perKey: 200, perConnection: 50 };

/**
 * Counts open subscriptions per API key and per connection, and refuses one
 * more past either cap with `TOO_MANY_SUBSCRIPTIONS` naming the cap. The
 * WebSocket server asks {@link acquire} when an operation starts and calls
 * {@link release} when it ends and {@link releaseConnection} when the
 * connection closes; releasing twice is harmless.
 */
export class SubscriptionQuota {
  private readonly byConnection = new Map<string, Map<string, string>>();
  private readonly byKey = new Map<string, number>();

  constructor(readonly caps: SubscriptionCaps = DEFAULT_SUBSCRIPTION_CAPS) {}

  /** Takes a slot for operation `operationId` of `connectionId` opened with key `keyId`; the error when a cap is reached. */
  acquire(keyId: string, connectionId: string, operationId: string): GraphQLError | null {
    const ops = this.byConnection.get(connectionId);
    if (ops?.has(operationId)) return null;
    if ((ops?.size ?? 0) >= this.caps.perConnection) {
      return new GraphQLError(`at most ${this.caps.perConnection} subscriptions may be open on one connection`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: this.caps.perConnection, scope: 'connection' },
      });
    }
    if ((this.byKey.get(keyId) ?? 0) >= this.caps.perKey) {
      return new GraphQLError(`at most ${this.caps.perKey} subscriptions may be open with one API key`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: this.caps.perKey, scope: 'key' },
      });
    }
    if (ops) ops.set(operationId, keyId);
    else this.byConnection.set(connectionId, new Map([[operationId, keyId]]));
    this.byKey.set(keyId, (this.byKey.get(keyId) ?? 0) + 1);
    return null;
  }

  /** Frees the slot of one operation. */
  release(connectionId: string, operationId: string): void {
    const ops = this.byConnection.get(connectionId);
    const keyId = ops?.get(operationId);
    if (!ops || keyId === undefined) return;
    ops.delete(operationId);
    if (!ops.size) this.byConnection.delete(connectionId);
    const left = (this.byKey.get(keyId) ?? 1) - 1;
    if (left > 0) this.byKey.set(keyId, left);
    else this.byKey.delete(keyId);
  }

  /** Frees every slot of a closed connection. */
  releaseConnection(connectionId: string): void {
    for (const op of [...(this.byConnection.get(connectionId)?.keys() ?? [])]) this.release(connectionId, op);
  }

  /** Open subscriptions of a key, or of a connection. */
  open(of: { keyId?: string; connectionId?: string }): number {
    if (of.keyId !== undefined) return this.byKey.get(of.keyId) ?? 0;
    return this.byConnection.get(of.connectionId ?? '')?.size ?? 0;
  }
}
