import { FailureStreak } from '../logging/failure-streak.js';
import type { Logger } from '../logging/logger.js';

export interface BatchLoopOptions {
  /** For the log: what the loop does ("hand events to admin"). */
  readonly purpose: string;
  readonly logger: Logger;
  /** Works through one batch; returns how many items it handled. */
  readonly runBatch: () => Promise<number>;
  readonly batchSize: number;
  /** The pause when idle; a full batch is followed at once by the next. */
  readonly intervalMs: number;
  /** Occasional housekeeping (retention), at most every `cleanupEveryMs`. */
  readonly cleanup?: () => Promise<void>;
  readonly cleanupEveryMs?: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The loop behind the outbox relay and the webhook worker: poll, drain full batches back to back,
 * back off exponentially (to 30 s) while the work fails, warn once per run of failures and say how
 * many when it ends (lib/logging/failure-streak.ts), and let callers wake it early, drain it (tests,
 * shutdown) and stop it after the batch in flight.
 */
export class BatchLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;
  private failures = 0;
  private lastCleanup = 0;
  private readonly streak: FailureStreak;

  constructor(private readonly options: BatchLoopOptions) {
    this.streak = new FailureStreak(options.logger, {
      failing: `could not ${options.purpose}`,
      recovered: `can ${options.purpose} again`,
    });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** New work was committed: look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /**
   * Runs batches until one is not full and no scheduled batch is in flight; returns how many items
   * this call handled. A batch in flight holds claims that this call's own batches cannot see, so
   * returning before it settles would leave its items unfinished.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.running;
      const handled = await this.options.runBatch();
      total += handled;
      if (handled < this.options.batchSize && !this.running) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { intervalMs, cleanup, cleanupEveryMs = 3_600_000 } = this.options;
    let delay = intervalMs;
    try {
      this.wakeRequested = false;
      const handled = await this.options.runBatch();
      this.failures = 0;
      this.streak.succeeded();
      if (handled === this.options.batchSize || this.wakeRequested) delay = 0;
      if (cleanup && Date.now() - this.lastCleanup > cleanupEveryMs) {
        this.lastCleanup = Date.now();
        await cleanup();
      }
    } catch (error) {
      this.failures += 1;
      delay = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** this.failures);
      this.streak.failed(error, { retryInMs: delay });
    }
    this.schedule(delay);
  }
}
