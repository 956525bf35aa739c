import { Migration } from '@mikro-orm/migrations';

export class Migration20261205003000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_authorization_code" add column "nonce" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_authorization_code" drop column "nonce";`);
  }

}
