import { Migration } from '@mikro-orm/migrations';

export class Migration20261121103829 extends Migration {

  override async up(): Promise<void> {
    // Existing keys have signed since they were created.
    this.addSql(`alter table "identity"."signing_key" add column "activates_at" timestamptz null;`);
    this.addSql(`update "identity"."signing_key" set "activates_at" = "created_at";`);
    this.addSql(`alter table "identity"."signing_key" alter column "activates_at" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."signing_key" drop column "activates_at";`);
  }

}
