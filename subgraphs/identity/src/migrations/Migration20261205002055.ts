import { Migration } from '@mikro-orm/migrations';

/** Forgotten passwords: one row per reset request (an unknown address's too), its token hashed. */
export class Migration20261205002055 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."password_reset_ticket" ("id" uuid not null, "user_id" uuid null, "address_hash" text not null, "token_hash" text not null, "sent" boolean not null default false, "expires_at" timestamptz not null, "used_at" timestamptz null, "superseded_at" timestamptz null, "created_at" timestamptz not null, constraint "password_reset_ticket_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."password_reset_ticket" add constraint "password_reset_ticket_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "password_reset_ticket_user_id_created_at_index" on "identity"."password_reset_ticket" ("user_id", "created_at");`);
    this.addSql(`create index "password_reset_ticket_address_hash_created_at_index" on "identity"."password_reset_ticket" ("address_hash", "created_at");`);
    this.addSql(`alter table "identity"."password_reset_ticket" add constraint "password_reset_ticket_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "identity"."password_reset_ticket" cascade;`);
  }

}
