import { availableParallelism } from 'node:os';

/**
 * At most `size` password hashes in flight; the others wait their turn, first come first served.
 *
 * argon2 runs on libuv's pool (4 threads unless UV_THREADPOOL_SIZE says otherwise). Left alone, a
 * burst of sign-ins fills every pool thread with hashes: on 2 cores, 4 hashes of 19 MiB each preempt
 * each other and cost about 15% more CPU apiece than 2 do, and the token signature (WebCrypto) and
 * file reads that share the pool wait behind ~15 ms hashes.
 */
export class HashSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`hash slots: ${size} is not a positive integer`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot take it in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Hashes running now (tests, metrics). */
  get inFlight(): number {
    return this.running;
  }

  /** Hashes waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}

/**
 * One hash per core, leaving at least one pool thread for the rest of the process's pool work.
 * UV_THREADPOOL_SIZE is read the way libuv reads it (1 to 1024, 4 when unset or invalid).
 */
export function hashSlotCount(cores = availableParallelism(), poolSetting = process.env['UV_THREADPOOL_SIZE']): number {
  const parsed = Number.parseInt(poolSetting ?? '', 10);
  const pool = Number.isFinite(parsed) && parsed > 0 ? Math.min(parsed, 1024) : 4;
  return Math.max(1, Math.min(cores, pool - 1));
}
