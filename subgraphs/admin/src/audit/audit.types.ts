import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { AuditEntry } from './audit-entry.entity.js';

@ObjectType('AuditEntry', { description: 'Something that happened, who did it and from where' })
export class AuditEntryType {
  @Field(() => ID)
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field()
  action!: string;

  @Field(() => ID, { nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  static from(row: AuditEntry): AuditEntryType {
    return Object.assign(new AuditEntryType(), {
      id: row.id,
      occurredAt: row.occurredAt,
      action: row.action,
      actorUserId: row.actorUserId ?? null,
      ipAddress: row.ipAddress ?? null,
      userAgent: row.userAgent ?? null,
    });
  }
}

export const AUDIT_TRAIL_MAX = 100;

@ObjectType('User')
@Directive('@key(fields: "id")')
export class AdminUser {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  @Directive('@external')
  tenantId!: string;
}
