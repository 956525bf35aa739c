import { describe, expect, it } from 'vitest';
import type { RelayedEvent } from '../../../../lib/events/wire.js';
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

describe('webhook body', () => {
  it('has the seed shape: event, timestamp, snake_case data', () => {
    const body = JSON.parse(webhookBody({ ...event, payload: { applicationId: 'app_1' } })) as Record<string, unknown>;
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

  it('carries the payload in snake_case without secret-looking fields, at any depth', () => {
    const body = JSON.parse(
      webhookBody({
        ...event,
        type: 'user.updated',
        payload: {
          changed: ['displayName'],
          sessionId: 's1',
          passwordHash: 'x',
          nested: { apiKey: 'k', clientId: 'c', refreshToken: 't' },
          backupCodes: ['1'],
        },
      }),
    ) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({ changed: ['displayName'], session_id: 's1', nested: { client_id: 'c' } });
    expect(JSON.stringify(body)).not.toMatch(/password|api_key|refresh|backup/);
  });
});
