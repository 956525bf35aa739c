import { Migration } from '@mikro-orm/migrations';

export class Migration20261121110617 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "member"."gender" as enum ('FEMALE', 'MALE', 'OTHER', 'UNDISCLOSED');`);
    this.addSql(`alter table "member"."member_profile" add column "birth_date" date null, add column "gender" "member"."gender" null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "member"."member_profile" drop column "birth_date", drop column "gender";`);

    this.addSql(`drop type "member"."gender";`);
  }

}
