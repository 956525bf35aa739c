import { Migration } from '@mikro-orm/migrations';

/**
 * Each backup code names the SECRET_KEY its hash was made under (`key_id`, KeyedHasher.keyId), so
 * codes a retired key voided are not counted as remaining and `npm run secrets:reseal` can say whose
 * codes a fallback still carries. Existing codes have none (under which key is unknown).
 */
export class Migration20261206222132 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "identity"."backup_code" add column "key_id" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "identity"."backup_code" drop column "key_id";`);
  }

}
