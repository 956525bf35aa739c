import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.js';

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

/**
 * Where the development key is kept when SECRET_KEY is unset: in DATA_DIR even when the data itself
 * is in PostgreSQL at DATABASE_URL, so the key must travel with DATA_DIR or the sealed secrets in
 * that database (signing keys, TOTP seeds, webhook secrets) can no longer be opened.
 */
export function developmentKeyFile(config: Pick<AppConfig, 'dataDir'>): string {
  return join(config.dataDir, 'secret.key');
}
