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
 * tests see mail exactly as a relay would. `reject` makes it refuse the next messages with a 451.
 */
export async function startMailCatcher() {
  const mails: CaughtMail[] = [];
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
        for (const waiter of waiting.filter((w) => mail.to.includes(w.to))) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve(mail);
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
    /** The next mail to `to` (one already received counts if nobody took it yet). */
    nextMailTo(to: string, timeoutMs = 5_000): Promise<CaughtMail> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          to,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        });
      });
    },
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
