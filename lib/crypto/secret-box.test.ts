import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';
import { secretKeys } from './secret-key.js';

const key = 'k'.repeat(40);

describe('secret box', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = createSecretBox(secretKeys(key), 'totp');
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toBe(box.seal('JBSWY3DPEHPK3PXP'));
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses tampered data, another purpose and another key', () => {
    const sealed = createSecretBox(secretKeys(key), 'totp').seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => createSecretBox(secretKeys(key), 'totp').open(tampered)).toThrow();
    expect(() => createSecretBox(secretKeys(key), 'signing-keys').open(sealed)).toThrow();
    expect(() => createSecretBox(secretKeys('x'.repeat(40)), 'totp').open(sealed)).toThrow();
  });

  it('opens what a fallback key sealed, and re-seals it under the current key', () => {
    const old = 'o'.repeat(40);
    const sealedBefore = createSecretBox(secretKeys(old), 'totp').seal('JBSWY3DPEHPK3PXP');
    const during = createSecretBox(secretKeys(key, [old]), 'totp');
    expect(during.open(sealedBefore)).toBe('JBSWY3DPEHPK3PXP');
    const resealed = during.resealed(sealedBefore)!;
    expect(createSecretBox(secretKeys(key), 'totp').open(resealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => createSecretBox(secretKeys(old), 'totp').open(resealed)).toThrow();
    // Already under the current key: nothing to do. Under no key of the set: refused.
    expect(during.resealed(resealed)).toBeUndefined();
    expect(() => during.resealed(createSecretBox(secretKeys('x'.repeat(40)), 'totp').seal('s'))).toThrow();
    // New secrets are sealed under the current key only.
    expect(() => createSecretBox(secretKeys(old), 'totp').open(during.seal('new'))).toThrow();
  });
});
