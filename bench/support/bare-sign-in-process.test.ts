import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDatabaseUrl } from '../../test/support/database.js';
import { startBareSignIn, type BareSignIn } from './bare-sign-in-process.js';

const benchRoot = resolve(import.meta.dirname, '../..');
const PASSWORD = 'a bare sign-in passphrase';

describe.skipIf(!realDatabaseUrl)("goal 5's bare sign-in (needs TEST_DATABASE_URL)", () => {
  const suffix = `${process.pid}_${Date.now()}`;
  const accounts = `bare_accounts_${suffix}`;
  const sessions = `bare_sessions_${suffix}`;
  const accountId = '5b1f3c52-8f4e-4a3e-9d57-0c1e2f3a4b5c';
  let client: pg.Client;
  let bare: BareSignIn;
  let workDir: string;

  const signIn = (body: object) =>
    fetch(bare.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const storedTokens = async () =>
    (
      await client.query<{ user_id: string; token_hash: Buffer }>(
        `select user_id, token_hash from "${sessions}".refresh_token`,
      )
    ).rows;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: realDatabaseUrl });
    await client.connect();
    await client.query(`create schema "${accounts}"`);
    await client.query(
      `create table "${accounts}".user_account (id uuid primary key, email text unique, password_hash text)`,
    );
    await client.query(`insert into "${accounts}".user_account values ($1, 'bare@example.test', $2)`, [
      accountId,
      await hash(PASSWORD, { memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
    ]);
    workDir = await mkdtemp(join(tmpdir(), 'bare-sign-in-'));
    bare = await startBareSignIn({
      databaseUrl: realDatabaseUrl!,
      accounts: `${accounts}.user_account`,
      sessionsSchema: sessions,
      // The source module (the bench gives the build's): the script runs through @swc-node/register.
      passwordModule: pathToFileURL(join(benchRoot, 'subgraphs/identity/src/user/password.ts')).href,
      benchRoot,
      workDir,
      runtime: { execPath: process.execPath, version: process.version, source: 'test' },
    });
  }, 60_000);

  afterAll(async () => {
    await bare?.child.stop();
    await client?.query(`drop schema if exists "${accounts}", "${sessions}" cascade`);
    await client?.end();
    await rm(workDir, { recursive: true, force: true });
  });

  it('signs the account in: an ES256 access token for it, and its refresh token stored hashed', async () => {
    const response = await signIn({ email: 'bare@example.test', password: PASSWORD });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; refresh_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    const [header, claims, signature] = body.access_token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({ sub: accountId });
    // ES256: R and S, 32 octets each (RFC 7518 §3.4).
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(64);
    const stored = await storedTokens();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.user_id).toBe(accountId);
    expect(stored[0]!.token_hash).toEqual(createHash('sha256').update(body.refresh_token).digest());
  });

  it('refuses a wrong password or an unknown email, and stores nothing', async () => {
    const before = (await storedTokens()).length;
    expect((await signIn({ email: 'bare@example.test', password: 'not it' })).status).toBe(401);
    expect((await signIn({ email: 'nobody@example.test', password: PASSWORD })).status).toBe(401);
    expect((await signIn({ email: 'bare@example.test' })).status).toBe(400);
    expect(await storedTokens()).toHaveLength(before);
  });
});
