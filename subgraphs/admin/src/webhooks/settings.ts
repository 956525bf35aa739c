import type { AppConfig } from '../../../../lib/config/env.js';

/** What the webhook services and worker take from the configuration. */
export interface WebhookSettings {
  /** Waits before the 2nd, 3rd... attempt; after the last one fails the delivery is failed. */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly disableAfterFailures: number;
  readonly allowPrivateTargets: boolean;
  /** Production accepts https receivers only. */
  readonly requireHttps: boolean;
  /** How long the previous secret still signs after a rotation. */
  readonly rotationGraceMs: number;
}

export const ROTATION_GRACE_MS = 24 * 3600_000;

export function webhookSettings(config: AppConfig): WebhookSettings {
  return {
    retryDelaysMs: config.webhookRetryDelaysMs,
    timeoutMs: config.webhookTimeoutMs,
    pollIntervalMs: config.webhookPollIntervalMs,
    disableAfterFailures: config.webhookDisableAfterFailures,
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    requireHttps: config.isProduction,
    rotationGraceMs: ROTATION_GRACE_MS,
  };
}
