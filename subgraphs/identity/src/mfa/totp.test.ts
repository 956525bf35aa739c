import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { createBackupCodeHasher, newBackupCodes } from './backup-codes.js';
import { matchTotpStep, otpauthUrl } from './totp.js';
import { secretKeys } from '../../../../lib/crypto/secret-key.js';

// RFC 6238 Appendix B, SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits, 30 s steps.
const rfcSecret = new TextEncoder().encode('12345678901234567890');
const rfcSecretBase32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const vectors: readonly [epoch: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP generator (otplib, as configured here)', () => {
  it.each(vectors)('matches RFC 6238 at T=%i', async (epoch, code) => {
    expect(await generate({ secret: rfcSecret, epoch, digits: 8, algorithm: 'sha1', period: 30 })).toBe(code);
  });

  // 6 digits are the same value mod 10^6: the verifier we use must find each vector's time step.
  it.each(vectors)('verifies the 6-digit code of T=%i at its step, ±1 step only', async (epoch, code) => {
    const sixDigits = code.slice(-6);
    const step = Math.floor(epoch / 30);
    expect(await matchTotpStep(rfcSecretBase32, sixDigits, epoch)).toBe(step);
    expect(await matchTotpStep(rfcSecretBase32, sixDigits, epoch + 30)).toBe(step);
    expect(await matchTotpStep(rfcSecretBase32, sixDigits, epoch - 30)).toBe(step);
    expect(await matchTotpStep(rfcSecretBase32, sixDigits, epoch + 90)).toBeNull();
  });

  it('writes a Google Authenticator otpauth URL', () => {
    const url = new URL(otpauthUrl(rfcSecretBase32, 'ada@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/membergraph:ada@example.com');
    // SHA1, 6 digits and 30 s are the defaults authenticator apps assume: otplib leaves them out.
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret: rfcSecretBase32, issuer: 'membergraph' });
  });
});

describe('backup codes', () => {
  it('are ten distinct 8-digit codes', () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
  });

  it('are hashed with a key: another SECRET_KEY gives another hash', () => {
    const a = createBackupCodeHasher(secretKeys('a'.repeat(32)));
    const b = createBackupCodeHasher(secretKeys('b'.repeat(32)));
    expect(a('12345678')).toMatch(/^[0-9a-f]{64}$/);
    expect(a('12345678')).toBe(a('12345678'));
    expect(a('12345678')).not.toBe(b('12345678'));
  });
});
