import { Migration } from '@mikro-orm/migrations';

/**
 * `connector.attention`: what a steward must know about a connector now, in
 * plain words (e.g. that its source's change feed was reset and the hub
 * re-reads it from its start), with when it was noticed. Cleared by the next
 * run that succeeds.
 */
export class Migration20261201100000ConnectorAttention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table connector add column attention text, add column attention_at timestamptz`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table connector drop column attention, drop column attention_at`);
  }
}
