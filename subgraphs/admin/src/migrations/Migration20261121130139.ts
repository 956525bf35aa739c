import { Migration } from '@mikro-orm/migrations';

export class Migration20261121130139 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "admin"."application_census" ("application_id" text not null, "tenant_id" uuid null, "name" text null, "created_at" timestamptz not null, "deleted_at" timestamptz null, constraint "application_census_pkey" primary key ("application_id"));`);

    this.addSql(`create table "admin"."daily_active_user" ("day" date not null, "user_id" uuid not null, "tenant_id" uuid null, constraint "daily_active_user_pkey" primary key ("day", "user_id"));`);
    this.addSql(`create index "daily_active_user_day_tenant_id_index" on "admin"."daily_active_user" ("day", "tenant_id");`);

    this.addSql(`create table "admin"."daily_authentication" ("day" date not null, "tenant_id" text not null, "application_id" text not null, "count" int not null, constraint "daily_authentication_pkey" primary key ("day", "tenant_id", "application_id"));`);

    this.addSql(`create table "admin"."user_census" ("user_id" uuid not null, "tenant_id" uuid null, "created_at" timestamptz not null, "deleted_at" timestamptz null, constraint "user_census_pkey" primary key ("user_id"));`);
    this.addSql(`create index "user_census_tenant_id_index" on "admin"."user_census" ("tenant_id");`);

    this.addSql(`alter table "admin"."audit_entry" add column "application_id" text null, add column "source" text null;`);
    this.addSql(`create index "audit_entry_application_id_occurred_at_index" on "admin"."audit_entry" ("application_id", "occurred_at");`);
    this.addSql(`create index "audit_entry_action_occurred_at_index" on "admin"."audit_entry" ("action", "occurred_at");`);
    this.addSql(`create index "audit_entry_actor_user_id_occurred_at_index" on "admin"."audit_entry" ("actor_user_id", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "admin"."application_census" cascade;`);

    this.addSql(`drop table if exists "admin"."daily_active_user" cascade;`);

    this.addSql(`drop table if exists "admin"."daily_authentication" cascade;`);

    this.addSql(`drop table if exists "admin"."user_census" cascade;`);

    this.addSql(`drop index "admin"."audit_entry_application_id_occurred_at_index";`);
    this.addSql(`drop index "admin"."audit_entry_action_occurred_at_index";`);
    this.addSql(`drop index "admin"."audit_entry_actor_user_id_occurred_at_index";`);
    this.addSql(`alter table "admin"."audit_entry" drop column "application_id", drop column "source";`);
  }

}
