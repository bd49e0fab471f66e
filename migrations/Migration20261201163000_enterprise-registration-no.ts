import { Migration } from '@mikro-orm/migrations';

/**
 * The old 15-digit business registration number (注册号) the permit system keeps for
 * some enterprises (issue 20, `shared/spec/entity-resolution.md`): it has no arithmetic
 * relation to the credit code, so this register is the only way a record naming an
 * enterprise by it is linked — the fourth deterministic key of resolution, one
 * indexed join per page.
 */
export class Migration20261201163000EnterpriseRegistrationNo extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table enterprise add column if not exists registration_no text`);
    this.addSql(`create index if not exists enterprise_registration_no_idx on enterprise (registration_no) where registration_no is not null`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists enterprise_registration_no_idx`);
    this.addSql(`alter table enterprise drop column if exists registration_no`);
  }
}
