import { describe, expect, it } from 'vitest';
import { gcra, type GcraState, type RateLimitPolicy } from './rate-limit-gcra.js';

const minute = (limit: number): RateLimitPolicy => ({ limit, windowMs: 60_000 });

/** Runs requests at the given instants against one client's state; returns who passed. */
function run(policy: RateLimitPolicy, instants: readonly number[]) {
  let state: GcraState | undefined;
  return instants.map((now) => {
    const step = gcra(state, now, policy);
    state = step.state;
    return step.outcome;
  });
}

describe('GCRA', () => {
  const start = 1_775_000_000_123.25;

  it('allows a burst of exactly the limit, counting the remainder down', () => {
    const outcomes = run(minute(10), Array<number>(11).fill(start));
    expect(outcomes.map((o) => o.allowed)).toEqual([...Array<boolean>(10).fill(true), false]);
    expect(outcomes.map((o) => o.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
  });

  it('refills one request per window / limit, and says when (Retry-After) and until when (reset)', () => {
    const policy = minute(10);
    const burst = run(policy, Array<number>(11).fill(start));
    expect(burst[9]).toMatchObject({ resetMs: 60_000 });
    expect(burst[10]).toMatchObject({ allowed: false, retryAfterMs: 6_000, resetMs: 60_000 });
    let state: GcraState | undefined;
    for (let i = 0; i < 10; i += 1) state = gcra(state, start, policy).state;
    expect(gcra(state, start + 5_999, policy).outcome.allowed).toBe(false);
    const refilled = gcra(state, start + 6_000, policy);
    expect(refilled.outcome).toMatchObject({ allowed: true, remaining: 0 });
    expect(gcra(refilled.state, start + 6_001, policy).outcome.allowed).toBe(false);
  });

  it('gives the whole budget back after a quiet window, and no double burst at a boundary', () => {
    const policy = minute(5);
    let state: GcraState | undefined;
    for (let i = 0; i < 5; i += 1) state = gcra(state, start + 59_000, policy).state;
    // A fixed window would allow 5 more at the next minute's first second; GCRA allows one per 12 s.
    expect(gcra(state, start + 60_000, policy).outcome.allowed).toBe(false);
    const later = run(policy, Array<number>(6).fill(start + 59_000 + 60_000));
    expect(later.filter((o) => o.allowed)).toHaveLength(5);
  });

  it('is exact with limits that do not divide the window', () => {
    for (const limit of [3, 7, 11, 97, 1_000, 99_999, 1_000_000]) {
      const outcomes = run(minute(limit), Array<number>(limit + 1).fill(start));
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(limit);
      expect(outcomes[limit - 1]!.remaining).toBe(0);
      expect(outcomes[0]!.remaining).toBe(limit - 1);
    }
  });

  it('charges a request worth several all at once, or not at all', () => {
    const policy = minute(10);
    const first = gcra(undefined, start, policy, 4);
    expect(first.outcome).toMatchObject({ allowed: true, remaining: 6 });
    const second = gcra(first.state, start, policy, 6);
    expect(second.outcome).toMatchObject({ allowed: true, remaining: 0 });
    const refused = gcra(first.state, start, policy, 7);
    expect(refused.outcome).toMatchObject({ allowed: false, retryAfterMs: 6_000 });
    expect(refused.state).toBe(first.state);
    expect(gcra(undefined, start, policy, 11).outcome.allowed).toBe(false);
  });

  it('stores nothing for a refused request', () => {
    let state: GcraState | undefined;
    for (let i = 0; i < 3; i += 1) state = gcra(state, start, minute(3)).state;
    const refused = gcra(state, start, minute(3));
    expect(refused.state).toBe(state);
  });
});
