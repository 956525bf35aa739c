import type { EntityManager } from '../db/orm.js';
import type { RequestOrigin } from '../http/origin.js';
import { OutboxEvent } from './outbox-event.entity.js';

/** What the catalog subgraph records of its items: `catalog.system_created`, `catalog.site_deactivated`... */
export type CatalogEventType = `catalog.${'system' | 'module' | 'company' | 'site'}_${
  'created' | 'updated' | 'activated' | 'deactivated'}`;

/** The events subgraphs record; the names are the webhook event types of seed 004 and our own. */
export type EventType =
  | CatalogEventType
  | 'permission.granted'
  | 'permission.revoked'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.login'
  | 'user.login_failed'
  | 'user.login_throttled'
  | 'user.logout'
  | 'user.password_changed'
  | 'user.role_changed'
  | 'user.activated'
  | 'user.deactivated'
  | 'user.tenant_changed'
  | 'user.totp_enrolled'
  | 'user.totp_disabled'
  | 'session.refresh_reuse_detected'
  | 'tenant.created'
  | 'user.password_setup_issued'
  | 'api_client.created'
  | 'api_client.rotated'
  | 'api_client.disabled'
  | 'application.created'
  | 'application.updated'
  | 'application.deleted'
  | 'application.authorized'
  | 'application.revoked';

export interface EventRecord {
  readonly type: EventType;
  readonly tenantId?: string | null;
  readonly actorUserId?: string | null;
  readonly subjectUserId?: string | null;
  readonly origin?: RequestOrigin;
  readonly payload?: Record<string, unknown>;
}

/**
 * Adds an event to the unit of work of `em`: it is written by the same flush, inside the same
 * transaction, as the change it describes.
 */
export function recordEvent(em: EntityManager, event: EventRecord): OutboxEvent {
  const row = em.create(OutboxEvent, {
    type: event.type,
    tenantId: event.tenantId ?? null,
    actorUserId: event.actorUserId ?? null,
    subjectUserId: event.subjectUserId ?? null,
    ipAddress: event.origin?.ipAddress ?? null,
    userAgent: event.origin?.userAgent ?? null,
    payload: event.payload ?? {},
  });
  em.persist(row);
  return row;
}
