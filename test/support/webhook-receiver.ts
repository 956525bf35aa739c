import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request. */
export type Answer =
  | { readonly status: number; readonly delayMs?: number; readonly headers?: Readonly<Record<string, string>> }
  /** Holds the request open until `release` settles, then answers `status`. */
  | { readonly status: number; readonly release: Promise<unknown> }
  /** Drops the connection without answering. */
  | { readonly reset: true }
  /** Never answers (the sender must time out). */
  | { readonly hang: true };

export interface ReceivedWebhook {
  readonly webhookId: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, byte for byte, as signatures cover it. */
  readonly body: string;
  readonly json: { event: string; timestamp: string; data: Record<string, unknown> };
  /** What the receiver answered: a status, or `reset` / `hang`. */
  readonly answer: number | 'reset' | 'hang';
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  /** The most requests for one webhook-id that were ever in flight at the same time. */
  readonly maxInFlightPerId: () => number;
  /** The answers to the next requests, in order; afterwards `answer` applies. */
  queue(...answers: Answer[]): void;
  /** The answer once the queue is empty (default 204). */
  answerWith(answer: Answer): void;
  /** Requests about one user (data.user_id). */
  about(userId: string): ReceivedWebhook[];
  /** Resolves with the requests once `predicate` holds for them; rejects after `timeoutMs`. */
  waitFor(predicate: (received: readonly ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders, name: string) => String(headers[name] ?? '');

/** A real HTTP receiver for webhooks: records every request and answers as told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: Answer[] = [];
  let fallback: Answer = { status: 204 };
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const webhookId = header(req.headers, 'webhook-id');
    const now = (inFlight.get(webhookId) ?? 0) + 1;
    inFlight.set(webhookId, now);
    maxInFlight = Math.max(maxInFlight, now);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      inFlight.set(webhookId, (inFlight.get(webhookId) ?? 1) - 1);
    };
    res.on('close', leave);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = queued.shift() ?? fallback;
      received.push({
        webhookId,
        timestamp: header(req.headers, 'webhook-timestamp'),
        signature: header(req.headers, 'webhook-signature'),
        headers: req.headers,
        body,
        json: JSON.parse(body) as ReceivedWebhook['json'],
        answer: 'reset' in answer ? 'reset' : 'hang' in answer ? 'hang' : answer.status,
      });
      if ('reset' in answer) {
        req.socket.destroy();
      } else if ('release' in answer) {
        void answer.release.finally(() => res.writeHead(answer.status).end());
      } else if (!('hang' in answer)) {
        setTimeout(() => res.writeHead(answer.status, answer.headers).end(), answer.delayMs ?? 0);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitFor: WebhookReceiver['waitFor'] = async (predicate, timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate(received)) {
      if (Date.now() > until) throw new Error(`webhook receiver: condition not met in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...received];
  };

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    maxInFlightPerId: () => maxInFlight,
    queue: (...answers) => void queued.push(...answers),
    answerWith(answer) {
      fallback = answer;
    },
    about: (userId) => received.filter((r) => r.json.data['user_id'] === userId),
    waitFor,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
