import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { passwordProblems } from './password-policy.js';

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('asks for a rehash when the parameters change', async () => {
    expect(needsRehash(await hashPassword('x'.repeat(12)))).toBe(false);
    expect(needsRehash(await hash('x'.repeat(12), { memoryCost: 8192, timeCost: 2, parallelism: 1 }))).toBe(true);
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuu')).toBe(true);
  });
});

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblems('plum-tractor-sings-7', { email: 'a@example.com' })).toEqual([]);
  });

  it('refuses short, email-like and common passwords with reasons', () => {
    expect(passwordProblems('zq8#kT')).toEqual(['must be at least 8 characters']);
    expect(passwordProblems('Chris@Example.com', { email: 'chris@example.com' })).toContain(
      'must not be your email address',
    );
    expect(passwordProblems('chrislee1', { email: 'chrislee1@example.com' })).toContain(
      'must not be your email address',
    );
    expect(passwordProblems('Password123')[0]).toMatch(/too common/);
    expect(passwordProblems('qwertyuiop')[0]).toMatch(/too common/);
    expect(passwordProblems('x'.repeat(257))).toEqual(['must be at most 256 characters']);
  });
});
