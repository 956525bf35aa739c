import { Migration } from '@mikro-orm/migrations';

/**
 * One name per person: the name is identity's (`identity.user_account.display_name`). A name a member
 * wrote through the member paths before this release is carried over to identity when both schemas
 * share a database (the all-in-one and docker-compose layouts), then member's copy is dropped.
 * Member's name wins: it is what the member last saw on their own profile. A member subgraph on a
 * database of its own has no identity schema to reach and drops its copy only.
 */
export class Migration20261204203000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$ begin
  if to_regclass('"identity"."user_account"') is not null then
    update "identity"."user_account" as account set "display_name" = profile."display_name"
      from "member"."member_profile" as profile
      where profile."user_id" = account."id" and profile."display_name" is not null;
  end if;
end $$;`);
    this.addSql(`alter table "member"."member_profile" drop column "display_name";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "member"."member_profile" add column "display_name" text null;`);
  }
}
