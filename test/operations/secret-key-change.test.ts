import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../lib/config/env.js';
import { SecretKeyMismatchError } from '../../lib/crypto/sealed-secrets.js';
import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';
import { createLogger } from '../../lib/logging/logger.js';
import { EPHEMERAL_PORTS, startStack, type Stack } from '../../gateway/src/stack.js';
import { WebhookEndpoint } from '../../subgraphs/admin/src/webhooks/webhook.entities.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../subgraphs/admin/src/webhooks/webhooks.js';
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

/** What the member's settings page shows: `myTotp.backupCodesRemaining`. */
async function backupCodesRemaining(stack: Stack, email: string, code: string): Promise<number> {
  const signedIn = await signIn(stack, email, code);
  expect(signedIn.errors).toBeUndefined();
  const status = await graphql<{ myTotp: { backupCodesRemaining: number } }>(
    stack,
    '{ myTotp { backupCodesRemaining } }',
    {},
    signedIn.data!.login.accessToken,
  );
  return status.data!.myTotp.backupCodesRemaining;
}

/** Each time step is accepted once: forget the last one rather than wait up to 30 s for the next. */
async function forgetLastStep(stack: Stack, email: string): Promise<void> {
  const em = stack.subgraphs.identity.database.fork();
  const factor = await em.findOneOrFail(TotpFactor, { user: { email } });
  await em.nativeUpdate(TotpFactor, { id: factor.id }, { lastUsedStep: 0 });
}

/** `npm run secrets:reseal` as an operator runs it, over the same database. */
async function reseal(keys: { SECRET_KEY: string; SECRET_KEY_FALLBACKS?: string }) {
  const { SECRET_KEY_FALLBACKS: _unset, ...environment } = process.env;
  return promisify(execFile)('node', ['--import', '@swc-node/register/esm-register', 'bin/reseal-secrets.ts'], {
    env: {
      ...environment,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      ...keys,
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** Every sealed value of a column, read straight from the database. */
async function sealedValues(stack: Stack, sql: string): Promise<string[]> {
  const rows = await stack.subgraphs.identity.database.fork().getConnection().execute<{ sealed: string }[]>(sql);
  return rows.map((row) => row.sealed);
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
      const adminEm = before.subgraphs.admin.database.fork();
      adminEm.create(WebhookEndpoint, {
        url: 'https://receiver.example.com/hook',
        events: ['*'],
        secretSealed: createSecretBox(secretKeys(oldKey), WEBHOOK_SECRET_PURPOSE).seal('whsec_before'),
      });
      await adminEm.flush();
    } finally {
      await before.stop();
    }

    // The new key alone does not open the old key's secrets: the process refuses to start.
    await expect(start({ SECRET_KEY: newKey })).rejects.toBeInstanceOf(SecretKeyMismatchError);

    const after = await start({ SECRET_KEY: newKey, SECRET_KEY_FALLBACKS: oldKey });
    let stray: WebhookEndpoint;
    let newcomer: Awaited<ReturnType<typeof memberWithAuthenticator>>;
    const strayKey = randomBytes(32).toString('base64url');
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
      newcomer = await memberWithAuthenticator(after, 'after');
      const [row] = await after.subgraphs.identity.database
        .fork()
        .getConnection()
        .execute<{ secret_sealed: string }[]>(
          'select f.secret_sealed from identity.totp_factor f join identity.user_account u on u.id = f.user_id where u.email = ?',
          [newcomer.email],
        );
      expect(createSecretBox(secretKeys(newKey), 'totp').open(row!.secret_sealed)).toBe(newcomer.secret);
      expect(() => createSecretBox(secretKeys(oldKey), 'totp').open(row!.secret_sealed)).toThrow();

      // A secret that no key given opens (sealed under some third key).
      const adminEm = after.subgraphs.admin.database.fork();
      stray = adminEm.create(WebhookEndpoint, {
        url: 'https://stray.example.com/hook',
        events: ['*'],
        secretSealed: createSecretBox(secretKeys(strayKey), WEBHOOK_SECRET_PURPOSE).seal('whsec_stray'),
      });
      await adminEm.flush();
    } finally {
      await after.stop();
    }

    // Step 3 (with the stack stopped, as the embedded database has one user at a time): seal again
    // what the old key sealed. The secret no key opens is named, and the run fails.
    const resealed = await reseal({ SECRET_KEY: newKey, SECRET_KEY_FALLBACKS: oldKey });
    expect(resealed.code).toBe(1);
    expect(resealed.stderr).toContain(`webhook secrets that open under no key given: ${stray.id}`);
    expect(resealed.stdout).toContain('identity signing keys: 2 sealed again under SECRET_KEY, 0 already were');
    expect(resealed.stdout).toContain('identity TOTP secrets: 1 sealed again under SECRET_KEY, 1 already were');
    expect(resealed.stdout).toContain(
      'admin webhook secrets: 1 sealed again under SECRET_KEY, 0 already were, 1 open under no key given',
    );
    // The member's nine unused codes were made under the old key, the newcomer's ten under the new.
    expect(resealed.stdout).toContain(
      'identity backup codes: 10 made under SECRET_KEY, 9 under a fallback (1 member), 0 under a key no longer set, 0 from before key ids were kept',
    );
    // As the refusal says: the key it was sealed with joins the fallbacks, and the re-seal runs again.
    const again = await reseal({ SECRET_KEY: newKey, SECRET_KEY_FALLBACKS: `${oldKey}\n${strayKey}` });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('identity TOTP secrets: 0 sealed again under SECRET_KEY, 2 already were');
    expect(again.stdout).toContain('admin webhook secrets: 1 sealed again under SECRET_KEY, 1 already were');
    expect(again.stdout).toContain('Removing SECRET_KEY_FALLBACKS voids 9 backup codes of 1 member');

    const settled = await start({ SECRET_KEY: newKey });
    try {
      const onlyNew = createSecretBox(secretKeys(newKey), 'signing-keys');
      for (const sealed of await sealedValues(settled, 'select private_jwk_sealed as sealed from identity.signing_key'))
        expect(() => onlyNew.open(sealed)).not.toThrow();
      const webhook = await settled.subgraphs.admin.database
        .fork()
        .findOneOrFail(WebhookEndpoint, { url: 'https://receiver.example.com/hook' }, { populate: ['secretSealed'] });
      expect(createSecretBox(secretKeys(newKey), WEBHOOK_SECRET_PURPOSE).open(webhook.secretSealed)).toBe(
        'whsec_before',
      );
      const strayWebhook = await settled.subgraphs.admin.database
        .fork()
        .findOneOrFail(WebhookEndpoint, { id: stray!.id }, { populate: ['secretSealed'] });
      expect(createSecretBox(secretKeys(newKey), WEBHOOK_SECRET_PURPOSE).open(strayWebhook.secretSealed)).toBe(
        'whsec_stray',
      );
      // The authenticator made under the old key works under the new key alone.
      await forgetLastStep(settled, member.email);
      expect((await signIn(settled, member.email, await currentCode(member.secret))).errors).toBeUndefined();
      // Backup codes are kept only as hashes, which cannot be made again: the old key's stop with it.
      expect((await signIn(settled, member.email, member.backupCodes[1])).errors?.[0]?.extensions?.code).toBe(
        'OTP_INVALID',
      );
      // And the member is told so: none of the nine left counts any more. The newcomer's all do.
      await forgetLastStep(settled, member.email);
      expect(await backupCodesRemaining(settled, member.email, await currentCode(member.secret))).toBe(0);
      expect(await backupCodesRemaining(settled, newcomer!.email, newcomer!.backupCodes[0]!)).toBe(9);
    } finally {
      await settled.stop();
    }
  }, 180_000);
});
