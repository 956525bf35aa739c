import { Migration } from '@mikro-orm/migrations';

/**
 * Signing keys can be withdrawn in an emergency (`withdrawn_at`). Identity's revocation feed lists
 * withdrawn keys beside ended sessions, so a withdrawal announces itself on the same channel as an
 * ended session: the replicas serving the feed drop the answer they kept.
 */
export class Migration20261206170000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."signing_key" add column "withdrawn_at" timestamptz null;`);
    this.addSql(`create trigger "signing_key_withdrawn_notify" after update of "withdrawn_at" on "identity"."signing_key"
      for each statement execute function "identity"."notify_change"('membergraph_revocations');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "signing_key_withdrawn_notify" on "identity"."signing_key";`);
    this.addSql(`alter table "identity"."signing_key" drop column "withdrawn_at";`);
  }
}
