import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lib/logging/logger.js';
import { KeyRotationSchedule } from '../../subgraphs/identity/src/keys/key-rotation-schedule.js';
import { SigningKey } from '../../subgraphs/identity/src/keys/signing-key.entity.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Scheduled rollover of the signing keys (SIGNING_KEY_ROTATION_DAYS): an algorithm whose newest key
 * is older than the schedule gets a new one, published at once and signing after the propagation
 * delay, once however many replicas check at the same moment.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const DAY_MS = 86_400_000;
const keys = () => stack.identity.signingKeys;
const db = () => stack.subgraphs.identity.database.fork();

/** Every key still published, by algorithm. */
async function published(): Promise<Record<string, string[]>> {
  const byAlgorithm: Record<string, string[]> = {};
  for (const key of (await keys().jwks()).keys) (byAlgorithm[key.alg!] ??= []).push(key.kid!);
  return byAlgorithm;
}

/** Makes every key of `algorithm` look `days` old. */
async function age(algorithm: string, days: number): Promise<void> {
  await db().nativeUpdate(SigningKey, { algorithm }, { createdAt: new Date(Date.now() - days * DAY_MS) });
}

describe('scheduled signing-key rollover', () => {
  it('rolls over only an algorithm whose newest key is past the schedule, publishing before signing', async () => {
    const before = await published();
    const signing = decodeProtectedHeader((await stack.createUser()).token).kid;
    await age('ES256', 91);

    const rotated = await keys().rotateDue(90);

    expect(rotated).toHaveLength(1);
    const after = await published();
    expect(after['ES256']).toEqual(expect.arrayContaining([...before['ES256']!, rotated[0]]));
    expect(after['RS256']).toEqual(before['RS256']);
    // Published, not yet signing: verifiers learn it first (KEY_PROPAGATION_MS).
    expect(decodeProtectedHeader((await stack.createUser()).token).kid).toBe(signing);
    const fresh = await db().findOneOrFail(SigningKey, { kid: rotated[0]! });
    expect(fresh.activatesAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    // The new key is the newest now: nothing more is due.
    expect(await keys().rotateDue(90)).toEqual([]);
  });

  // On PostgreSQL the pool lets the four checks overlap (without rotateDue's lock: 8 new keys).
  it('rolls each algorithm over once when replicas check at the same moment', async () => {
    await age('ES256', 200);
    await age('RS256', 200);
    const counts = async () => ({
      ES256: await db().count(SigningKey, { algorithm: 'ES256' }),
      RS256: await db().count(SigningKey, { algorithm: 'RS256' }),
    });
    const before = await counts();

    const rotated = (await Promise.all(Array.from({ length: 4 }, () => keys().rotateDue(90)))).flat();

    expect(rotated).toHaveLength(2);
    expect(await counts()).toEqual({ ES256: before.ES256 + 1, RS256: before.RS256 + 1 });
  });

  it('checks on its own once started, and never with a schedule of 0 days', async () => {
    const logger = createLogger({ logLevel: 'silent' }, 'test');
    const count = () => db().count(SigningKey, { algorithm: 'RS256' });

    await age('RS256', 400);
    const before = await count();
    const never = new KeyRotationSchedule({
      keys: keys(),
      rotationDays: 0,
      logger,
      firstCheckAfterMs: 0,
      intervalMs: 20,
    });
    never.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await never.stop();
    expect(await count()).toBe(before);

    const schedule = new KeyRotationSchedule({
      keys: keys(),
      rotationDays: 365,
      logger,
      firstCheckAfterMs: 0,
      intervalMs: 20,
    });
    schedule.start();
    try {
      await vi.waitFor(async () => expect(await count()).toBe(before + 1), { timeout: 5_000, interval: 50 });
    } finally {
      await schedule.stop();
    }
    // Checked again and again meanwhile: the fresh key is not due.
    expect(await count()).toBe(before + 1);
  });
});
