import { Migration } from '@mikro-orm/migrations';

export class Migration20261121113615 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "identity"."totp_factor" ("id" uuid not null, "user_id" uuid not null, "secret_sealed" text not null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "pending_expires_at" timestamptz null, "last_used_step" bigint not null default 0, constraint "totp_factor_pkey" primary key ("id"));`);
    this.addSql(`alter table "identity"."totp_factor" add constraint "totp_factor_user_id_unique" unique ("user_id");`);

    this.addSql(`create table "identity"."backup_code" ("id" uuid not null, "user_id" uuid not null, "code_hash" text not null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "backup_code_pkey" primary key ("id"));`);
    this.addSql(`create index "backup_code_user_id_code_hash_index" on "identity"."backup_code" ("user_id", "code_hash");`);

    this.addSql(`alter table "identity"."totp_factor" add constraint "totp_factor_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."backup_code" add constraint "backup_code_user_id_foreign" foreign key ("user_id") references "identity"."user_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity"."session" add column "step_up_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "identity"."totp_factor" cascade;`);

    this.addSql(`drop table if exists "identity"."backup_code" cascade;`);

    this.addSql(`alter table "identity"."session" drop column "step_up_at";`);
  }

}
