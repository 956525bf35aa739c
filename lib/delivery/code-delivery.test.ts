import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env.js';
import { AppError } from '../errors/index.js';
import { createLogger } from '../logging/logger.js';
import { createCodeDelivery, requireSender } from './code-delivery.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

const message = { to: 'someone@example.com', subject: 'Code', text: 'Your code is 123456.' };

describe('code delivery without a transport', () => {
  it('logs the message in development, so a developer can finish a verification locally', async () => {
    const { lines, destination } = capture();
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    const delivery = createCodeDelivery(config, createLogger(config, 'member', destination));
    await requireSender(delivery.email, 'email')(message);
    await requireSender(delivery.sms, 'sms')({ ...message, to: '+886912345678' });
    expect(lines.map((line) => [line['channel'], line['to'], line['text']])).toEqual([
      ['email', 'someone@example.com', 'Your code is 123456.'],
      ['sms', '+886912345678', 'Your code is 123456.'],
    ]);
  });

  it.each(['production', 'test'] as const)('refuses with NOT_CONFIGURED naming the variable in %s', (env) => {
    const config = loadConfig({
      NODE_ENV: env,
      ...(env === 'production' ? { SECRET_KEY: 'k'.repeat(32), PUBLIC_URL: 'https://id.example.com' } : {}),
    });
    const delivery = createCodeDelivery(config, createLogger(config, 'member'));
    expect(() => requireSender(delivery.email, 'email')).toThrow(
      new AppError('NOT_CONFIGURED', 'Sending codes by email is not configured (SMTP_URL)'),
    );
    expect(() => requireSender(delivery.sms, 'sms')).toThrow(/SMS_WEBHOOK_URL/);
  });
});
