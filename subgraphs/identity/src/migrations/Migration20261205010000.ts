import { Migration } from '@mikro-orm/migrations';

export class Migration20261205010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_authorization_code" add column "claims" text[] not null default '{}';`);
    this.addSql(`alter table "identity"."oauth_session" add column "claims" text[] not null default '{}';`);
    this.addSql(`alter table "identity"."oauth_consent" add column "claims" text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_consent" drop column "claims";`);
    this.addSql(`alter table "identity"."oauth_session" drop column "claims";`);
    this.addSql(`alter table "identity"."oauth_authorization_code" drop column "claims";`);
  }

}
