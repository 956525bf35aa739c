import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log is append-only in the database itself, not only by the absence of an API: an UPDATE
 * or DELETE of an entry fails whoever sends it (TRUNCATE by the owner remains, for retention jobs).
 */
export class Migration20261121130436 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "admin"."audit_entry_append_only"() returns trigger language plpgsql as $$
      begin
        raise exception 'audit entries are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
      end;
    $$;`);
    this.addSql(`create trigger "audit_entry_append_only" before update or delete on "admin"."audit_entry"
      for each row execute function "admin"."audit_entry_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "audit_entry_append_only" on "admin"."audit_entry";`);
    this.addSql(`drop function if exists "admin"."audit_entry_append_only"();`);
  }
}
