import type { AppConfig } from '../config/env.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import { smsWebhookSender } from './sms-webhook.js';
import type { Sender } from './sender.js';
import { smtpMailer } from './smtp-mailer.js';

export interface CodeDelivery {
  /** Undefined: no transport for this channel here (NOT_CONFIGURED before anything is stored). */
  readonly email: Sender | undefined;
  readonly sms: Sender | undefined;
  close(): Promise<void>;
}

/**
 * Development without a transport prints the message to the log so a developer can sign up locally;
 * anywhere else a missing transport is a configuration error the caller hears about (501).
 */
function developmentLog(logger: Logger, channel: 'email' | 'sms'): Sender {
  return async (message) => {
    logger.warn({ channel, to: message.to, text: message.text }, `development: ${channel} not sent, logged instead`);
  };
}

export function createCodeDelivery(config: AppConfig, logger: Logger): CodeDelivery {
  const logInstead = config.env === 'development';
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const email = mailer?.send ?? (logInstead ? developmentLog(logger, 'email') : undefined);
  const sms = config.smsWebhookUrl
    ? smsWebhookSender(config.smsWebhookUrl)
    : logInstead
      ? developmentLog(logger, 'sms')
      : undefined;
  return {
    email,
    sms,
    async close() {
      mailer?.close();
    },
  };
}

export function requireSender(sender: Sender | undefined, channel: 'email' | 'sms'): Sender {
  if (!sender) {
    const variable = channel === 'email' ? 'SMTP_URL' : 'SMS_WEBHOOK_URL';
    throw new AppError('NOT_CONFIGURED', `Sending codes by ${channel} is not configured (${variable})`);
  }
  return sender;
}
