import { Migration } from '@mikro-orm/migrations';

export class Migration20261121132825 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."oauth_application" ("id" uuid not null, "client_id" text not null, "name" text not null, "description" text null, "redirect_uris" text[] not null, "allowed_origins" text[] not null, "client_type" text check ("client_type" in ('confidential', 'public')) not null default 'confidential', "client_secret_hash" text null, "client_secret_prefix" text null, "primary_color" text null, "secondary_color" text null, "logo_url" text null, "background_image_url" text null, "owner_id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "secret_rotated_at" timestamptz null, "deleted_at" timestamptz null, constraint "oauth_application_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."oauth_application" add constraint "oauth_application_client_id_unique" unique ("client_id");`);
    this.addSql(`create index "oauth_application_tenant_id_index" on "identity"."oauth_application" ("tenant_id");`);

    this.addSql(`create table "identity"."oauth_authorization_code" ("id" uuid not null, "code_hash" text not null, "application_id" uuid not null, "user_id" uuid not null, "approved_in_id" uuid not null, "redirect_uri" text not null, "scopes" text[] not null, "code_challenge" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "issued_session_id" uuid null, constraint "oauth_authorization_code_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."oauth_authorization_code" add constraint "oauth_authorization_code_code_hash_unique" unique ("code_hash");`);
    this.addSql(`create index "oauth_authorization_code_user_id_application_id_index" on "identity"."oauth_authorization_code" ("user_id", "application_id");`);

    this.addSql(`create table "identity"."oauth_session" ("id" uuid not null, "session_id" uuid not null, "application_id" uuid not null, "user_id" uuid not null, "scopes" text[] not null, "created_at" timestamptz not null, constraint "oauth_session_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."oauth_session" add constraint "oauth_session_session_id_unique" unique ("session_id");`);
    this.addSql(`create index "oauth_session_application_id_index" on "identity"."oauth_session" ("application_id");`);
    this.addSql(`create index "oauth_session_user_id_application_id_index" on "identity"."oauth_session" ("user_id", "application_id");`);

    this.addSql(`create table "identity"."oauth_refresh_token" ("id" uuid not null, "grant_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "oauth_refresh_token_pkey" primary key ("id"));`);
    this.addSql(`create index "oauth_refresh_token_grant_id_index" on "identity"."oauth_refresh_token" ("grant_id");`);
    this.addSql(`alter table "identity"."oauth_refresh_token" add constraint "oauth_refresh_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "identity"."oauth_consent" ("id" uuid not null, "user_id" uuid not null, "application_id" uuid not null, "scopes" text[] not null, "authorized_at" timestamptz not null, "last_used_at" timestamptz null, constraint "oauth_consent_pkey" primary key ("id"));`);
    this.addSql(`create index "oauth_consent_application_id_index" on "identity"."oauth_consent" ("application_id");`);
    this.addSql(`alter table "identity"."oauth_consent" add constraint "oauth_consent_user_id_application_id_unique" unique ("user_id", "application_id");`);

    this.addSql(`alter table "identity"."oauth_authorization_code" add constraint "oauth_authorization_code_application_id_foreign" foreign key ("application_id") references "identity"."oauth_application" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity"."oauth_authorization_code" add constraint "oauth_authorization_code_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity"."oauth_authorization_code" add constraint "oauth_authorization_code_approved_in_id_foreign" foreign key ("approved_in_id") references "identity"."session" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."oauth_session" add constraint "oauth_session_session_id_foreign" foreign key ("session_id") references "identity"."session" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity"."oauth_session" add constraint "oauth_session_application_id_foreign" foreign key ("application_id") references "identity"."oauth_application" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity"."oauth_session" add constraint "oauth_session_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."oauth_refresh_token" add constraint "oauth_refresh_token_grant_id_foreign" foreign key ("grant_id") references "identity"."oauth_session" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."oauth_consent" add constraint "oauth_consent_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity"."oauth_consent" add constraint "oauth_consent_application_id_foreign" foreign key ("application_id") references "identity"."oauth_application" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."oauth_authorization_code" drop constraint "oauth_authorization_code_application_id_foreign";`);

    this.addSql(`alter table "identity"."oauth_session" drop constraint "oauth_session_application_id_foreign";`);

    this.addSql(`alter table "identity"."oauth_consent" drop constraint "oauth_consent_application_id_foreign";`);

    this.addSql(`alter table "identity"."oauth_refresh_token" drop constraint "oauth_refresh_token_grant_id_foreign";`);

    this.addSql(`drop table if exists "identity"."oauth_application" cascade;`);

    this.addSql(`drop table if exists "identity"."oauth_authorization_code" cascade;`);

    this.addSql(`drop table if exists "identity"."oauth_session" cascade;`);

    this.addSql(`drop table if exists "identity"."oauth_refresh_token" cascade;`);

    this.addSql(`drop table if exists "identity"."oauth_consent" cascade;`);
  }

}
