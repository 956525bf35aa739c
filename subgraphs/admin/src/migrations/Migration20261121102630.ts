import { Migration } from '@mikro-orm/migrations';

export class Migration20261121102630 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "admin";`);
    this.addSql(`create table "admin"."audit_entry" ("id" uuid not null, "occurred_at" timestamptz not null, "action" text not null, "actor_user_id" uuid null, "subject_user_id" uuid null, "tenant_id" uuid null, "ip_address" text null, "user_agent" text null, "data" jsonb not null, constraint "audit_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_entry_occurred_at_index" on "admin"."audit_entry" ("occurred_at");`);
    this.addSql(`create index "audit_entry_tenant_id_index" on "admin"."audit_entry" ("tenant_id");`);
    this.addSql(`create index "audit_entry_subject_user_id_occurred_at_index" on "admin"."audit_entry" ("subject_user_id", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "admin"."audit_entry" cascade;`);

    this.addSql(`drop schema if exists "admin";`);
  }

}
