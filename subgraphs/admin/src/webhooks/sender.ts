import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { forbiddenAddressReason, ForbiddenTargetError, guardedLookup } from './address-guard.js';

export const WEBHOOK_USER_AGENT = 'membergraph-webhooks/1.0';
/** Enough of a response to be sure it ended; the body itself is not kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Refuse private, loopback, link-local... addresses (checked on the address actually connected to). */
  readonly guard: boolean;
}

export interface AttemptOutcome {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly succeeded: boolean;
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof ForbiddenTargetError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') return `timed out after ${timeoutMs} ms`;
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * One POST of a webhook: no redirects followed (a 3xx is a failure), one deadline for the whole
 * exchange, a fresh connection each time (no pooled socket outlives an endpoint's checks).
 */
export function sendWebhook(webhook: WebhookRequest): Promise<AttemptOutcome> {
  const startedAt = performance.now();
  const finish = (statusCode: number | null, error: string | null): AttemptOutcome => ({
    statusCode,
    error,
    durationMs: Math.round(performance.now() - startedAt),
    succeeded: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
  });
  const url = new URL(webhook.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (webhook.guard && isIP(host)) {
    const reason = forbiddenAddressReason(host);
    if (reason) return Promise.resolve(finish(null, new ForbiddenTargetError(host, host, reason).message));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const request = send(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...webhook.headers,
          'content-length': String(Buffer.byteLength(webhook.body)),
          connection: 'close',
        },
        ...(webhook.guard ? { lookup: guardedLookup } : {}),
      },
      (response: IncomingMessage) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () => {
          const status = response.statusCode ?? null;
          const redirect = status !== null && status >= 300 && status < 400;
          settle(finish(status, redirect ? 'redirects are not followed' : null));
          request.destroy();
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const deadline = setTimeout(() => {
      settle(finish(null, `timed out after ${webhook.timeoutMs} ms`));
      request.destroy();
    }, webhook.timeoutMs);
    request.on('error', (error) => settle(finish(null, describe(error, webhook.timeoutMs))));
    request.end(webhook.body);
  });
}
