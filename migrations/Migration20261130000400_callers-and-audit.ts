import { Migration } from '@mikro-orm/migrations';

/**
 * Callers and their traces: API keys (only a hash of each key is stored) and
 * the audit log of every mutation (who, what, when, from where).
 */
export class Migration20261130000400CallersAndAudit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table api_key (
      id bigint generated always as identity primary key,
      name text not null,
      prefix text not null unique,
      key_hash text not null unique,
      division_code text not null references division (code),
      role text not null check (role in ('BUREAU', 'PARTNER', 'STEWARD', 'ADMIN')),
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
    this.addSql(`create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      api_key_id bigint references api_key (id),
      caller_name text,
      role text,
      division_code text,
      operation text not null,
      operation_name text,
      variables jsonb,
      outcome text not null,
      error text,
      client_address text,
      request_id text
    )`);
    this.addSql(`create index audit_log_at_idx on audit_log (at desc)`);
    this.addSql(`create index audit_log_key_idx on audit_log (api_key_id, at desc)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_log');
    this.addSql('drop table if exists api_key');
  }
}
