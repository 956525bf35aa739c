import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/errors/index.js';
import { KEY_PATTERN, newBusinessKey, withUniqueKey } from './business-key.js';

const duplicate = () => new UniqueConstraintViolationException(new Error('duplicate key value'));

describe('newBusinessKey', () => {
  it('is prefix + UTC yyyymmdd + X + four zero-padded digits', () => {
    // 23:30 on the 31st in UTC is already April 1st in Taipei: the UTC date counts.
    const now = new Date('2026-03-31T23:30:00Z');
    expect(newBusinessKey('ST', now, () => 1234)).toBe('ST20260331X1234');
    expect(newBusinessKey('MD', now, () => 7)).toBe('MD20260331X0007');
    expect(newBusinessKey('CP', now, () => 0)).toBe('CP20260331X0000');
    for (let i = 0; i < 200; i += 1) expect(newBusinessKey('CP')).toMatch(KEY_PATTERN);
  });
});

describe('withUniqueKey', () => {
  it('retries with a new key after a unique violation', async () => {
    const taken = new Set(['ST20260331X0001', 'ST20260331X0002']);
    const candidates = ['ST20260331X0001', 'ST20260331X0002', 'ST20260331X0003'];
    const tried: string[] = [];
    const key = await withUniqueKey(
      'ST',
      async (candidate) => {
        tried.push(candidate);
        if (taken.has(candidate)) throw duplicate();
        return candidate;
      },
      { nextKey: () => candidates.shift() ?? 'none' },
    );
    expect(key).toBe('ST20260331X0003');
    expect(tried).toEqual(['ST20260331X0001', 'ST20260331X0002', 'ST20260331X0003']);
  });

  it('gives up with CONFLICT after the bounded number of attempts', async () => {
    let calls = 0;
    const attempt = withUniqueKey(
      'MD',
      async () => {
        calls += 1;
        throw duplicate();
      },
      { attempts: 3 },
    );
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(calls).toBe(3);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    const failure = new Error('connection lost');
    await expect(
      withUniqueKey('CP', async () => {
        calls += 1;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
