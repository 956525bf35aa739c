import { describe, expect, it } from 'vitest';
import { acceptRelayedEvent, type AcceptedEvent, type RelayedEvent } from '../../../../lib/events/wire.js';
import { webhookBody } from './payload.js';

const event: RelayedEvent = {
  id: '0b8f5d7e-6a59-4b1a-9d7e-2f0c1e3a4b5c',
  type: 'user.login',
  occurredAt: '2026-01-01T00:00:00.000+00:00',
  tenantId: '1d1f3c1e-0000-4000-8000-000000000001',
  actorUserId: '1d1f3c1e-0000-4000-8000-000000000002',
  subjectUserId: '1d1f3c1e-0000-4000-8000-000000000002',
  ipAddress: '192.168.1.1',
  userAgent: 'agent/1.0',
  payload: {},
};

/** The event as admin accepts it, read with the event catalog. */
function accepted(relayed: RelayedEvent): AcceptedEvent {
  const read = acceptRelayedEvent(relayed);
  if (!('event' in read)) throw new Error(`not in the event catalog: ${JSON.stringify(read.issues)}`);
  return read.event;
}

describe('webhook body', () => {
  it('has the seed shape: event, timestamp, snake_case data', () => {
    const sent = webhookBody(accepted({ ...event, payload: { applicationId: 'app_1' } }));
    const body = JSON.parse(sent) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['event', 'timestamp', 'data']);
    expect(body).toEqual({
      event: 'user.login',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: {
        user_id: event.subjectUserId,
        application_id: 'app_1',
        ip_address: '192.168.1.1',
        user_agent: 'agent/1.0',
        actor_id: event.actorUserId,
        tenant_id: event.tenantId,
      },
    });
  });

  it('carries the declared payload in snake_case, without the fields the catalog marks personal', () => {
    const body = JSON.parse(
      webhookBody(
        accepted({
          ...event,
          type: 'user.created',
          payload: {
            email: 'someone@example.com',
            role: 'USER',
            userSub: 's1',
            clientId: 'c',
            passwordHash: 'x',
            nested: { apiKey: 'k' },
          },
        }),
      ),
    ) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({ role: 'USER', user_sub: 's1', client_id: 'c' });
    // Personal (email) and undeclared (the rest) fields never leave.
    expect(JSON.stringify(body)).not.toMatch(/someone|email|password|api_key|nested/);
  });
});
