import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/env.js';

export type { Logger } from 'pino';

/** One structured logger per process; children carry `service` and `requestId`. */
export function createLogger(
  config: Pick<AppConfig, 'logLevel'>,
  service: string,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.refreshToken',
        '*.clientSecret',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
