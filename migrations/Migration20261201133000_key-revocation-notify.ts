import { Migration } from '@mikro-orm/migrations';

/**
 * Revocation reaches every hub process at once: a statement that revokes API
 * keys (sets `revoked_at`) or deletes them NOTIFYs `hub_key_revoked` with
 * their ids (in chunks of 400), delivered at commit to every process that
 * LISTENs — whatever revoked them (`hub keys revoke`, another replica, SQL by
 * hand). Each process then forgets the keys' cached authentication and closes
 * their open WebSocket subscriptions.
 */
export class Migration20261201133000KeyRevocationNotify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function api_key_notify_revoked() returns trigger language plpgsql as $fn$
      begin
        if tg_op = 'DELETE' then
          perform pg_notify('hub_key_revoked', json_build_object('ids', ids)::text)
            from (select array_agg(id::text order by id) as ids
                    from (select id, (row_number() over (order by id) - 1) / 400 as g from api_key_old) x group by g) c;
        else
          perform pg_notify('hub_key_revoked', json_build_object('ids', ids)::text)
            from (select array_agg(id::text order by id) as ids
                    from (select n.id, (row_number() over (order by n.id) - 1) / 400 as g
                            from api_key_new n join api_key_old o using (id)
                           where n.revoked_at is not null and o.revoked_at is null) x group by g) c;
        end if;
        return null;
      end $fn$`);
    this.addSql(`create trigger api_key_revoked_notify after update on api_key referencing old table as api_key_old new table as api_key_new
      for each statement execute function api_key_notify_revoked()`);
    this.addSql(`create trigger api_key_deleted_notify after delete on api_key referencing old table as api_key_old
      for each statement execute function api_key_notify_revoked()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists api_key_deleted_notify on api_key`);
    this.addSql(`drop trigger if exists api_key_revoked_notify on api_key`);
    this.addSql(`drop function if exists api_key_notify_revoked()`);
  }
}
