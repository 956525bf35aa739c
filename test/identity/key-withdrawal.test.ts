import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, VERIFIED_TOKEN_CACHE } from '../../lib/auth/access-token.js';
import { verifyLiveToken } from '../../lib/auth/live-token.js';
import { PollingRevocations } from '../../lib/auth/revocation.js';
import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { createLogger } from '../../lib/logging/logger.js';
import { SigningKey } from '../../subgraphs/identity/src/keys/signing-key.entity.js';
import { createClient, internal } from '../rest/internal-client.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { codeOf, goodPassword, login, meId, refresh, register, uniqueEmail } from './auth-helpers.js';
import { secretKeys } from '../../lib/crypto/secret-key.js';

/**
 * An operator rolls a signing key over (`rotateSigningKey`): planned, the new key is published before
 * it signs; immediately, because the key leaked, the old keys' tokens are refused everywhere at once,
 * including tokens forged with the stolen key, while sessions carry on by refreshing.
 */
const secretKey = 'key-withdrawal-test-secret-key-0123456789';
let stack: TestStack;
let systemAdmin: TestUser;
/** The issuer identity signs as (its public URL). */
let issuer: string;
beforeAll(async () => {
  stack = await startTestStack({ SECRET_KEY: secretKey });
  systemAdmin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  issuer = decodeJwt(systemAdmin.token).iss!;
});
afterAll(async () => {
  await stack?.stop();
});

interface Rotation {
  algorithm: string;
  kid: string;
  activatesAt: string;
  withdrawnKeyIds: string[];
}

const ROTATE = `mutation ($algorithm: SigningKeyAlgorithm, $immediately: Boolean) {
  rotateSigningKey(algorithm: $algorithm, immediately: $immediately) { algorithm kid activatesAt withdrawnKeyIds }
}`;

async function rotate(token: string, variables: { algorithm?: string; immediately?: boolean }) {
  return stack.graphql<{ rotateSigningKey: Rotation }>(ROTATE, { token, variables });
}

/**
 * The member `token` names, as the gateway answers at once. Right after a withdrawal, a verifier
 * that read the key set within the last second waits for its next read rather than refuse the new
 * key's tokens (access-token.ts patientKeySet).
 */
async function acceptedAtGateway(token: string): Promise<string | undefined> {
  const { id } = await meId(stack, token);
  expect(id).toBeDefined();
  return id;
}

/** A fresh system admin: a withdrawal of ES256 also ends the previous admin token's use. */
async function freshAdmin(): Promise<TestUser> {
  systemAdmin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  await acceptedAtGateway(systemAdmin.token);
  return systemAdmin;
}

async function published(algorithm: string): Promise<string[]> {
  // Identity's own answer: the gateway's copy is re-read once a minute.
  const answer = await fetch(new URL('/.well-known/jwks.json', stack.subgraphs.identity.url));
  const { keys } = (await answer.json()) as { keys: { kid: string; alg: string }[] };
  return keys.filter((key) => key.alg === algorithm).map((key) => key.kid);
}

/** What someone holding the leaked private key can do: sign any claims, for a session that never was. */
async function forgeWith(kid: string, subject: string): Promise<string> {
  const row = await stack.subgraphs.identity.database.fork().findOneOrFail(
    SigningKey,
    { kid },
    {
      populate: ['privateJwkSealed'],
    },
  );
  const jwk = JSON.parse(createSecretBox(secretKeys(secretKey), 'signing-keys').open(row.privateJwkSealed)) as Record<
    string,
    string
  >;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: randomUUID(), tid: systemAdmin.tenantId, role: 'SYSTEM_ADMIN', scope: '', amr: ['pwd'] })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience('membergraph')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti(randomUUID())
    .sign(await importJWK(jwk, 'ES256'));
}

/** `{ me { id } }` straight at identity, past the gateway. */
async function meAtIdentity(token: string) {
  const response = await stack.graphql<{ me: { id: string } | null }>('{ me { id } }', {
    token,
    url: stack.subgraphs.identity.url,
  });
  return { id: response.data?.me?.id, code: codeOf(response) };
}

async function signedInPerson() {
  const email = uniqueEmail('withdrawal');
  await register(stack, { email, password: goodPassword });
  const tokens = (await login(stack, email, goodPassword)).data!.login;
  return tokens;
}

describe('rotateSigningKey', () => {
  it('is for system administrators only', async () => {
    for (const role of ['GROUP_ADMIN', 'USER'] as const) {
      const caller = await stack.createUser({ role });
      const refused = await rotate(caller.token, { immediately: true });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      const listing = await stack.graphql('{ signingKeys { kid } }', { token: caller.token });
      expect(codeOf(listing)).toBe('FORBIDDEN');
    }
    expect(codeOf(await rotate('', { immediately: true }))).toBe('UNAUTHENTICATED');
  });

  it('planned: publishes the new key first, and every token keeps working', async () => {
    const person = await signedInPerson();
    const signing = decodeProtectedHeader(person.accessToken).kid!;
    const before = await published('RS256');

    const response = await rotate((await freshAdmin()).token, { algorithm: 'RS256' });

    const rotation = response.data!.rotateSigningKey;
    expect(rotation.withdrawnKeyIds).toEqual([]);
    expect(Date.parse(rotation.activatesAt)).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(await published('RS256')).toEqual(expect.arrayContaining([...before, rotation.kid]));
    // ES256 (access tokens) is untouched, and the person is still signed in.
    expect((await meId(stack, person.accessToken)).id).toBe(person.user.id);
    expect(decodeProtectedHeader((await stack.createUser()).token).kid).toBe(signing);
  });

  it('immediately: refuses the leaked key’s tokens everywhere at once, forged ones too, and signs anew', async () => {
    const person = await signedInPerson();
    const leaked = decodeProtectedHeader(person.accessToken).kid!;
    const forged = await forgeWith(leaked, systemAdmin.id);
    // The leak is real: before the withdrawal, the forged token is a system admin's (and remembered).
    expect((await meId(stack, forged)).id).toBe(systemAdmin.id);
    expect((await meAtIdentity(person.accessToken)).id).toBe(person.user.id);
    expect((await meId(stack, person.accessToken)).id).toBe(person.user.id);

    const admin = await freshAdmin();
    const response = await rotate(admin.token, { algorithm: 'ES256', immediately: true });

    const rotation = response.data!.rotateSigningKey;
    expect(rotation.withdrawnKeyIds).toContain(leaked);
    expect(Math.abs(Date.parse(rotation.activatesAt) - Date.now())).toBeLessThan(5_000);
    expect(await published('ES256')).toEqual([rotation.kid]);
    for (const token of [forged, person.accessToken, admin.token]) {
      expect(await meId(stack, token)).toMatchObject({ id: undefined, code: 'INVALID_TOKEN' });
      expect(await meAtIdentity(token)).toMatchObject({ id: undefined, code: 'INVALID_TOKEN' });
    }
    // The session itself carries on: its refresh token gets an access token from the new key.
    const refreshed = (await refresh(stack, person.refreshToken)).data!.refreshToken;
    expect(decodeProtectedHeader(refreshed.accessToken).kid).toBe(rotation.kid);
    expect(await acceptedAtGateway(refreshed.accessToken)).toBe(person.user.id);
    expect(
      decodeProtectedHeader((await login(stack, person.user.email, goodPassword)).data!.login.accessToken).kid,
    ).toBe(rotation.kid);

    // What the operator reads, and what the audit trail keeps.
    const listing = await stack.graphql<{ signingKeys: { kid: string; withdrawnAt: string | null }[] }>(
      '{ signingKeys { kid withdrawnAt } }',
      { token: (await freshAdmin()).token },
    );
    const byKid = new Map(listing.data!.signingKeys.map((key) => [key.kid, key.withdrawnAt]));
    expect(byKid.get(leaked)).toEqual(expect.any(String));
    expect(byKid.get(rotation.kid)).toBeNull();
    // The audit log (seed 004's REST view), once the relay has carried the event to admin.
    const reader = (await freshAdmin()).token;
    const audited = async () => {
      const answer = await call(stack, 'GET', '/api/v1/admin/audit-logs?action=signing_key.rotated&limit=100', {
        token: reader,
      });
      const items = (answer.body as { items: { actor_id: string | null; details: Record<string, unknown> }[] }).items;
      return items.filter((item) => item.actor_id === admin.id);
    };
    await expect.poll(audited, { timeout: 5_000, interval: 100 }).toHaveLength(1);
    expect((await audited())[0]!.details).toMatchObject({
      algorithm: 'ES256',
      kid: rotation.kid,
      immediately: true,
      withdrawnKeyIds: rotation.withdrawnKeyIds,
    });
  });

  it('reaches a verifier in another process through identity’s revocation feed', async () => {
    const logger = createLogger({ logLevel: 'silent' }, 'test');
    const identityUrl = new URL('/', stack.subgraphs.identity.url).toString().replace(/\/$/, '');
    // As a subgraph or gateway without Redis: the JWKS over HTTP (cached for 10 minutes), the feed.
    const verifier = createAccessTokenVerifier({
      issuer: issuer,
      jwks: new URL('/.well-known/jwks.json', identityUrl),
      cache: VERIFIED_TOKEN_CACHE,
    });
    const feed = new PollingRevocations(`${identityUrl}/sessions/revocations`, logger, 100);
    try {
      const person = await signedInPerson();
      const leaked = decodeProtectedHeader(person.accessToken).kid!;
      await expect(verifyLiveToken(person.accessToken, verifier, feed)).resolves.toMatchObject({
        userId: person.user.id,
      });

      const rotated = await rotate((await freshAdmin()).token, { immediately: true });
      expect(rotated.data!.rotateSigningKey.withdrawnKeyIds).toContain(leaked);

      // Its key set still holds the key and it remembers the token: only the feed can tell it.
      await expect
        .poll(() => verifyLiveToken(person.accessToken, verifier, feed).then(() => 'accepted', String), {
          timeout: 3_000,
          interval: 50,
        })
        .toMatch(/withdrawn/);
      const entries = (await (
        await fetch(`${identityUrl}/sessions/revocations?since=${new Date(Date.now() - 60_000).toISOString()}`)
      ).json()) as { sessionId: string }[];
      expect(entries.map((entry) => entry.sessionId)).toContain(`signing-key:${leaked}`);
    } finally {
      await feed.close();
    }
  });

  it('keeps legacy services working: an API client’s next call after a withdrawal goes through', async () => {
    const keys = await createClient(stack, await freshAdmin(), ['catalog:read']);
    const listSystems = () => internal(stack, 'GET', '/internal/systems?limit=1', { keys });
    // The gateway now holds a service token for the client, signed by the current key.
    expect((await listSystems()).status).toBe(200);
    // The catalog subgraph read the key set for that call, within the second before the rollover:
    // it waits for its next read rather than refuse the new key's first token.
    await rotate((await freshAdmin()).token, { immediately: true });

    // Not a single refusal: the gateway gets a token of the new key rather than forward the old one.
    expect(await listSystems()).toMatchObject({ status: 200 });
  });

  // On PostgreSQL the two overlap; the rollover lock leaves one signing key, not two.
  it('leaves exactly one signing key when two operators withdraw at the same moment', async () => {
    const token = (await freshAdmin()).token;
    // RS256 signs no access token: neither withdrawal refuses the other's admin token.
    const [a, b] = await Promise.all([
      rotate(token, { algorithm: 'RS256', immediately: true }),
      rotate(token, { algorithm: 'RS256', immediately: true }),
    ]);
    const kids = [a.data!.rotateSigningKey.kid, b.data!.rotateSigningKey.kid];
    const usable = await published('RS256');
    expect(usable).toHaveLength(1);
    expect(kids).toContain(usable[0]);
    // The later withdrawal took the earlier one's fresh key with it.
    const [first, second] = [a.data!.rotateSigningKey, b.data!.rotateSigningKey].sort(
      (x, y) => Date.parse(x.activatesAt) - Date.parse(y.activatesAt),
    );
    expect(second!.withdrawnKeyIds).toContain(first!.kid);
  });
});
