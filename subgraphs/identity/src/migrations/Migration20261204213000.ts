import { Migration } from '@mikro-orm/migrations';

/**
 * Background work sleeps until there is something to do (lib/db/notifications.ts): a committed outbox
 * event wakes the relays (`membergraph_outbox`), an ended session refreshes the revocation feed that
 * identity's replicas serve (`membergraph_revocations`). The payload is the schema, as a channel spans
 * the database. A NOTIFY is sent at commit, only then, and once per transaction however many rows.
 */
export class Migration20261204213000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "identity"."notify_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify(tg_argv[0], tg_table_schema);
        return null;
      end;
    $$;`);
    this.addSql(`create trigger "outbox_event_notify" after insert on "identity"."outbox_event"
      for each statement execute function "identity"."notify_change"('membergraph_outbox');`);
    this.addSql(`create trigger "session_revoked_notify" after update of "revoked_at" on "identity"."session"
      for each statement execute function "identity"."notify_change"('membergraph_revocations');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "session_revoked_notify" on "identity"."session";`);
    this.addSql(`drop trigger if exists "outbox_event_notify" on "identity"."outbox_event";`);
    this.addSql(`drop function if exists "identity"."notify_change"();`);
  }
}
