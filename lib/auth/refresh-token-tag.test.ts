import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRefreshTokenTags } from './refresh-token-tag.js';
import { secretKeys } from '../crypto/secret-key.js';

const key = 'a-secret-key-for-this-test-only-0123456789';

describe('refresh token tags', () => {
  it('name the session a token was minted for, and differ at every mint', () => {
    const tags = createRefreshTokenTags(secretKeys(key));
    const session = randomUUID();
    const first = tags.mint(session);
    const second = tags.mint(session);
    expect(first).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(second).not.toBe(first);
    expect(tags.sessionOf(first)).toBe(session);
    expect(tags.sessionOf(second)).toBe(session);
  });

  it('recognise no made-up, altered or foreign token', () => {
    const tags = createRefreshTokenTags(secretKeys(key));
    const token = tags.mint(randomUUID());
    expect(tags.sessionOf(randomBytes(64).toString('base64url'))).toBeUndefined();
    // Another session id in front of a genuine tail.
    const other = Buffer.from(token, 'base64url');
    other[0] = (other[0]! + 1) % 256;
    expect(tags.sessionOf(other.toString('base64url'))).toBeUndefined();
    expect(createRefreshTokenTags(secretKeys(`${key}-other`)).sessionOf(token)).toBeUndefined();
    // Tokens from before tags (43 characters), and anything not base64url.
    expect(tags.sessionOf(randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(tags.sessionOf(`${token.slice(0, 85)}=`)).toBeUndefined();
    expect(tags.sessionOf('')).toBeUndefined();
  });

  it('recognise tokens minted under a SECRET_KEY fallback', () => {
    const session = randomUUID();
    const minted = createRefreshTokenTags(secretKeys(key)).mint(session);
    const afterChange = createRefreshTokenTags(secretKeys(`${key}-next`, [key]));
    expect(afterChange.sessionOf(minted)).toBe(session);
    expect(createRefreshTokenTags(secretKeys(`${key}-next`)).sessionOf(minted)).toBeUndefined();
  });
});
