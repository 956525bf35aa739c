import { availableParallelism } from 'node:os';
import { hashPassword, verifyPassword } from '../../subgraphs/identity/src/user/password.js';

export interface HashBound {
  readonly perSecond: number;
  readonly concurrency: number;
  readonly cores: number;
}

/**
 * The ceiling the password hash puts on sign-ins here: argon2id verifications per second with every
 * core busy (the library hashes on libuv's thread pool), nothing else running. No sign-in can beat it.
 */
export async function passwordHashBound(seconds: number): Promise<HashBound> {
  const cores = availableParallelism();
  const concurrency = cores * 2;
  const stored = await hashPassword('bench-harness-passphrase-42');
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await verifyPassword(stored, 'bench-harness-passphrase-42');
        done += 1;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - began) / 1000), concurrency, cores };
}
