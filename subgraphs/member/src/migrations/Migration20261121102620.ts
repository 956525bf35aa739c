import { Migration } from '@mikro-orm/migrations';

export class Migration20261121102620 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "member";`);
    this.addSql(`create table "member"."member_profile" ("user_id" uuid not null, "tenant_id" uuid not null, "display_name" text null, "avatar_url" text null, "phone" text null, "language" text null, "currency" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "member_profile_pkey" primary key ("user_id"));`);
    this.addSql(`create index "member_profile_tenant_id_index" on "member"."member_profile" ("tenant_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "member"."member_profile" cascade;`);

    this.addSql(`drop schema if exists "member";`);
  }

}
