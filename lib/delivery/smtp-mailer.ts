import type { Transporter } from 'nodemailer';
import type { Sender } from './sender.js';

/**
 * Mail over SMTP (`smtp://user:pass@host:587`, `smtps://…:465`). Pooled: codes arrive in bursts and a
 * new TLS handshake per message would dominate their cost. Timeouts bound how long a request waits.
 */
export function smtpMailer(url: string, from: string): { send: Sender; close(): void } {
  // nodemailer (some forty modules) loads with the first message, not at every start.
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport(
        {
          url,
          pool: true,
          maxConnections: 3,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        },
        { from },
      ),
    ));
  return {
    async send(message) {
      await (await open()).sendMail({ to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      void transport?.then((opened) => opened.close());
    },
  };
}
