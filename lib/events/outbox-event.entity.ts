import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { RETAIN_EXPIRED_DAYS, retainFor } from '../db/retention.js';

/**
 * Transactional outbox: a subgraph records what happened in the same transaction as the change, so
 * an event is never lost after a commit and never exists for a change that rolled back. Each subgraph
 * has this table in its own schema; a relay (lib/events/relay.ts) hands the events to the admin
 * subgraph, which turns them into audit entries, statistics and webhooks.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['publishedAt', 'occurredAt'] })
export class OutboxEvent {
  [OptionalProps]?: 'id' | 'occurredAt' | 'publishedAt' | 'claimedUntil' | 'payload';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** e.g. user.created, user.login, user.login_failed (declared in lib/events/catalog.ts). */
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

  /** Set by the relay once admin and every consumer of its type (lib/events/consumers.ts) took the event. */
  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date | null;

  /**
   * A relay that took the event holds it until then (a lease, not a transaction, so no connection is
   * held while it sends); a relay that died mid-send lets it go when the lease runs out.
   */
  @Property({ type: 'timestamptz', nullable: true })
  claimedUntil?: Date | null;
}

/**
 * Published events are kept a week (for investigation), then deleted by the subgraph's sweeper
 * (lib/db/retention.ts), which every subgraph with an outbox runs. Unpublished events stay.
 */
export const publishedEventRetention = retainFor(OutboxEvent, RETAIN_EXPIRED_DAYS, 'publishedAt');
