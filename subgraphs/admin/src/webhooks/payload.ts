import { publicPayload } from '../../../../lib/events/catalog.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { applicationIdOf } from '../events/event-fields.js';

/** Already carried by the fixed fields, in their own spelling. */
const CARRIED = new Set(['application_id', 'user_id', 'ip_address', 'user_agent', 'tenant_id', 'actor_id']);

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) out[snake(key)] = snakeKeys(inner);
  return out;
}

/**
 * The webhook body of seed 004: `{"event", "timestamp", "data"}`, `data` in snake_case with the
 * user, application and address first, then who acted, the tenant, the user agent and the event's
 * own fields: those the event catalog declares, without the ones it marks personal.
 */
export function webhookBody(event: AcceptedEvent): string {
  const extra = snakeKeys(publicPayload(event)) as Record<string, unknown>;
  for (const key of CARRIED) delete extra[key];
  return JSON.stringify({
    event: event.type,
    timestamp: new Date(event.occurredAt).toISOString(),
    data: {
      user_id: event.subjectUserId,
      application_id: applicationIdOf(event),
      ip_address: event.ipAddress,
      user_agent: event.userAgent,
      actor_id: event.actorUserId,
      tenant_id: event.tenantId,
      ...extra,
    },
  });
}
