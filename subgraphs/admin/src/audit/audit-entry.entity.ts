import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/** One thing that happened: append-only, written from the event outbox (no API edits it). */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['subjectUserId', 'occurredAt'] })
export class AuditEntry {
  [OptionalProps]?: 'id' | 'occurredAt' | 'data';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'timestamptz' })
  @Index()
  occurredAt: Date = new Date();

  /** e.g. user.login, user.created. */
  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'uuid', nullable: true })
  actorUserId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  subjectUserId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  tenantId?: string | null;

  @Property({ type: 'text', nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Property({ type: 'jsonb' })
  data: Record<string, unknown> = {};
}
