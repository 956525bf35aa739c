import { Migration } from '@mikro-orm/migrations';

export class Migration20261206141314 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "verification_challenge_expires_at_index" on "member"."verification_challenge" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "member"."verification_challenge_expires_at_index";`);
  }

}
