import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, ID, InputType, ObjectType } from 'type-graphql';
import { numberedPageOf } from '../../../../lib/graphql/numbered-page.js';
import type { AuditEntry } from './audit-entry.entity.js';

/** What an AuditEntry shows, read as an entity (the audit log) or as a row (User.auditTrail). */
export type AuditEntryColumns = Pick<
  AuditEntry,
  | 'id'
  | 'occurredAt'
  | 'action'
  | 'actorUserId'
  | 'subjectUserId'
  | 'tenantId'
  | 'applicationId'
  | 'data'
  | 'ipAddress'
  | 'userAgent'
>;

@ObjectType('AuditEntry', { description: 'Something that happened, who did it and from where' })
export class AuditEntryType {
  @Field(() => ID)
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field()
  action!: string;

  @Field(() => ID, { nullable: true, description: 'Who did it (null: the system, or someone not signed in)' })
  actorUserId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Whom it was about' })
  subjectUserId!: string | null;

  @Field(() => ID, { nullable: true })
  tenantId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The OAuth application involved, if any' })
  applicationId!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'What the event recorded besides the columns above' })
  details!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  static from(row: AuditEntryColumns): AuditEntryType {
    return Object.assign(new AuditEntryType(), {
      id: row.id,
      occurredAt: row.occurredAt,
      action: row.action,
      actorUserId: row.actorUserId ?? null,
      subjectUserId: row.subjectUserId ?? null,
      tenantId: row.tenantId ?? null,
      applicationId: row.applicationId ?? null,
      details: row.data,
      ipAddress: row.ipAddress ?? null,
      userAgent: row.userAgent ?? null,
    });
  }
}

export const AUDIT_TRAIL_MAX = 100;

@InputType('AuditLogFilter', { description: 'Every given condition must hold' })
export class AuditLogFilterInput {
  @Field(() => ID, { nullable: true, description: 'Entries by or about this user' })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  applicationId?: string | null;

  @Field(() => String, { nullable: true, description: 'An event type such as user.login' })
  action?: string | null;

  @Field(() => Date, { nullable: true, description: 'From this instant (inclusive)' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until this instant (exclusive)' })
  to?: Date | null;
}

@ObjectType('AuditLogPage')
export class AuditLogPageType extends numberedPageOf(AuditEntryType, { items: 'Newest first' }) {}

/** Identity's User, extended here; its tenant comes sealed by identity (lib/auth/user-facts.ts). */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class AdminUser {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @Directive('@external')
  accessFacts?: string | null;

  /** From the verified facts only (lib/graphql/user-reference.ts); not a field of this subgraph. */
  tenantId?: string;
}
