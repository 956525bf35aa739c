import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.js';

/**
 * The keys a process seals and verifies with: `current` (SECRET_KEY) seals, signs and hashes
 * everything new; the `fallbacks` (SECRET_KEY_FALLBACKS) are only accepted, to open what they sealed
 * and recognise what they hashed or signed, while a key changes (docs/operations.md "Changing
 * SECRET_KEY").
 */
export interface SecretKeys {
  readonly current: string;
  readonly fallbacks: readonly string[];
}

/** Current first, then the fallbacks in their listed order, without repeats. */
export function secretKeys(current: string, fallbacks: readonly string[] = []): SecretKeys {
  return { current, fallbacks: [...new Set(fallbacks)].filter((key) => key !== current) };
}

/** Every key of the set, the current one first. */
export function everyKey(keys: SecretKeys): readonly string[] {
  return [keys.current, ...keys.fallbacks];
}

/**
 * SECRET_KEY when configured (required in production). Outside production a random key is created
 * once and kept in DATA_DIR, so that a developer's data stays readable across restarts.
 */
export async function resolveSecretKey(
  config: Pick<AppConfig, 'secretKey' | 'dataDir' | 'isProduction'>,
): Promise<string> {
  if (config.secretKey) return config.secretKey;
  if (config.isProduction) throw new Error('SECRET_KEY is required when NODE_ENV=production');
  const file = developmentKeyFile(config);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** resolveSecretKey, with SECRET_KEY_FALLBACKS. */
export async function resolveSecretKeys(
  config: Pick<AppConfig, 'secretKey' | 'secretKeyFallbacks' | 'dataDir' | 'isProduction'>,
): Promise<SecretKeys> {
  return secretKeys(await resolveSecretKey(config), config.secretKeyFallbacks);
}

/**
 * Where the development key is kept when SECRET_KEY is unset: in DATA_DIR even when the data itself
 * is in PostgreSQL at DATABASE_URL, so the key must travel with DATA_DIR or the sealed secrets in
 * that database (signing keys, TOTP seeds, webhook secrets) can no longer be opened.
 */
export function developmentKeyFile(config: Pick<AppConfig, 'dataDir'>): string {
  return join(config.dataDir, 'secret.key');
}
