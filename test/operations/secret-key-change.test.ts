import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../lib/config/env.js';
import { SecretKeyMismatchError } from '../../lib/crypto/sealed-secrets.js';
import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';
import { createLogger } from '../../lib/logging/logger.js';
import { EPHEMERAL_PORTS, startStack, type Stack } from '../../gateway/src/stack.js';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../support/database.js';

/**
 * An operator changes SECRET_KEY (routinely, or because it leaked): the new key seals everything new,
 * the old one listed in SECRET_KEY_FALLBACKS still opens and recognises what it sealed and hashed, and
 * nobody signed in or enrolled notices.
 */

const oldKey = randomBytes(32).toString('base64url');
const newKey = randomBytes(32).toString('base64url');
const password = 'plum-tractor-sings-7';

let dataDir: string;
let database: TestDatabase | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-secret-key-change-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** What `npm start` runs, over DATA_DIR's embedded database or the test's real one. */
function config(keys: { SECRET_KEY: string; SECRET_KEY_FALLBACKS?: string }): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    ...EPHEMERAL_PORTS,
    ...keys,
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
}

async function start(keys: { SECRET_KEY: string; SECRET_KEY_FALLBACKS?: string }): Promise<Stack> {
  const chosen = config(keys);
  return startStack({ config: chosen, logger: createLogger(chosen, 'test') });
}

interface Answer<T> {
  readonly data?: T | null;
  readonly errors?: { extensions?: { code?: string } }[];
}

async function graphql<T>(stack: Stack, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${stack.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}
const tokenFields = 'accessToken refreshToken';

async function signIn(stack: Stack, email: string, totpCode?: string): Promise<Answer<{ login: Tokens }>> {
  return graphql(stack, `mutation ($input: LoginInput!) { login(input: $input) { ${tokenFields} } }`, {
    input: { email, password, ...(totpCode ? { totpCode } : {}) },
  });
}

/** A code that stays inside the ±1 step window until the server sees it: avoid a step's last 2 s. */
async function currentCode(secret: string): Promise<string> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 28) await new Promise((resolve) => setTimeout(resolve, (30 - intoStep) * 1000 + 50));
  return generate({ secret });
}

/** Signs up and enrolls an authenticator: a sealed TOTP seed and ten keyed backup-code hashes. */
async function memberWithAuthenticator(stack: Stack, label: string) {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await graphql<{ register: Tokens }>(
    stack,
    `mutation ($input: RegisterInput!) { register(input: $input) { ${tokenFields} } }`,
    { input: { email, password } },
  );
  expect(registered.errors).toBeUndefined();
  const token = registered.data!.register.accessToken;
  const started = await graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
    stack,
    'mutation { startTotpEnrollment { otpauthUrl } }',
    {},
    token,
  );
  const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
  const confirmed = await graphql<{ confirmTotpEnrollment: { backupCodes: string[] } }>(
    stack,
    'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
    { c: await currentCode(secret) },
    token,
  );
  expect(confirmed.errors).toBeUndefined();
  return { email, secret, backupCodes: confirmed.data!.confirmTotpEnrollment.backupCodes };
}

/** Each time step is accepted once: forget the last one rather than wait up to 30 s for the next. */
async function forgetLastStep(stack: Stack, email: string): Promise<void> {
  const em = stack.subgraphs.identity.database.fork();
  const factor = await em.findOneOrFail(TotpFactor, { user: { email } });
  await em.nativeUpdate(TotpFactor, { id: factor.id }, { lastUsedStep: 0 });
}

describe('changing SECRET_KEY with the old key as a fallback', () => {
  it('keeps authenticators, backup codes and sessions made under the old key, and seals anew under the new one', async () => {
    // Under the old key: a member with an authenticator, signed in (a session, a tagged refresh token).
    const before = await start({ SECRET_KEY: oldKey });
    let member: Awaited<ReturnType<typeof memberWithAuthenticator>>;
    let session: Tokens;
    try {
      member = await memberWithAuthenticator(before, 'before');
      await forgetLastStep(before, member.email);
      const signedIn = await signIn(before, member.email, await currentCode(member.secret));
      expect(signedIn.errors).toBeUndefined();
      session = signedIn.data!.login;
    } finally {
      await before.stop();
    }

    // The new key alone does not open the old key's secrets: the process refuses to start.
    await expect(start({ SECRET_KEY: newKey })).rejects.toBeInstanceOf(SecretKeyMismatchError);

    const after = await start({ SECRET_KEY: newKey, SECRET_KEY_FALLBACKS: oldKey });
    try {
      // The old access token is still good (the signing key is the same), and so is the session.
      const me = await graphql<{ me: { email: string } }>(after, '{ me { email } }', {}, session.accessToken);
      expect(me.data?.me.email).toBe(member.email);
      const refreshed = await graphql<{ refreshToken: Tokens }>(
        after,
        `mutation ($t: String!) { refreshToken(refreshToken: $t) { ${tokenFields} } }`,
        { t: session.refreshToken },
      );
      expect(refreshed.errors).toBeUndefined();

      // The authenticator (a seed sealed under the old key) and a backup code (hashed under it).
      await forgetLastStep(after, member.email);
      expect((await signIn(after, member.email, await currentCode(member.secret))).errors).toBeUndefined();
      expect((await signIn(after, member.email, member.backupCodes[0])).errors).toBeUndefined();
      // Still used once only.
      expect((await signIn(after, member.email, member.backupCodes[0])).errors?.[0]?.extensions?.code).toBe(
        'OTP_INVALID',
      );

      // What is sealed now is sealed under the new key: it opens without the fallback.
      const newcomer = await memberWithAuthenticator(after, 'after');
      const [row] = await after.subgraphs.identity.database
        .fork()
        .getConnection()
        .execute<{ secret_sealed: string }[]>(
          'select f.secret_sealed from identity.totp_factor f join identity.user_account u on u.id = f.user_id where u.email = ?',
          [newcomer.email],
        );
      expect(createSecretBox(secretKeys(newKey), 'totp').open(row!.secret_sealed)).toBe(newcomer.secret);
      expect(() => createSecretBox(secretKeys(oldKey), 'totp').open(row!.secret_sealed)).toThrow();
    } finally {
      await after.stop();
    }
  }, 180_000);
});
