import { Migration } from '@mikro-orm/migrations';

/**
 * The HJ 212 gateway's store (issue 17):
 *
 * - `monitoring_device`: a DAU (`mn`) bound by a steward to an enterprise outlet, with the access
 *   password it must send (HJ 212 carries it in clear text in every packet, so it is kept as the
 *   value the device sends) and `monitoring_device_limit`, the permitted limit per pollutant.
 * - `hj212_packet`: every packet whose CRC matched, parsed, with its status (`ACCEPTED`, `UNBOUND`,
 *   `WRONG_PASSWORD`), natively partitioned by the China date of receipt (`received_on`) so old days
 *   are dropped whole (retention 14 days by default, partitions created ahead by the gateway). A
 *   repeat (same `mn` + `qn`, or same `mn` + `cn` + `data_time`) is stored once (`repeat_key`).
 * - `hj212_sender`: per MN (bound or not) the first and last packet time and the count stored, for
 *   stewards' device lists and the `DATA_GAP` check without counting partitions.
 * - `monitoring_hour`: hourly values per outlet and pollutant (avg, min, max, flag) from `CN=2061`.
 * - `monitoring_day.provisional`: a daily summary the gateway derived from hourly values. The
 *   gateway writes with `hub.monitoring_provisional = on` in its transaction; any other writer (the
 *   monitoring connector: the platform's official summary) clears the mark, and a provisional write
 *   never replaces an official row (trigger `monitoring_day_authority`, which runs before the
 *   versioning trigger).
 */
export class Migration20261201000500Hj212Gateway extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table monitoring_device (
      mn text primary key check (length(mn) between 1 and 24),
      credit_code text not null,
      outlet_code text not null,
      password text not null,
      bound_at timestamptz not null default now(),
      bound_by text,
      unique (credit_code, outlet_code)
    )`);
    this.addSql(`create table monitoring_device_limit (
      mn text not null references monitoring_device (mn) on delete cascade,
      pollutant_code text not null,
      limit_value double precision not null,
      unit text,
      primary key (mn, pollutant_code)
    )`);

    this.addSql(`create table hj212_packet (
      received_on date not null,
      id bigint generated always as identity,
      received_at timestamptz not null default now(),
      mn text not null,
      qn text,
      st text,
      cn text,
      data_time timestamptz,
      repeat_key text,
      status text not null check (status in ('ACCEPTED', 'UNBOUND', 'WRONG_PASSWORD')),
      dialect text not null check (dialect in ('2017', '2005')),
      pollutants jsonb not null default '[]',
      segment text not null,
      peer text,
      primary key (received_on, id)
    ) partition by range (received_on)`);
    this.addSql(`create unique index hj212_packet_repeat_idx on hj212_packet (mn, repeat_key, received_on)`);
    this.addSql(`create index hj212_packet_mn_time_idx on hj212_packet (mn, cn, data_time)`);
    this.addSql(`create index hj212_packet_qn_idx on hj212_packet (mn, qn)`);
    this.addSql(`create index hj212_packet_status_idx on hj212_packet (status, mn)`);

    this.addSql(`create table hj212_sender (
      mn text primary key,
      first_packet_at timestamptz not null,
      last_packet_at timestamptz not null,
      packets bigint not null default 0,
      last_status text not null,
      last_peer text
    )`);

    this.addSql(`create table monitoring_hour (
      credit_code text not null,
      outlet_code text not null,
      pollutant_code text not null,
      hour timestamptz not null,
      avg double precision,
      min double precision,
      max double precision,
      flag text,
      mn text not null,
      received_at timestamptz not null default now(),
      primary key (credit_code, outlet_code, pollutant_code, hour)
    )`);
    this.addSql(`create index monitoring_hour_hour_idx on monitoring_hour (hour)`);

    this.addSql(`alter table monitoring_day add column provisional boolean not null default false`);
    this.addSql(`create function monitoring_day_authority() returns trigger language plpgsql as $fn$
      begin
        if coalesce(current_setting('hub.monitoring_provisional', true), '') = 'on' then
          if tg_op = 'UPDATE' and not old.provisional then
            return null;
          end if;
          new.provisional := true;
        else
          new.provisional := false;
        end if;
        return new;
      end $fn$`);
    this.addSql(`create trigger monitoring_day_authority before insert or update on monitoring_day for each row execute function monitoring_day_authority()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists monitoring_day_authority on monitoring_day`);
    this.addSql(`drop function if exists monitoring_day_authority()`);
    this.addSql(`alter table monitoring_day drop column if exists provisional`);
    for (const t of ['monitoring_hour', 'hj212_sender', 'hj212_packet', 'monitoring_device_limit', 'monitoring_device']) this.addSql(`drop table if exists ${t}`);
  }
}
