/**
 * The rate-limit algorithm: GCRA (generic cell rate algorithm), the "virtual scheduling" form of a
 * token bucket. Why GCRA rather than a window:
 * - a fixed window lets 2 × limit through around its boundary (limit at 0:59, limit again at 1:00);
 *   GCRA allows at most `limit` requests in a burst and then one per `window / limit`, so a client
 *   never gets a double burst and is back to its full budget after one quiet window;
 * - its whole state per client is the theoretical arrival time (TAT), which expires by itself: one
 *   Redis key with a TTL, or one Map entry, instead of a sliding window's two counters;
 * - exact, not estimated (a sliding-window counter approximates the previous window), and the
 *   Retry-After and reset times fall out of the same subtraction.
 * The Redis store runs the same arithmetic in Lua (rate-limit-store.ts); both are tested against this.
 */

export interface RateLimitPolicy {
  /** Requests per window (the burst, and the sustained rate over a window). */
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitOutcome {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests still allowed right now, after this one. */
  readonly remaining: number;
  /** Until the whole budget is back (RateLimit-Reset). */
  readonly resetMs: number;
  /** Until the next request would be allowed; 0 when this one was. */
  readonly retryAfterMs: number;
}

/** One request's spacing when the budget is spent evenly over the window. */
export const emissionInterval = (policy: RateLimitPolicy) => policy.windowMs / policy.limit;

/**
 * Float tolerance: intervals are fractional (60000 / 7), so the `limit`-th request of a burst may land
 * a rounding error above the window. Far below one interval.
 */
export const toleranceMs = (policy: RateLimitPolicy) => Math.min(0.01, emissionInterval(policy) / 2);

/**
 * The outcome as seen from `aheadMs` = TAT − now after the decision (how far the client has "borrowed"
 * into the future). Shared by the memory store and the Redis store, whose Lua returns just that.
 */
export function outcomeFrom(
  policy: RateLimitPolicy,
  allowed: boolean,
  aheadMs: number,
  retryAfterMs: number,
): RateLimitOutcome {
  const interval = emissionInterval(policy);
  const remaining = allowed
    ? Math.max(0, Math.min(policy.limit, Math.floor((policy.windowMs + toleranceMs(policy) - aheadMs) / interval)))
    : 0;
  return {
    allowed,
    limit: policy.limit,
    remaining,
    resetMs: Math.max(0, aheadMs),
    retryAfterMs: allowed ? 0 : Math.max(0, retryAfterMs),
  };
}

/**
 * A client's state: how far its TAT lay ahead (`aheadMs`, within one window) at time `at`. Kept
 * relative rather than as an absolute TAT: adding a fractional interval to a 1.7e12 ms timestamp
 * loses about 2e-4 ms each time, which over a large budget's burst adds up to whole requests.
 */
export interface GcraState {
  readonly aheadMs: number;
  readonly at: number;
}

export interface GcraStep {
  readonly outcome: RateLimitOutcome;
  /** The state to keep: unchanged when refused. */
  readonly state: GcraState | undefined;
}

/**
 * One request at `now` (ms) against the client's state (undefined: never seen, or whole again). A
 * request may cost several (a GraphQL operation with several sign-in fields): all or nothing.
 */
export function gcra(state: GcraState | undefined, now: number, policy: RateLimitPolicy, cost = 1): GcraStep {
  // A clock that steps back never hands out budget.
  const ahead = state ? Math.max(0, state.aheadMs - Math.max(0, now - state.at)) : 0;
  const next = ahead + cost * emissionInterval(policy);
  if (next > policy.windowMs + toleranceMs(policy)) {
    return { outcome: outcomeFrom(policy, false, ahead, next - policy.windowMs), state };
  }
  return { outcome: outcomeFrom(policy, true, next, 0), state: { aheadMs: next, at: now } };
}

/** When the state is the same as no state (the whole budget is back). */
export const expiresAt = (state: GcraState) => state.at + state.aheadMs;
