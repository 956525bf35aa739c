import { describe, expect, it } from 'vitest';
import { checkChallenge, s256, verifierMatches } from './pkce.js';

// RFC 7636 Appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(s256(verifier)).toBe(challenge);
  });

  it('matches only the verifier of the challenge', () => {
    expect(verifierMatches(verifier, challenge)).toBe(true);
    expect(verifierMatches(`${verifier.slice(0, -1)}l`, challenge)).toBe(false);
    // The challenge itself is not a verifier of itself.
    expect(verifierMatches(challenge, challenge)).toBe(false);
  });

  it('never matches a malformed verifier (too short, too long, outside the unreserved set)', () => {
    const short = 'a'.repeat(42);
    expect(verifierMatches(short, s256(short))).toBe(false);
    const long = 'a'.repeat(129);
    expect(verifierMatches(long, s256(long))).toBe(false);
    const spaced = `${'a'.repeat(42)} `;
    expect(verifierMatches(spaced, s256(spaced))).toBe(false);
    const longest = '~'.repeat(128);
    expect(verifierMatches(longest, s256(longest))).toBe(true);
  });

  it('accepts S256 challenges and refuses plain, explicit or implied', () => {
    expect(checkChallenge(challenge, 'S256', false)).toEqual({ ok: true, challenge });
    expect(checkChallenge(challenge, 'plain', false)).toMatchObject({ ok: false });
    expect(checkChallenge(challenge, undefined, false)).toMatchObject({ ok: false });
    expect(checkChallenge(challenge, 's256', false)).toMatchObject({ ok: false });
  });

  it('refuses a challenge that cannot be an S256 digest', () => {
    expect(checkChallenge('short', 'S256', false)).toMatchObject({ ok: false });
    expect(checkChallenge(`${challenge}=`, 'S256', false)).toMatchObject({ ok: false });
    expect(checkChallenge(challenge.replace('-', '+'), 'S256', false)).toMatchObject({ ok: false });
  });

  it('makes PKCE optional for confidential clients and mandatory for public ones', () => {
    expect(checkChallenge(undefined, undefined, false)).toEqual({ ok: true, challenge: null });
    expect(checkChallenge(undefined, undefined, true)).toMatchObject({ ok: false });
    expect(checkChallenge(null, 'S256', false)).toMatchObject({ ok: false });
  });
});
