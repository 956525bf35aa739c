import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signatureHeader, signWebhook, webhookIdOf } from './signing.js';

describe('Standard Webhooks signing', () => {
  it('matches the specification test vector', () => {
    // standard-webhooks/standard-webhooks libraries/go/webhook_test.go, TestWebhookSign.
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('is verified by the standardwebhooks library, with one or two secrets', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const id = webhookIdOf('6f1c2a8e-93b4-4d0e-8f51-2b7c9d0e1a23');
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ event: 'user.login', timestamp: new Date().toISOString(), data: {} });
    const headers = (signature: string) => ({
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    });
    const both = signatureHeader([current, previous], id, timestamp, body);
    expect(both.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, headers(both))).toBeTruthy();
    const single = signatureHeader([current], id, timestamp, body);
    expect(() => new Webhook(previous).verify(body, headers(single))).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers(single))).toThrow();
  });

  it('keeps one webhook-id per delivery', () => {
    expect(webhookIdOf('6f1c2a8e-93b4-4d0e-8f51-2b7c9d0e1a23')).toBe('msg_6f1c2a8e93b44d0e8f512b7c9d0e1a23');
  });
});
