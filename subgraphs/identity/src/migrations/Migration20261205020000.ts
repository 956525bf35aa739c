import { Migration } from '@mikro-orm/migrations';

export class Migration20261205020000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_application" add column "post_logout_redirect_uris" text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_application" drop column "post_logout_redirect_uris";`);
  }

}
