import type { EventType } from '../../../../lib/events/record.js';

/**
 * The event types an endpoint may subscribe to: seed 004's list and every type the subgraphs record.
 * The check below fails compilation when an EventType is added without being listed here.
 */
export const WEBHOOK_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.login',
  'user.logout',
  'user.login_failed',
  'user.login_throttled',
  'user.password_changed',
  'user.password_setup_issued',
  'user.role_changed',
  'user.activated',
  'user.deactivated',
  'user.tenant_changed',
  'user.totp_enrolled',
  'user.totp_disabled',
  'session.refresh_reuse_detected',
  'tenant.created',
  'application.created',
  'application.updated',
  'application.deleted',
  'application.authorized',
  'application.revoked',
  'api_client.created',
  'api_client.rotated',
  'api_client.disabled',
  'catalog.system_created',
  'catalog.system_updated',
  'catalog.system_activated',
  'catalog.system_deactivated',
  'catalog.module_created',
  'catalog.module_updated',
  'catalog.module_activated',
  'catalog.module_deactivated',
  'catalog.company_created',
  'catalog.company_updated',
  'catalog.company_activated',
  'catalog.company_deactivated',
  'catalog.site_created',
  'catalog.site_updated',
  'catalog.site_activated',
  'catalog.site_deactivated',
  'permission.granted',
  'permission.revoked',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes to every type, present and future. */
export const ALL_EVENTS = '*';

type Unlisted = Exclude<EventType, WebhookEventType>;
const everyEventTypeIsListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyEventTypeIsListed;

const known: ReadonlySet<string> = new Set<string>([...WEBHOOK_EVENT_TYPES, ALL_EVENTS]);

export function isSubscribableEvent(type: string): boolean {
  return known.has(type);
}

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
