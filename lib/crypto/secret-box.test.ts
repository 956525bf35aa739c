import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

const key = 'k'.repeat(40);

describe('secret box', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = createSecretBox(key, 'totp');
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toBe(box.seal('JBSWY3DPEHPK3PXP'));
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses tampered data, another purpose and another key', () => {
    const sealed = createSecretBox(key, 'totp').seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => createSecretBox(key, 'totp').open(tampered)).toThrow();
    expect(() => createSecretBox(key, 'signing-keys').open(sealed)).toThrow();
    expect(() => createSecretBox('x'.repeat(40), 'totp').open(sealed)).toThrow();
  });
});
