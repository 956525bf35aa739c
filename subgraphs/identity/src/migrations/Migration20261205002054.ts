import { Migration } from '@mikro-orm/migrations';

/** Primary e-mail verification: when an address was proved, and the messages (link and code) that prove it. */
export class Migration20261205002054 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "identity"."email_verification_purpose" as enum ('PRIMARY', 'NEW_ADDRESS');`);

    this.addSql(`create table "identity"."email_verification" ("id" uuid not null, "user_id" uuid not null, "purpose" "identity"."email_verification_purpose" not null, "target" text not null, "token_hash" text not null, "code_hash" text not null, "failed_attempts" int not null default 0, "expires_at" timestamptz not null, "consumed_at" timestamptz null, "superseded_at" timestamptz null, "created_at" timestamptz not null, constraint "email_verification_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."email_verification" add constraint "email_verification_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "email_verification_target_created_at_index" on "identity"."email_verification" ("target", "created_at");`);
    this.addSql(`create index "email_verification_user_id_created_at_index" on "identity"."email_verification" ("user_id", "created_at");`);

    this.addSql(`alter table "identity"."email_verification" add constraint "email_verification_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."user_account" add column "email_verified_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "identity"."email_verification" cascade;`);

    this.addSql(`alter table "identity"."user_account" drop column "email_verified_at";`);

    this.addSql(`drop type "identity"."email_verification_purpose";`);
  }

}
