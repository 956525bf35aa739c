import { createTransport } from 'nodemailer';
import type { Sender } from './sender.js';

/**
 * Mail over SMTP (`smtp://user:pass@host:587`, `smtps://…:465`). Pooled: codes arrive in bursts and a
 * new TLS handshake per message would dominate their cost. Timeouts bound how long a request waits.
 */
export function smtpMailer(url: string, from: string): { send: Sender; close(): void } {
  const transport = createTransport(
    { url, pool: true, maxConnections: 3, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 },
    { from },
  );
  return {
    async send(message) {
      await transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}
