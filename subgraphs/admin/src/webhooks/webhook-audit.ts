import type { EntityManager } from '../../../../lib/db/orm.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';

export type WebhookAuditAction =
  | 'webhook.endpoint_created'
  | 'webhook.endpoint_updated'
  | 'webhook.endpoint_secret_rotated'
  | 'webhook.endpoint_disabled'
  | 'webhook.endpoint_enabled'
  | 'webhook.redelivery_requested';

/** A receiver URL as the audit log keeps it: without query or fragment, where tokens tend to hide. */
export function auditableUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Admin owns the audit log, so its own changes are written straight into it, in the transaction of
 * the change (no outbox round trip). Webhook configuration is not a tenant's: tenantId stays null,
 * which only system admins see.
 */
export function auditWebhookChange(
  em: EntityManager,
  action: WebhookAuditAction,
  actor: { readonly userId: string | null; readonly origin?: RequestOrigin },
  data: Record<string, unknown>,
): void {
  em.persist(
    em.create(AuditEntry, {
      action,
      actorUserId: actor.userId,
      subjectUserId: null,
      tenantId: null,
      applicationId: null,
      source: 'admin',
      ipAddress: actor.origin?.ipAddress ?? null,
      userAgent: actor.origin?.userAgent ?? null,
      data,
    }),
  );
}
