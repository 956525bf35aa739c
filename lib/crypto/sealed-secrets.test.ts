import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.js';
import { assertSealedSecretsOpen, SecretKeyMismatchError, type SealedSecretSample } from './sealed-secrets.js';
import { createSecretBox } from './secret-box.js';
import { secretKeys } from './secret-key.js';

const sealedUnder = 'k'.repeat(40);
const other = 'o'.repeat(40);

function sample(kind: string, key: string, sealedAt = new Date('2026-11-21T10:00:00Z')): SealedSecretSample {
  return {
    kind,
    sealedAt,
    sealed: createSecretBox(secretKeys(sealedUnder), kind).seal('secret'),
    box: createSecretBox(secretKeys(key), kind),
  };
}

describe('assertSealedSecretsOpen', () => {
  it('passes when every sample opens, or when there is none yet (a fresh database)', () => {
    expect(() => assertSealedSecretsOpen('identity', [sample('signing keys', sealedUnder)])).not.toThrow();
    expect(() => assertSealedSecretsOpen('identity', [])).not.toThrow();
  });

  it('names SECRET_KEY and every kind it cannot open, with when it was sealed', () => {
    const attempt = () =>
      assertSealedSecretsOpen('identity', [
        sample('signing keys', other),
        sample('TOTP secrets', other, new Date('2026-11-22T08:30:00Z')),
      ]);
    expect(attempt).toThrow(SecretKeyMismatchError);
    // A ConfigError: entry points report it like a bad variable (lib/config/env.ts startOrExit).
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'SECRET_KEY: does not open the secrets already in the database (identity signing keys sealed ' +
        '2026-11-21T10:00:00.000Z, identity TOTP secrets sealed 2026-11-22T08:30:00.000Z): ' +
        'start with the SECRET_KEY they were sealed with',
    );
  });

  it('says where the key came from when SECRET_KEY was not set', () => {
    expect(() =>
      assertSealedSecretsOpen('admin', [sample('webhook secrets', other)], 'the development key in .data/secret.key'),
    ).toThrow('start with the SECRET_KEY they were sealed with (the development key in .data/secret.key)');
  });
});
