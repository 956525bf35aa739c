import { Migration } from '@mikro-orm/migrations';

export class Migration20261121135702 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."user_account" add column "deleted_at" timestamptz null;`);
    this.addSql(`create index "user_account_deleted_at_index" on "identity"."user_account" ("deleted_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "identity"."user_account_deleted_at_index";`);
    this.addSql(`alter table "identity"."user_account" drop column "deleted_at";`);
  }

}
