import { FailureStreak } from '../logging/failure-streak.js';
import type { Logger } from '../logging/logger.js';

export interface BatchLoopOptions {
  /** For the log: what the loop does ("hand events to admin"). */
  readonly purpose: string;
  readonly logger: Logger;
  /** Works through one batch; returns how many items it handled. */
  readonly runBatch: () => Promise<number>;
  readonly batchSize: number;
  /** The pause after a batch that was not full; a full batch is followed at once by the next. */
  readonly intervalMs: number;
  /**
   * Each batch that finds nothing doubles the pause, from `intervalMs` up to this (default
   * `intervalMs`: a steady poll). For work that wakes the loop when there is something to do
   * (`wake`, `wakeIn`): the poll is then only the safety net, and costs next to nothing while idle.
   */
  readonly idleMaxIntervalMs?: number;
  /**
   * A wake runs the next batch at once, but not sooner than this after the previous batch that
   * found work ended (default 0). Idle, the work is taken at once; under load, what is committed
   * meanwhile is taken together, in batches as large as a steady poll every `wakeGapMs` made them.
   */
  readonly wakeGapMs?: number;
  /** Occasional housekeeping (retention), at most every `cleanupEveryMs`. */
  readonly cleanup?: () => Promise<void>;
  readonly cleanupEveryMs?: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The loop behind the outbox relay and the webhook worker: poll, drain full batches back to back,
 * slow down while idle (idleMaxIntervalMs), back off exponentially (to 30 s) while the work fails,
 * warn once per run of failures and say how many when it ends (lib/logging/failure-streak.ts), and
 * let callers wake it early (now, or when something they scheduled falls due), drain it (tests,
 * shutdown) and stop it after the batch in flight.
 */
export class BatchLoop {
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (epoch ms). */
  private timerAt = 0;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;
  private failures = 0;
  /** The pause after the next batch that finds nothing. */
  private idleMs: number;
  /** Times (epoch ms, ascending) at which callers said work falls due (wakeIn). */
  private dueTimes: number[] = [];
  /** When the last batch that found work ended (epoch ms). */
  private lastBatchEnd = 0;
  private lastCleanup = 0;
  private readonly streak: FailureStreak;

  constructor(private readonly options: BatchLoopOptions) {
    this.idleMs = options.intervalMs;
    this.streak = new FailureStreak(options.logger, {
      failing: `could not ${options.purpose}`,
      recovered: `can ${options.purpose} again`,
    });
  }

  /** The first batch runs after `firstBatchAfterMs` (at once by default); stop() before then cancels it. */
  start(firstBatchAfterMs = 0): void {
    this.stopped = false;
    this.schedule(firstBatchAfterMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * New work was committed: look now rather than at the next poll. Not while the work fails: the
   * failure backoff spares what fails (a wake per commit would retry it per commit).
   */
  wake(): void {
    if (this.stopped || this.failures > 0) return;
    if (this.running) {
      // Looked at once the batch in flight is done: it may have looked before this work was there.
      this.wakeRequested = true;
      return;
    }
    const now = Date.now();
    const at = Math.max(now, this.lastBatchEnd + (this.options.wakeGapMs ?? 0));
    if (this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.schedule(at - now);
  }

  /** Work falls due in `delayMs` (a retry this process scheduled): look then at the latest. */
  wakeIn(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    const index = this.dueTimes.findIndex((time) => time > at);
    this.dueTimes.splice(index === -1 ? this.dueTimes.length : index, 0, at);
    if (this.running || this.failures > 0 || this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.schedule(at - Date.now());
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

  /**
   * Runs a batch in `delayMs`, or earlier when something a caller scheduled falls due before (not
   * while the work fails: the backoff decides then, and its batch takes what fell due meanwhile).
   */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const now = Date.now();
    const at = Math.min(now + delayMs, this.failures > 0 ? Infinity : (this.dueTimes[0] ?? Infinity));
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.running = this.tick().finally(() => {
          this.running = undefined;
          if (!this.wakeRequested) return;
          this.wakeRequested = false;
          this.wake();
        });
      },
      Math.max(0, at - now),
    );
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { intervalMs, cleanup, cleanupEveryMs = 3_600_000 } = this.options;
    const idleMaxMs = Math.max(intervalMs, this.options.idleMaxIntervalMs ?? intervalMs);
    // This batch takes everything due by now.
    const now = Date.now();
    this.dueTimes = this.dueTimes.filter((time) => time > now);
    this.wakeRequested = false;
    let delay: number;
    try {
      const handled = await this.options.runBatch();
      // Only a batch that found work spaces the next wake: an empty safety poll must not delay one.
      if (handled > 0) this.lastBatchEnd = Date.now();
      this.failures = 0;
      this.streak.succeeded();
      if (handled > 0) this.idleMs = intervalMs;
      if (handled === this.options.batchSize) delay = 0;
      else if (handled > 0) delay = intervalMs;
      else {
        delay = this.idleMs;
        this.idleMs = Math.min(idleMaxMs, this.idleMs * 2);
      }
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
