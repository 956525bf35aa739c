import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/**
 * Transactional outbox: a subgraph records what happened in the same transaction as the change, so
 * an event is never lost after a commit and never exists for a change that rolled back. Each subgraph
 * has this table in its own schema; the admin subgraph turns them into audit entries and webhooks.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['publishedAt', 'occurredAt'] })
export class OutboxEvent {
  [OptionalProps]?: 'id' | 'occurredAt' | 'publishedAt' | 'payload';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** e.g. user.created, user.login, user.login_failed (see lib/events/types.ts). */
  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'timestamptz' })
  occurredAt: Date = new Date();

  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;

  /** Who did it (null for the system or an anonymous caller). */
  @Property({ type: 'uuid', nullable: true })
  actorUserId?: string | null;

  /** Whom or what it was about. */
  @Property({ type: 'uuid', nullable: true })
  subjectUserId?: string | null;

  @Property({ type: 'text', nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Property({ type: 'jsonb' })
  payload: Record<string, unknown> = {};

  /** Set by the dispatcher once the event has been handed on. */
  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date | null;
}
