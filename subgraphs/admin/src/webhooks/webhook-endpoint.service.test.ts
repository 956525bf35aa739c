import { describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import { createSecretBox } from '../../../../lib/crypto/secret-box.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { ROTATION_GRACE_MS, type WebhookSettings } from './settings.js';
import { WebhookEndpointService } from './webhook-endpoint.service.js';
import { secretKeys } from '../../../../lib/crypto/secret-key.js';

const production: WebhookSettings = {
  retryDelaysMs: [1000],
  timeoutMs: 1000,
  pollIntervalMs: 1000,
  disableAfterFailures: 5,
  allowPrivateTargets: false,
  requireHttps: true,
  rotationGraceMs: ROTATION_GRACE_MS,
};
const admin = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', role: 'SYSTEM_ADMIN' } as UserPrincipal;
const origin = { ipAddress: null, userAgent: null };
// Validation runs before the database is touched.
const noDatabase = {} as EntityManager;

function create(settings: WebhookSettings, url: string) {
  const service = new WebhookEndpointService(settings, createSecretBox(secretKeys('k'.repeat(32)), 'test'));
  return service.create(noDatabase, admin, { url, events: ['user.login'] }, origin);
}

describe('webhook endpoint URLs', () => {
  it('must be https in production', async () => {
    await expect(create(production, 'http://93.184.215.14/hooks')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'url must use https',
    });
  });

  it('are refused in production when they reach a private address, unless allowed', async () => {
    await expect(create(production, 'https://192.168.0.10/hooks')).rejects.toMatchObject({
      message: expect.stringContaining('192.168.0.10 is private') as unknown,
    });
    await expect(create(production, 'https://[fd00::1]/hooks')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // Allowed: validation passes and the (absent) database is reached.
    await expect(create({ ...production, allowPrivateTargets: true }, 'https://192.168.0.10/hooks')).rejects.toThrow(
      TypeError,
    );
  });

  it('may not carry a fragment', async () => {
    await expect(create(production, 'https://93.184.215.14/hooks#x')).rejects.toMatchObject({
      message: 'url must not contain a fragment',
    });
  });
});
