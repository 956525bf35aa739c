import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../lib/config/env.js';

const run = promisify(execFile);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.dataDir).toBe('./.data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.rateLimits).toEqual({ general: 100, auth: 10, admin: 1000, internal: 60_000 });
    expect(config.sessionLifetimes).toEqual({ absoluteSeconds: 30 * 86_400, idleSeconds: 7 * 86_400 });
    expect(config.publicUrl).toBe('http://127.0.0.1:4000');
    expect(Object.values(config.subgraphs).map((s) => s.port)).toEqual([4001, 4002, 4003, 4004]);
    expect(config.webhookRetryDelaysMs.reduce((a, b) => a + b, 0)).toBeGreaterThan(3 * 3600_000);
  });

  it('reads session lifetimes and the internal budget, and refuses ones that are not positive whole numbers', () => {
    const config = loadConfig({
      SESSION_ABSOLUTE_LIFETIME_SECONDS: '3600',
      SESSION_IDLE_LIFETIME_SECONDS: '600',
      RATE_LIMIT_INTERNAL_PER_MINUTE: '120000',
    });
    expect(config.sessionLifetimes).toEqual({ absoluteSeconds: 3600, idleSeconds: 600 });
    expect(config.rateLimits.internal).toBe(120_000);
    const named = problemsOf({
      SESSION_ABSOLUTE_LIFETIME_SECONDS: '0',
      SESSION_IDLE_LIFETIME_SECONDS: '1.5',
      RATE_LIMIT_INTERNAL_PER_MINUTE: 'lots',
    }).map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'SESSION_ABSOLUTE_LIFETIME_SECONDS',
        'SESSION_IDLE_LIFETIME_SECONDS',
        'RATE_LIMIT_INTERNAL_PER_MINUTE',
      ]),
    );
  });

  it('puts subgraph ports beside the gateway port unless set, so stacks can run side by side', () => {
    expect(Object.values(loadConfig({ PORT: '5000' }).subgraphs).map((s) => s.port)).toEqual([5001, 5002, 5003, 5004]);
    expect(loadConfig({ PORT: '5000', MEMBER_PORT: '6100' }).subgraphs.member.port).toBe(6100);
    expect(Object.values(loadConfig({ PORT: '0' }).subgraphs).map((s) => s.port)).toEqual([0, 0, 0, 0]);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      RATE_LIMIT_AUTH_PER_MINUTE: '0',
      WEBHOOK_RETRY_DELAYS_MS: '100,-5',
      BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'RATE_LIMIT_AUTH_PER_MINUTE',
        'WEBHOOK_RETRY_DELAYS_MS',
        'BOOTSTRAP_ADMIN_PASSWORD',
      ]),
    );
  });

  it('refuses insecure fallbacks in production', () => {
    const named = problemsOf({ NODE_ENV: 'production' }).map((p) => p.split(':')[0]);
    expect(named).toEqual(expect.arrayContaining(['SECRET_KEY', 'PUBLIC_URL']));
    expect(problemsOf({ NODE_ENV: 'production', SECRET_KEY: 'short', PUBLIC_URL: 'https://id.example.com' })).toEqual([
      'SECRET_KEY: must be at least 32 characters',
    ]);
  });

  it('keeps sign-in open to unverified addresses by default, and requires a mail transport to close it', () => {
    expect(loadConfig({}).requireVerifiedEmail).toBe(false);
    expect(problemsOf({ NODE_ENV: 'test', REQUIRE_VERIFIED_EMAIL: 'true' })).toEqual([
      'REQUIRE_VERIFIED_EMAIL: needs SMTP_URL, or no member could ever verify and sign in',
    ]);
    expect(problemsOf({ REQUIRE_VERIFIED_EMAIL: 'yes' }).map((p) => p.split(':')[0])).toEqual([
      'REQUIRE_VERIFIED_EMAIL',
    ]);
    const strict = { NODE_ENV: 'test', REQUIRE_VERIFIED_EMAIL: 'true', SMTP_URL: 'smtp://mail.example.com:587' };
    expect(loadConfig(strict).requireVerifiedEmail).toBe(true);
    // Development logs the mail instead of sending it, so a developer can verify without a relay.
    expect(loadConfig({ NODE_ENV: 'development', REQUIRE_VERIFIED_EMAIL: 'true' }).requireVerifiedEmail).toBe(true);
  });

  it('refuses private and loopback webhook receivers by default in production only', () => {
    const production = { NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32), PUBLIC_URL: 'https://id.example.com' };
    expect(loadConfig(production).webhookAllowPrivateTargets).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhookAllowPrivateTargets).toBe(true);
    expect(loadConfig({}).webhookAllowPrivateTargets).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).webhookAllowPrivateTargets).toBe(false);
  });

  it('reads any variable from a file named by <NAME>_FILE (Docker and Kubernetes secrets)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'membergraph-config-'));
    const secret = 's'.repeat(48);
    await writeFile(join(dir, 'secret_key'), `${secret}\n`);
    await writeFile(join(dir, 'database_url'), 'postgres://app:pw@db:5432/app');
    const config = loadConfig({
      SECRET_KEY_FILE: join(dir, 'secret_key'),
      DATABASE_URL_FILE: join(dir, 'database_url'),
    });
    expect(config.secretKey).toBe(secret);
    expect(config.databaseUrl).toBe('postgres://app:pw@db:5432/app');
    // Both forms at once, or a file that is not there, name the variable.
    expect(problemsOf({ SECRET_KEY: secret, SECRET_KEY_FILE: join(dir, 'secret_key') })).toEqual([
      'SECRET_KEY_FILE: set SECRET_KEY or SECRET_KEY_FILE, not both',
    ]);
    expect(problemsOf({ REDIS_URL_FILE: join(dir, 'missing') })).toEqual([
      `REDIS_URL_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
    ]);
    // The file's content is validated like the variable itself.
    await writeFile(join(dir, 'short'), 'too short');
    expect(problemsOf({ SECRET_KEY_FILE: join(dir, 'short') })).toEqual(['SECRET_KEY: must be at least 32 characters']);
  });

  it('reads SECRET_KEY_FALLBACKS as a list, from a file one key a line', async () => {
    const [a, b] = ['a'.repeat(40), 'b'.repeat(40)];
    expect(loadConfig({}).secretKeyFallbacks).toEqual([]);
    expect(loadConfig({ SECRET_KEY_FALLBACKS: ` ${a}, ${b} ` }).secretKeyFallbacks).toEqual([a, b]);
    const dir = await mkdtemp(join(tmpdir(), 'membergraph-config-'));
    await writeFile(join(dir, 'fallbacks'), `${a}\n${b}\n`);
    expect(loadConfig({ SECRET_KEY_FALLBACKS_FILE: join(dir, 'fallbacks') }).secretKeyFallbacks).toEqual([a, b]);
    expect(problemsOf({ SECRET_KEY_FALLBACKS: `${a},short` })).toEqual([
      'SECRET_KEY_FALLBACKS: each key must be at least 32 characters (separate keys with commas or new lines)',
    ]);
  });

  it('stops the process with a message naming the variable', async () => {
    const failure = await run('node', ['--import', '@swc-node/register/esm-register', 'gateway/src/all-in-one.ts'], {
      env: { ...process.env, PORT: 'not-a-port', REDIS_URL: 'http://nope' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/PORT: /);
    expect(failure?.stderr).toMatch(/REDIS_URL: must be a redis:\/\//);
  });
});
