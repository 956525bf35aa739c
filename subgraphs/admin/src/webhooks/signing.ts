import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of
 * random bytes, and each request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the
 * base64-decoded part after the prefix. Several signatures are separated by spaces.
 */
export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('Empty webhook secret');
  return key;
}

/** One `v1,<signature>` entry. */
export function signWebhook(secret: string, webhookId: string, timestamp: number, body: string): string {
  const signature = createHmac('sha256', keyOf(secret)).update(`${webhookId}.${timestamp}.${body}`).digest('base64');
  return `v1,${signature}`;
}

/**
 * The `webhook-signature` header value: one signature per secret, the current one first (a receiver
 * still holding the previous secret keeps verifying during a rotation's grace period).
 */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestamp: number, body: string) {
  return secrets.map((secret) => signWebhook(secret, webhookId, timestamp, body)).join(' ');
}

/** The `webhook-id` of a delivery: one per event and endpoint, the same on every attempt. */
export function webhookIdOf(deliveryId: string): string {
  return `msg_${deliveryId.replaceAll('-', '')}`;
}
