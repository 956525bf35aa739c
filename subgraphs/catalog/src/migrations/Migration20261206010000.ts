import { Migration } from '@mikro-orm/migrations';

/**
 * Each schema announces on channels of its own (`membergraph_outbox_catalog`:
 * lib/db/notifications.ts channelOf) instead of one channel per kind for the whole database, which
 * woke every subgraph's process for every other's commit. A replica still on the previous release
 * listens to the old channel and misses these wakes: its relay falls back to its safety poll until
 * it is replaced.
 */
export class Migration20261206010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "catalog"."notify_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify(left(tg_argv[0] || '_' || tg_table_schema, 63), tg_table_schema);
        return null;
      end;
    $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function "catalog"."notify_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify(tg_argv[0], tg_table_schema);
        return null;
      end;
    $$;`);
  }
}
