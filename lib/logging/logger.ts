import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';
import type { AppConfig } from '../config/env.js';
import { batchedStdout } from './batched-stdout.js';

export type { Logger } from 'pino';

/** Where log lines go: process.stdout unless told (tests capture them); `isTTY` when a terminal. */
export type LogDestination = DestinationStream & { readonly isTTY?: boolean };

/**
 * One structured logger per process; children carry `service` and `requestId`. Lines are JSON, one
 * per line, for whatever collects them, written in batches (batched-stdout.ts); in development on a
 * terminal they are made readable (pino-pretty, in-process) for the person watching.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel'> & Partial<Pick<AppConfig, 'env'>>,
  service: string,
  destination?: LogDestination,
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
  const out: LogDestination = destination ?? process.stdout;
  if (config.env === 'development' && out.isTTY === true) {
    // Loaded only for a terminal: some forty modules every other start does without.
    const pretty = (createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty).default;
    return pino(
      options,
      pretty({ destination: out, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
    );
  }
  return pino(options, destination ?? batchedStdout());
}
