import { inspect } from 'node:util';
import type { Logger } from './logger.js';

/** While it lasts, a reminder at most this often, with the count so far. */
const REMIND_EVERY_MS = 5 * 60_000;

/**
 * One line for an error that needs no stack trace: its message and those of its causes
 * ("fetch failed: connect ECONNREFUSED 127.0.0.1:4001").
 */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 4; depth += 1) {
    messages.push(cause instanceof Error ? cause.message || errorCode(cause) || cause.name : inspect(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return messages.filter(Boolean).join(': ');
}

/** A system error's code (ECONNREFUSED), for errors without a message (an AggregateError of both addresses). */
function errorCode(error: Error): string | undefined {
  const { code } = error as NodeJS.ErrnoException;
  return typeof code === 'string' ? code : undefined;
}

/** The two lines of a streak: when it starts (repeated as a reminder) and when it ends. */
export interface StreakMessages {
  /** "revocation feed unavailable" */
  readonly failing: string;
  /** "revocation feed available again" */
  readonly recovered: string;
}

/**
 * Logs a run of the same failure of periodic work (a feed polled every 2 s, a relay, a readiness
 * check) as a person wants to read it: one warning when it starts, a reminder with the count every
 * few minutes while it lasts, and one line with the count when it ends. No stack traces: the
 * failure is a dependency being away, not a bug here.
 */
export class FailureStreak {
  private failures = 0;
  private since = 0;
  private lastWarning = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly messages: StreakMessages,
  ) {}

  /** Whether the work is failing now. */
  get failing(): boolean {
    return this.failures > 0;
  }

  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    this.failures += 1;
    const now = Date.now();
    if (this.failures === 1) this.since = now;
    else if (now - this.lastWarning < REMIND_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(
      { ...fields, failures: this.failures, since: new Date(this.since).toISOString(), error: describeError(error) },
      this.messages.failing,
    );
  }

  succeeded(fields: Record<string, unknown> = {}): void {
    if (this.failures === 0) return;
    this.logger.info(
      { ...fields, failures: this.failures, downForMs: Date.now() - this.since },
      this.messages.recovered,
    );
    this.failures = 0;
  }
}
