import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/**
 * One thing that happened: append-only, written from the event outbox (no API edits or deletes it).
 * The id is the outbox event's id, so an event relayed twice is recorded once.
 */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['subjectUserId', 'occurredAt'] })
@Index({ properties: ['actorUserId', 'occurredAt'] })
@Index({ properties: ['action', 'occurredAt'] })
@Index({ properties: ['applicationId', 'occurredAt'] })
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

  /** The OAuth application involved (an authorization, a sign-in through it), if any. */
  @Property({ type: 'text', nullable: true })
  applicationId?: string | null;

  /** The subgraph that recorded the event. */
  @Property({ type: 'text', nullable: true })
  source?: string | null;

  @Property({ type: 'text', nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Property({ type: 'jsonb' })
  data: Record<string, unknown> = {};
}
