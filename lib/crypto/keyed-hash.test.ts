import { describe, expect, it } from 'vitest';
import { createKeyedHasher } from './keyed-hash.js';
import { secretKeys } from './secret-key.js';

const [current, old, other] = ['c'.repeat(40), 'o'.repeat(40), 'x'.repeat(40)];

describe('keyed hashes', () => {
  it('hash under the current key and recognise the fallbacks', () => {
    const before = createKeyedHasher(secretKeys(old), 'backup-codes');
    const during = createKeyedHasher(secretKeys(current, [old]), 'backup-codes');
    expect(during('12345678')).toBe(createKeyedHasher(secretKeys(current), 'backup-codes')('12345678'));
    expect(during('12345678')).not.toBe(before('12345678'));
    expect(during.candidates('12345678')).toEqual([during('12345678'), before('12345678')]);
    expect(during.matches('12345678', before('12345678'))).toBe(true);
    expect(during.matches('12345678', during('12345678'))).toBe(true);
    expect(during.matches('12345679', before('12345678'))).toBe(false);
    expect(during.matches('12345678', createKeyedHasher(secretKeys(other), 'backup-codes')('12345678'))).toBe(false);
    // Each purpose its own key.
    expect(during.matches('12345678', createKeyedHasher(secretKeys(old), 'verification-codes')('12345678'))).toBe(
      false,
    );
  });

  it('list the current key once, even when the fallbacks repeat it', () => {
    expect(secretKeys(current, [current, old, old])).toEqual({ current, fallbacks: [old] });
  });

  it('name each key without telling it, one name per key and purpose', () => {
    const before = createKeyedHasher(secretKeys(old), 'backup-codes');
    const during = createKeyedHasher(secretKeys(current, [old]), 'backup-codes');
    const after = createKeyedHasher(secretKeys(current), 'backup-codes');
    expect(during.keyIds).toEqual([after.keyId, before.keyId]);
    expect(during.keyId).toBe(after.keyId);
    expect(after.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(before.keyId).not.toBe(after.keyId);
    expect(createKeyedHasher(secretKeys(current), 'verification-codes').keyId).not.toBe(after.keyId);
  });
});
