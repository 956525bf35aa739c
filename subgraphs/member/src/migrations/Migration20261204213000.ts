import { Migration } from '@mikro-orm/migrations';

/**
 * A committed outbox event wakes the relays of every replica (`membergraph_outbox`, payload the schema:
 * a channel spans the database) instead of their next poll (lib/db/notifications.ts). The NOTIFY is
 * sent at commit, only then, and once per transaction however many events.
 */
export class Migration20261204213000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "member"."notify_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify(tg_argv[0], tg_table_schema);
        return null;
      end;
    $$;`);
    this.addSql(`create trigger "outbox_event_notify" after insert on "member"."outbox_event"
      for each statement execute function "member"."notify_change"('membergraph_outbox');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "outbox_event_notify" on "member"."outbox_event";`);
    this.addSql(`drop function if exists "member"."notify_change"();`);
  }
}
