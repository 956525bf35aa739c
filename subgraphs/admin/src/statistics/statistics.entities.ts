import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/postgresql';

/*
 * Statistics are kept as running tallies, updated by the events as they arrive, so a statistics
 * request reads a handful of rows instead of scanning the event history. Days are UTC days.
 */

/** Accounts that exist (user.created, user.deleted), per tenant. */
@Entity({ tableName: 'user_census' })
@Index({ properties: ['tenantId'] })
export class UserCensus {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}

/**
 * How many accounts and applications exist per tenant ('' for none): kept by the ingest in the same
 * transaction as each census change it follows (created, deleted, moved to another tenant), so the
 * statistics read one row per tenant instead of counting the census.
 */
@Entity({ tableName: 'tenant_tally' })
export class TenantTally {
  @PrimaryKey({ type: 'text' })
  tenantKey!: string;

  @Property({ type: 'integer' })
  users!: number;

  @Property({ type: 'integer' })
  applications!: number;
}

/** OAuth applications that exist (application.created, application.deleted), with their name. */
@Entity({ tableName: 'application_census' })
export class ApplicationCensus {
  @PrimaryKey({ type: 'text' })
  applicationId!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;

  @Property({ type: 'text', nullable: true })
  name?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}

/** Who signed in on a day: one row per user and day. */
@Entity({ tableName: 'daily_active_user' })
@Index({ properties: ['day', 'tenantId'] })
export class DailyActiveUser {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;
}

/** Successful authentications per day, tenant and application ('' for first-party sign-ins). */
@Entity({ tableName: 'daily_authentication' })
export class DailyAuthentication {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  tenantId!: string;

  @PrimaryKey({ type: 'text' })
  applicationId!: string;

  @Property({ type: 'integer' })
  count!: number;
}
