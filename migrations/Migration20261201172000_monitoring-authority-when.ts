import { Migration } from '@mikro-orm/migrations';

const GATEWAY = `coalesce(current_setting('hub.monitoring_provisional', true), '') = 'on'`;

/**
 * The gateway's authority trigger on `monitoring_day` runs only for the rows
 * it can change (issue 16, full sync vs COPY): a row written as provisional or
 * replacing a provisional one, or any row while the gateway writes
 * (`hub.monitoring_provisional` on). For the platform's official summaries —
 * every row of a sync or a load, provisional false and the setting off — it
 * would only set `provisional` to the false it already is, and a PL/pgSQL call
 * per row was about 5 % of writing a page. Same function, same outcome.
 */
export class Migration20261201172000MonitoringAuthorityWhen extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger monitoring_day_authority on monitoring_day`);
    this.addSql(`create trigger monitoring_day_authority before insert on monitoring_day for each row
      when (new.provisional or ${GATEWAY}) execute function monitoring_day_authority()`);
    this.addSql(`create trigger monitoring_day_authority_upd before update on monitoring_day for each row
      when (old.provisional or new.provisional or ${GATEWAY}) execute function monitoring_day_authority()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger monitoring_day_authority_upd on monitoring_day`);
    this.addSql(`drop trigger monitoring_day_authority on monitoring_day`);
    this.addSql(`create trigger monitoring_day_authority before insert or update on monitoring_day for each row execute function monitoring_day_authority()`);
  }
}
