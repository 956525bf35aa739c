import { describe, expect, it } from 'vitest';
import { HashSlots, hashSlotCount } from './hash-slots.js';
import { hashPassword, passwordHashSlots, verifyPassword } from './password.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('hash slots', () => {
  it('runs at most its size at once, the rest in arrival order', async () => {
    const slots = new HashSlots(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([slots.inFlight, slots.queued]).toEqual([2, 3]);

    gates[1]!.resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);

    gates[0]!.reject(new Error('hash failed'));
    await expect(runs[0]).rejects.toThrow('hash failed');
    await new Promise((resolve) => setImmediate(resolve));
    // A failure frees its slot like a success does.
    expect(started).toEqual([0, 1, 2, 3]);

    for (const gate of gates.slice(2)) gate.resolve();
    expect(await Promise.all(runs.slice(1))).toEqual([1, 2, 3, 4]);
    expect([slots.inFlight, slots.queued]).toEqual([0, 0]);
  });

  it('gives one slot per core and leaves a pool thread free', () => {
    expect(hashSlotCount(2, undefined)).toBe(2);
    expect(hashSlotCount(8, undefined)).toBe(3);
    expect(hashSlotCount(8, '16')).toBe(8);
    expect(hashSlotCount(1, '1')).toBe(1);
    expect(hashSlotCount(4, 'many')).toBe(3);
  });

  it('holds the password hashes of a burst of sign-ins to the slots', async () => {
    const stored = await hashPassword('plum-tractor-sings-7');
    const burst = Array.from({ length: passwordHashSlots.size + 3 }, () =>
      verifyPassword(stored, 'plum-tractor-sings-7'),
    );
    expect(passwordHashSlots.inFlight).toBe(passwordHashSlots.size);
    expect(passwordHashSlots.queued).toBe(3);
    expect(await Promise.all(burst)).toEqual(burst.map(() => true));
    expect([passwordHashSlots.inFlight, passwordHashSlots.queued]).toEqual([0, 0]);
  });
});

describe('a burst of password checks', () => {
  it('does not hold up a token signature behind it on the shared pool', async () => {
    const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const stored = await hashPassword('plum-tractor-sings-7');
    let checked = 0;
    const burst = Array.from({ length: 16 }, async () => {
      await verifyPassword(stored, 'plum-tractor-sings-7');
      checked += 1;
    });
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new Uint8Array(64));
    const checkedBeforeSignature = checked;
    await Promise.all(burst);
    // Without the slots the signature queues behind the whole burst in libuv's pool (16 before it).
    expect(checkedBeforeSignature).toBeLessThanOrEqual(passwordHashSlots.size);
  });
});
