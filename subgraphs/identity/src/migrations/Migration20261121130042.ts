import { Migration } from '@mikro-orm/migrations';

export class Migration20261121130042 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."outbox_event" add column "claimed_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."outbox_event" drop column "claimed_until";`);
  }

}
