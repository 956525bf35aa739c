import { Migration } from '@mikro-orm/migrations';

export class Migration20261121111223 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."outbox_event" ("id" uuid not null, "type" text not null, "occurred_at" timestamptz not null, "tenant_id" uuid null, "actor_user_id" uuid null, "subject_user_id" uuid null, "ip_address" text null, "user_agent" text null, "payload" jsonb not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_occurred_at_index" on "identity"."outbox_event" ("published_at", "occurred_at");`);

    this.addSql(`create table "identity"."session" ("id" uuid not null, "user_id" uuid not null, "amr" text[] not null, "auth_time" timestamptz not null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" text null, "ip_address" text null, "user_agent" text null, constraint "session_pkey" primary key ("id"));`);
    this.addSql(`create index "session_user_id_index" on "identity"."session" ("user_id");`);
    this.addSql(`create index "session_revoked_at_index" on "identity"."session" ("revoked_at");`);

    this.addSql(`create table "identity"."refresh_token" ("id" uuid not null, "session_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "refresh_token_pkey" primary key ("id"));`);
    this.addSql(`create index "refresh_token_session_id_index" on "identity"."refresh_token" ("session_id");`);
    this.addSql(`alter table "identity"."refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "identity"."session" add constraint "session_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."refresh_token" add constraint "refresh_token_session_id_foreign" foreign key ("session_id") references "identity"."session" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."user_account" add column "external_sub" text null, add column "failed_login_count" int not null default 0, add column "throttled_until" timestamptz null;`);
    this.addSql(`alter table "identity"."user_account" add constraint "user_account_external_sub_unique" unique ("external_sub");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."refresh_token" drop constraint "refresh_token_session_id_foreign";`);

    this.addSql(`drop table if exists "identity"."outbox_event" cascade;`);

    this.addSql(`drop table if exists "identity"."session" cascade;`);

    this.addSql(`drop table if exists "identity"."refresh_token" cascade;`);

    this.addSql(`alter table "identity"."user_account" drop constraint "user_account_external_sub_unique";`);
    this.addSql(`alter table "identity"."user_account" drop column "external_sub", drop column "failed_login_count", drop column "throttled_until";`);
  }

}
