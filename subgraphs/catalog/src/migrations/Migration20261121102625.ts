import { Migration } from '@mikro-orm/migrations';

export class Migration20261121102625 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "catalog";`);
    this.addSql(`create type "catalog"."scope_type" as enum ('SITE', 'COMPANY');`);
    this.addSql(`create table "catalog"."permission_grant" ("id" uuid not null, "user_id" uuid not null, "scope_type" "catalog"."scope_type" not null, "scope_key" text not null, "system_key" text not null, "module_key" text not null, "actions" text[] not null, "created_at" timestamptz not null, constraint "permission_grant_pkey" primary key ("id"));`);
    this.addSql(`create index "permission_grant_user_id_index" on "catalog"."permission_grant" ("user_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog"."permission_grant" cascade;`);

    this.addSql(`drop type "catalog"."scope_type";`);
    this.addSql(`drop schema if exists "catalog";`);
  }

}
