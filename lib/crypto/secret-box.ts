import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { everyKey, type SecretKeys } from './secret-key.js';

/**
 * Authenticated encryption (AES-256-GCM) for secrets we must read back (signing keys, TOTP seeds).
 * Each purpose gets its own key derived from SECRET_KEY with HKDF, so one leak does not open another.
 * Format: v1.<iv>.<tag>.<ciphertext>, base64url. Sealed under the current key; opened under any key
 * of the set (SECRET_KEY_FALLBACKS), the tag telling which.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /**
   * The same secret sealed under the current key, or undefined when it already is (the re-seal
   * after SECRET_KEY changes). Throws as open does when no key opens it.
   */
  resealed(sealed: string): string | undefined;
}

export function createSecretBox(keys: SecretKeys, purpose: string): SecretBox {
  const [current, ...fallbacks] = everyKey(keys).map((key) =>
    Buffer.from(hkdfSync('sha256', key, 'membergraph', `secret-box:${purpose}`, 32)),
  );
  const seal = (plaintext: string) => sealUnder(current!, plaintext);
  /** The plaintext and whether it took a fallback key to open it. */
  const opened = (sealed: string): { plaintext: string; byFallback: boolean } => {
    const parts = parse(sealed);
    try {
      return { plaintext: openUnder(current!, parts), byFallback: false };
    } catch (refusal) {
      for (const key of fallbacks) {
        try {
          return { plaintext: openUnder(key, parts), byFallback: true };
        } catch {
          // The next key, if any.
        }
      }
      throw refusal;
    }
  };
  return {
    seal,
    open: (sealed) => opened(sealed).plaintext,
    resealed(sealed) {
      const { plaintext, byFallback } = opened(sealed);
      return byFallback ? seal(plaintext) : undefined;
    },
  };
}

interface SealedParts {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly body: Buffer;
}

function parse(sealed: string): SealedParts {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unrecognised sealed secret');
  return { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), body: Buffer.from(body, 'base64url') };
}

function sealUnder(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function openUnder(key: Buffer, { iv, tag, body }: SealedParts): string {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
