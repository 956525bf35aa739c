import type { Sender } from './sender.js';

/**
 * SMS through the operator's HTTP provider: `POST <SMS_WEBHOOK_URL>` with `{"to", "message"}`. Any 2xx
 * means accepted; anything else (or no answer within 10 s) is a failed delivery.
 */
export function smsWebhookSender(url: string): Sender {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: message.to, message: message.text }),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    // Drain the body so the connection is reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`SMS provider answered ${response.status}`);
  };
}
