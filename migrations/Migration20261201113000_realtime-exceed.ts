import { Migration } from '@mikro-orm/migrations';

/**
 * The warning type REALTIME_EXCEED (consecutive valid hourly averages above the limit, from the
 * HJ 212 gateway) as a row of `warning_type` (the start-up loader keeps its description current).
 */
export class Migration20261201113000RealtimeExceed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into warning_type (code, description, position)
      values ('REALTIME_EXCEED', '实时超标 consecutive valid hourly averages of an outlet and pollutant above the limit (HJ 212 gateway)',
              (select coalesce(max(position), 0) + 1 from warning_type))
      on conflict (code) do nothing`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from warning where type = 'REALTIME_EXCEED'`);
    this.addSql(`delete from warning_type where code = 'REALTIME_EXCEED'`);
  }
}
