import { Migration } from '@mikro-orm/migrations';

/**
 * The last-system-admin check counts active system admins; a partial index holds only them, so the
 * count no longer reads the whole account table.
 */
export class Migration20261206172000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "user_account_system_admin_index" on "identity"."user_account" ("is_active") where "role" = 'SYSTEM_ADMIN';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "identity"."user_account_system_admin_index";`);
  }
}
