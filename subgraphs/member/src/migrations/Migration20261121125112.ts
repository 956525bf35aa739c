import { Migration } from '@mikro-orm/migrations';

export class Migration20261121125112 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "member"."verification_purpose" as enum ('BUSINESS_EMAIL', 'BUSINESS_PHONE');`);
    this.addSql(`create table "member"."profile_picture" ("user_id" uuid not null, "tenant_id" uuid not null, "content_type" text not null, "bytes" bytea not null, "byte_length" int not null, "sha256" text not null, "uploaded_at" timestamptz not null, constraint "profile_picture_pkey" primary key ("user_id"));`);

    this.addSql(`create table "member"."verification_challenge" ("id" uuid not null, "user_id" uuid not null, "tenant_id" uuid not null, "purpose" "member"."verification_purpose" not null, "target" text not null, "code_hash" text not null, "failed_attempts" int not null default 0, "expires_at" timestamptz not null, "consumed_at" timestamptz null, "created_at" timestamptz not null, constraint "verification_challenge_pkey" primary key ("id"));`);
    this.addSql(`create index "verification_challenge_target_created_at_index" on "member"."verification_challenge" ("target", "created_at");`);
    this.addSql(`create index "verification_challenge_user_id_created_at_index" on "member"."verification_challenge" ("user_id", "created_at");`);

    this.addSql(`alter table "member"."member_profile" add column "business_email" text null, add column "business_email_verified_at" timestamptz null, add column "business_phone" text null, add column "business_phone_verified_at" timestamptz null, add column "single_sign_on" boolean not null default true, add column "share_name" boolean not null default true, add column "share_gender" boolean not null default false, add column "share_birth_date" boolean not null default false, add column "share_email" boolean not null default true, add column "share_phone" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "member"."profile_picture" cascade;`);

    this.addSql(`drop table if exists "member"."verification_challenge" cascade;`);

    this.addSql(`alter table "member"."member_profile" drop column "business_email", drop column "business_email_verified_at", drop column "business_phone", drop column "business_phone_verified_at", drop column "single_sign_on", drop column "share_name", drop column "share_gender", drop column "share_birth_date", drop column "share_email", drop column "share_phone";`);

    this.addSql(`drop type "member"."verification_purpose";`);
  }

}
