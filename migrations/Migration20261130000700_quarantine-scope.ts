import { Migration } from '@mikro-orm/migrations';

/**
 * Quarantined records keep the credit code their mapper found (when any), so
 * a city or county steward sees only the quarantine of its own enterprises.
 */
export class Migration20261130000700QuarantineScope extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table quarantine add column credit_code text`);
    this.addSql(`update quarantine q set credit_code = s.credit_code from source_record s where s.connector_id = q.connector_id and s.source_id = q.source_id`);
    this.addSql(`create index quarantine_credit_code_idx on quarantine (credit_code)`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table quarantine drop column credit_code`);
  }
}
