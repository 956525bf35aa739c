import { Migration } from '@mikro-orm/migrations';

export class Migration20261206133959 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_application" add column "id_token_signing_algorithm" text check ("id_token_signing_algorithm" in ('ES256', 'RS256')) not null default 'ES256';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_application" drop column "id_token_signing_algorithm";`);
  }

}
