import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The whole message as the server received it (headers and body). */
  readonly raw: string;
}

/**
 * A real SMTP server (the `smtp-server` package) on a loopback port that keeps what it receives, so
 * tests see mail exactly as a relay would. `reject(true)` makes it refuse messages with a 451.
 */
export async function startMailCatcher() {
  const mails: CaughtMail[] = [];
  /** Mails no `nextMailTo` has handed out yet, oldest first. */
  const unclaimed: CaughtMail[] = [];
  const waiting: { to: string; resolve: (mail: CaughtMail) => void }[] = [];
  let rejecting = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (rejecting) {
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        const mail: CaughtMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        mails.push(mail);
        // The first waiter for one of its recipients takes it; otherwise it waits for a taker.
        const waiter = waiting.find((w) => mail.to.includes(w.to));
        if (waiter) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve(mail);
        } else {
          unclaimed.push(mail);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /**
     * The next mail to `to` that no earlier call took: the oldest one already received, else the
     * next to arrive. Each mail is handed out once, so two calls never get the same code.
     */
    nextMailTo(to: string, timeoutMs = 5_000): Promise<CaughtMail> {
      const received = unclaimed.find((mail) => mail.to.includes(to));
      if (received) {
        unclaimed.splice(unclaimed.indexOf(received), 1);
        return Promise.resolve(received);
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          to,
          resolve: (mail: CaughtMail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
    /** While true, every message is refused with 451 (a relay that is temporarily unavailable). */
    reject(value: boolean) {
      rejecting = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The 6-digit code in a message body. */
export function codeIn(text: string): string {
  const match = /\b(\d{6})\b/.exec(text.slice(text.search(/\r?\n\r?\n/)));
  if (!match?.[1]) throw new Error(`no 6-digit code in:\n${text}`);
  return match[1];
}

/** The text body of a message, decoded from its Content-Transfer-Encoding (quoted-printable, base64). */
export function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const encoding = /^content-transfer-encoding:\s*([\w-]+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The first link in a message to `path` (e.g. `/oauth/verify-email`), decoded. */
export function linkIn(raw: string, path: string): URL {
  const match = new RegExp(`https?://\\S+${path.replace(/[/.]/g, '\\$&')}\\?\\S+`).exec(bodyOf(raw));
  if (!match) throw new Error(`no ${path} link in:\n${raw}`);
  return new URL(match[0]);
}
