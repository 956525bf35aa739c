import { Migration } from '@mikro-orm/migrations';

export class Migration20261121113823 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."api_client" ("id" uuid not null, "name" text not null, "client_key" text not null, "api_key_hash" text not null, "api_key_prefix" text not null, "expires_at" timestamptz null, "allowed_origins" text[] not null, "allowed_ips" text[] not null, "allowed_paths" text[] not null, "scopes" text[] not null, "created_by" uuid null, "created_at" timestamptz not null, "rotated_at" timestamptz null, "disabled_at" timestamptz null, constraint "api_client_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."api_client" add constraint "api_client_client_key_unique" unique ("client_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "identity"."api_client" cascade;`);
  }

}
