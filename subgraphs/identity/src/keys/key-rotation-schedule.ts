import { BatchLoop } from '../../../../lib/background/batch-loop.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { SigningKeyService } from './signing-key.service.js';

export interface KeyRotationScheduleOptions {
  readonly keys: SigningKeyService;
  /** SIGNING_KEY_ROTATION_DAYS: a key this old rolls over; 0 never (rotation is then by hand). */
  readonly rotationDays: number;
  readonly logger: Logger;
  /** Between checks (an hour by default). */
  readonly intervalMs?: number;
  /** The first check, this long after start (one to two minutes): not in the way of the start. */
  readonly firstCheckAfterMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Rolls the signing keys over on a schedule, so a key is never used for years and a rollover is a
 * routine every verifier has already lived through. Checks hourly on every replica; what a check
 * does is SigningKeyService.rotateDue. Failures back off and are logged as the relay's are.
 */
export class KeyRotationSchedule {
  private readonly loop: BatchLoop;

  constructor(private readonly options: KeyRotationScheduleOptions) {
    this.loop = new BatchLoop({
      purpose: 'roll signing keys over',
      logger: options.logger,
      runBatch: async () => {
        const kids = await options.keys.rotateDue(options.rotationDays);
        if (kids.length > 0) {
          options.logger.info(
            { kids, rotationDays: options.rotationDays },
            'signing keys rolled over: the new ones are published and sign after the propagation delay',
          );
        }
        return 0;
      },
      batchSize: 1,
      intervalMs: options.intervalMs ?? HOUR_MS,
    });
  }

  start(): void {
    if (this.options.rotationDays === 0) return;
    const delay = this.options.firstCheckAfterMs ?? 60_000 + Math.random() * 60_000;
    this.loop.start(delay);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
