import { Migration } from '@mikro-orm/migrations';

export class Migration20261121113749 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "catalog"."catalog_status" as enum ('active', 'inactive');`);
    this.addSql(`create table "catalog"."company" ("id" uuid not null, "company_key" text not null, "name" text not null, "status" "catalog"."catalog_status" not null default 'active', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "company_pkey" primary key ("id"));`);
    this.addSql(`alter table "catalog"."company" add constraint "company_company_key_unique" unique ("company_key");`);

    this.addSql(`create table "catalog"."site" ("id" uuid not null, "site_key" text not null, "company_id" uuid not null, "name" text not null, "status" "catalog"."catalog_status" not null default 'active', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "site_pkey" primary key ("id"));`);
    this.addSql(`alter table "catalog"."site" add constraint "site_site_key_unique" unique ("site_key");`);
    this.addSql(`create index "site_company_id_index" on "catalog"."site" ("company_id");`);

    this.addSql(`create table "catalog"."system" ("id" uuid not null, "system_key" text not null, "name" text not null, "status" "catalog"."catalog_status" not null default 'active', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "system_pkey" primary key ("id"));`);
    this.addSql(`alter table "catalog"."system" add constraint "system_system_key_unique" unique ("system_key");`);

    this.addSql(`create table "catalog"."module" ("id" uuid not null, "module_key" text not null, "system_id" uuid not null, "name" text not null, "status" "catalog"."catalog_status" not null default 'active', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "module_pkey" primary key ("id"));`);
    this.addSql(`alter table "catalog"."module" add constraint "module_module_key_unique" unique ("module_key");`);
    this.addSql(`create index "module_system_id_index" on "catalog"."module" ("system_id");`);

    this.addSql(`alter table "catalog"."site" add constraint "site_company_id_foreign" foreign key ("company_id") references "catalog"."company" ("id") on update cascade;`);

    this.addSql(`alter table "catalog"."module" add constraint "module_system_id_foreign" foreign key ("system_id") references "catalog"."system" ("id") on update cascade;`);

    this.addSql(`drop index "catalog"."permission_grant_user_id_index";`);
    this.addSql(`alter table "catalog"."permission_grant" drop column "user_id";`);

    this.addSql(`alter table "catalog"."permission_grant" add column "user_sub" text not null, add column "updated_at" timestamptz not null;`);
    this.addSql(`create index "permission_grant_scope_type_scope_key_index" on "catalog"."permission_grant" ("scope_type", "scope_key");`);
    this.addSql(`create index "permission_grant_module_key_index" on "catalog"."permission_grant" ("module_key");`);
    this.addSql(`create index "permission_grant_system_key_index" on "catalog"."permission_grant" ("system_key");`);
    this.addSql(`alter table "catalog"."permission_grant" add constraint "permission_grant_target_unique" unique ("user_sub", "scope_type", "scope_key", "system_key", "module_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "catalog"."site" drop constraint "site_company_id_foreign";`);

    this.addSql(`alter table "catalog"."module" drop constraint "module_system_id_foreign";`);

    this.addSql(`drop table if exists "catalog"."company" cascade;`);

    this.addSql(`drop table if exists "catalog"."site" cascade;`);

    this.addSql(`drop table if exists "catalog"."system" cascade;`);

    this.addSql(`drop table if exists "catalog"."module" cascade;`);

    this.addSql(`drop index "catalog"."permission_grant_scope_type_scope_key_index";`);
    this.addSql(`drop index "catalog"."permission_grant_module_key_index";`);
    this.addSql(`drop index "catalog"."permission_grant_system_key_index";`);
    this.addSql(`alter table "catalog"."permission_grant" drop constraint "permission_grant_target_unique";`);
    this.addSql(`alter table "catalog"."permission_grant" drop column "user_sub", drop column "updated_at";`);

    this.addSql(`alter table "catalog"."permission_grant" add column "user_id" uuid not null;`);
    this.addSql(`create index "permission_grant_user_id_index" on "catalog"."permission_grant" ("user_id");`);

    this.addSql(`drop type "catalog"."catalog_status";`);
  }

}
