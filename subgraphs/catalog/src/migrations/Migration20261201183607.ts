import { Migration } from '@mikro-orm/migrations';

export class Migration20261201183607 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "catalog"."outbox_event" ("id" uuid not null, "type" text not null, "occurred_at" timestamptz not null, "tenant_id" uuid null, "actor_user_id" uuid null, "subject_user_id" uuid null, "ip_address" text null, "user_agent" text null, "payload" jsonb not null, "published_at" timestamptz null, "claimed_until" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_occurred_at_index" on "catalog"."outbox_event" ("published_at", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "catalog"."outbox_event" cascade;`);
  }

}
