import { Migration } from '@mikro-orm/migrations';

export class Migration20261121102615 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "identity";`);
    this.addSql(`create type "identity"."role" as enum ('SYSTEM_ADMIN', 'GROUP_ADMIN', 'USER');`);
    this.addSql(`create table "identity"."signing_key" ("kid" text not null, "algorithm" text not null, "public_jwk" jsonb not null, "private_jwk_sealed" text not null, "created_at" timestamptz not null, "retires_at" timestamptz null, constraint "signing_key_pkey" primary key ("kid"));`);
    this.addSql(`create index "signing_key_created_at_index" on "identity"."signing_key" ("created_at");`);

    this.addSql(`create table "identity"."tenant" ("id" uuid not null, "slug" text not null, "name" text not null, "created_at" timestamptz not null, constraint "tenant_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."tenant" add constraint "tenant_slug_unique" unique ("slug");`);

    this.addSql(`create table "identity"."user_account" ("id" uuid not null, "tenant_id" uuid not null, "email" text not null, "username" text null, "display_name" text null, "password_hash" text null, "role" "identity"."role" not null default 'USER', "is_active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, constraint "user_account_pkey" primary key ("id"));`);
    this.addSql(`create index "user_account_tenant_id_index" on "identity"."user_account" ("tenant_id");`);
    this.addSql(`alter table "identity"."user_account" add constraint "user_account_email_unique" unique ("email");`);
    this.addSql(`alter table "identity"."user_account" add constraint "user_account_username_unique" unique ("username");`);

    this.addSql(`alter table "identity"."user_account" add constraint "user_account_tenant_id_foreign" foreign key ("tenant_id") references "identity"."tenant" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."user_account" drop constraint "user_account_tenant_id_foreign";`);

    this.addSql(`drop table if exists "identity"."signing_key" cascade;`);

    this.addSql(`drop table if exists "identity"."tenant" cascade;`);

    this.addSql(`drop table if exists "identity"."user_account" cascade;`);

    this.addSql(`drop type "identity"."role";`);
    this.addSql(`drop schema if exists "identity";`);
  }

}
