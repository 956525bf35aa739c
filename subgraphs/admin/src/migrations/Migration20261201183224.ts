import { Migration } from '@mikro-orm/migrations';

/**
 * Per-tenant tallies of accounts and applications (statistics read them instead of counting the
 * census), filled from the census as it stands; and the redelivery counter a worker compares with
 * its claim, so a redelivery asked for during an attempt is not lost.
 */
export class Migration20261201183224 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "admin"."tenant_tally" ("tenant_key" text not null, "users" int not null, "applications" int not null, constraint "tenant_tally_pkey" primary key ("tenant_key"));`);
    this.addSql(`insert into "admin"."tenant_tally" ("tenant_key", "users", "applications")
      select tenant_key, sum(users), sum(applications) from (
        select coalesce(tenant_id::text, '') as tenant_key, count(*) as users, 0 as applications
        from "admin"."user_census" where deleted_at is null group by 1
        union all
        select coalesce(tenant_id::text, ''), 0, count(*)
        from "admin"."application_census" where deleted_at is null group by 1
      ) as counted group by tenant_key;`);

    this.addSql(`alter table "admin"."webhook_delivery" add column "redelivery_requests" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "admin"."tenant_tally" cascade;`);

    this.addSql(`alter table "admin"."webhook_delivery" drop column "redelivery_requests";`);
  }

}
