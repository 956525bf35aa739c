import { Migration } from '@mikro-orm/migrations';

export class Migration20261121120035 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."password_setup_ticket" ("id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, constraint "password_setup_ticket_pkey" primary key ("id"));`);
    this.addSql(`create index "password_setup_ticket_user_id_index" on "identity"."password_setup_ticket" ("user_id");`);
    this.addSql(`alter table "identity"."password_setup_ticket" add constraint "password_setup_ticket_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "identity"."password_setup_ticket" add constraint "password_setup_ticket_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "identity"."password_setup_ticket" cascade;`);
  }

}
