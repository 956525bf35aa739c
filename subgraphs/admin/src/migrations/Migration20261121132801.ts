import { Migration } from '@mikro-orm/migrations';

export class Migration20261121132801 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "admin"."webhook_endpoint" ("id" uuid not null, "url" text not null, "events" text[] not null, "description" text null, "secret_sealed" text not null, "previous_secret_sealed" text null, "previous_secret_expires_at" timestamptz null, "enabled" boolean not null default true, "disabled_at" timestamptz null, "disabled_reason" text null, "failed_deliveries_in_row" int not null default 0, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "secret_rotated_at" timestamptz null, constraint "webhook_endpoint_pkey" primary key ("id"));`);

    this.addSql(`create table "admin"."webhook_delivery" ("id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "body" text not null, "status" text not null default 'pending', "attempt_count" int not null default 0, "retry_step" int not null default 0, "next_attempt_at" timestamptz null, "claimed_until" timestamptz null, "lease_token" uuid null, "redelivery_requested" boolean not null default false, "created_at" timestamptz not null, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_status_next_attempt_at_index" on "admin"."webhook_delivery" ("status", "next_attempt_at");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "admin"."webhook_delivery" ("endpoint_id", "created_at");`);
    this.addSql(`alter table "admin"."webhook_delivery" add constraint "webhook_delivery_endpoint_id_event_id_unique" unique ("endpoint_id", "event_id");`);

    this.addSql(`create table "admin"."webhook_attempt" ("id" uuid not null, "delivery_id" uuid not null, "attempted_at" timestamptz not null, "status_code" int null, "error" text null, "duration_ms" int not null, "succeeded" boolean not null, "manual" boolean not null, constraint "webhook_attempt_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_attempt_delivery_id_attempted_at_index" on "admin"."webhook_attempt" ("delivery_id", "attempted_at");`);

    this.addSql(`alter table "admin"."webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "admin"."webhook_endpoint" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "admin"."webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "admin"."webhook_delivery" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "admin"."webhook_delivery" drop constraint "webhook_delivery_endpoint_id_foreign";`);

    this.addSql(`alter table "admin"."webhook_attempt" drop constraint "webhook_attempt_delivery_id_foreign";`);

    this.addSql(`drop table if exists "admin"."webhook_endpoint" cascade;`);

    this.addSql(`drop table if exists "admin"."webhook_delivery" cascade;`);

    this.addSql(`drop table if exists "admin"."webhook_attempt" cascade;`);
  }

}
