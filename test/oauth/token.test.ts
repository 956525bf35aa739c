import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationSession } from '../../subgraphs/identity/src/oauth/application-session.entity.js';
import { AuthorizationCode } from '../../subgraphs/identity/src/oauth/authorization-code.entity.js';
import { hashOpaqueToken } from '../../subgraphs/identity/src/oauth/client-credentials.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import {
  authorizeQuery,
  callback,
  codeFor,
  eventsOf,
  exchange,
  formToken,
  meStatus,
  registerApplication,
  rest,
  startFlowStack,
  type RegisteredApplication,
  type TokenPair,
} from './flow.js';

/** The token endpoints: `POST /oauth/token` (RFC 6749) and seed 004's JSON `POST /api/v1/auth/token`. */
let stack: TestStack;
let app: RegisteredApplication;
beforeAll(async () => {
  stack = await startFlowStack();
  app = await registerApplication(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const codeGrant = (grant: { code: string; verifier: string }, extra: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  code: grant.code,
  redirect_uri: callback,
  code_verifier: grant.verifier,
  ...extra,
});
const post = (application: RegisteredApplication) => ({
  client_id: application.clientId,
  client_secret: application.clientSecret,
});

describe('authorization_code at POST /oauth/token', () => {
  it('answers RFC 6749 §5.1 with client_secret_post, uncached, and the token works at the gateway', async () => {
    const user = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const answer = await formToken(stack, {
      ...codeGrant(await codeFor(stack, app, user.token, 'read write')),
      ...post(app),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as string,
      token_type: 'Bearer',
      expires_in: 1800,
      refresh_token: expect.stringMatching(/^[\w-]{86}$/) as string,
      scope: 'read write',
    });
    const claims = decodeJwt(answer.body['access_token'] as string);
    // An administrator's authorization never hands an application admin powers.
    expect(claims).toMatchObject({
      sub: user.id,
      client_id: app.clientId,
      scope: 'read write',
      role: 'USER',
      aud: 'membergraph',
    });
    expect(await meStatus(stack, answer.body['access_token'] as string)).toBe(200);
    const logins = (await eventsOf(stack, 'user.login')).filter((e) => e.subjectUserId === user.id);
    expect(logins.map((e) => e.payload['applicationId'])).toEqual([app.id]);
    const consents = await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token });
    expect((consents.body['applications'] as { last_used: string | null }[])[0]?.last_used).toEqual(expect.any(String));
  });

  it('accepts client_secret_basic', async () => {
    const user = await stack.createUser();
    const answer = await formToken(stack, codeGrant(await codeFor(stack, app, user.token)), {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'read' } });
  });

  it('accepts a public client without a secret when PKCE was used, and refuses it a secret', async () => {
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const user = await stack.createUser();
    const grant = await codeFor(stack, publicApp, user.token);
    const withSecret = await formToken(stack, {
      ...codeGrant(grant),
      client_id: publicApp.clientId,
      client_secret: 'x',
    });
    expect(withSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const answer = await formToken(stack, { ...codeGrant(grant), client_id: publicApp.clientId });
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
  });

  it("answers a browser application's registered origin with CORS, and no other origin", async () => {
    const spa = await registerApplication(stack, {
      client_type: 'public',
      allowed_origins: ['https://spa.example.com'],
    });
    const user = await stack.createUser();
    const post = async (origin: string) => {
      const grant = await codeFor(stack, spa, user.token);
      return fetch(`${stack.gatewayUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({ ...codeGrant(grant), client_id: spa.clientId }).toString(),
      });
    };
    const allowed = await post('https://spa.example.com');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://spa.example.com');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await post('https://evil.example.com');
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a replayed code and revokes the tokens issued for it', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    const first = await exchange(stack, app, grant);
    expect(await meStatus(stack, first.access_token)).toBe(200);
    const replay = await formToken(stack, { ...codeGrant(grant), ...post(app) });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(replay.body['error_description']).toMatch(/already used/);
    expect(await meStatus(stack, first.access_token)).toBe(401);
    const refreshed = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      ...post(app),
    });
    expect(refreshed).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The user's own sign-in is untouched.
    expect(await meStatus(stack, user.token)).toBe(200);
  });

  it('lets one of several concurrent exchanges of a code succeed, and revokes what it issued', async () => {
    for (let round = 0; round < 6; round += 1) {
      const user = await stack.createUser();
      const grant = await codeFor(stack, app, user.token);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => formToken(stack, { ...codeGrant(grant), ...post(app) })),
      );
      const statuses = answers.map((a) => a.status);
      const winners = answers.filter((a) => a.status === 200);
      expect(winners, `round ${round}: ${statuses.join(' ')}`).toHaveLength(1);
      for (const loser of answers.filter((a) => a.status !== 200)) {
        expect(loser).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
      const won = winners[0]!.body as unknown as TokenPair;
      expect(await meStatus(stack, won.access_token), `round ${round}: access token`).toBe(401);
      const refreshed = await formToken(stack, {
        grant_type: 'refresh_token',
        refresh_token: won.refresh_token,
        ...post(app),
      });
      expect(refreshed, `round ${round}: refresh token`).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await meStatus(stack, user.token)).toBe(200);
    }
  });

  it('refuses a wrong PKCE verifier, a missing one, and a verifier for a code issued without a challenge', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    const wrong = await formToken(stack, {
      ...codeGrant({ ...grant, verifier: `${grant.verifier.slice(0, -2)}AA` }),
      ...post(app),
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.body['error_description']).toMatch(/code_verifier/);
    const { code_verifier: _dropped, ...withoutVerifier } = codeGrant(grant);
    expect(await formToken(stack, { ...withoutVerifier, ...post(app) })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The refused attempts spent nothing: the right verifier still redeems the code.
    await exchange(stack, app, grant);

    const plain = await rest(
      stack,
      'POST',
      authorizeQuery({ response_type: 'code', client_id: app.clientId, redirect_uri: callback }),
      { token: user.token },
    );
    const code = new URL(plain.headers.get('location')!).searchParams.get('code')!;
    const downgrade = await formToken(stack, { ...codeGrant({ code, verifier: grant.verifier }), ...post(app) });
    expect(downgrade).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a code older than 60 seconds', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        AuthorizationCode,
        { codeHash: hashOpaqueToken(grant.code) },
        { expiresAt: new Date(Date.now() - 1000) },
      );
    const answer = await formToken(stack, { ...codeGrant(grant), ...post(app) });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The authorization code has expired' },
    });
    const row = await stack.subgraphs.identity.database
      .fork()
      .findOneOrFail(AuthorizationCode, { codeHash: hashOpaqueToken(grant.code) });
    // Issued with a lifetime of at most a minute.
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(60_000);
  });

  it('refuses a wrong secret (401 + WWW-Authenticate for Basic), another client and another redirect_uri', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    const wrongPost = await formToken(stack, {
      ...codeGrant(grant),
      client_id: app.clientId,
      client_secret: 'mgs_wrong',
    });
    expect(wrongPost).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrongPost.headers.get('www-authenticate')).toBeNull();
    const wrongBasic = await formToken(stack, codeGrant(grant), { clientId: app.clientId, clientSecret: 'mgs_wrong' });
    expect(wrongBasic).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic realm="membergraph"/);
    const unknown = await formToken(stack, { ...codeGrant(grant), client_id: 'mga_nobody', client_secret: 'x' });
    expect(unknown).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const other = await registerApplication(stack);
    const stolen = await formToken(stack, { ...codeGrant(grant), ...post(other) });
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const elsewhere = await formToken(stack, { ...codeGrant(grant, { redirect_uri: `${callback}/` }), ...post(app) });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await exchange(stack, app, grant);
  });

  it('speaks RFC 6749 §5.2 for malformed requests', async () => {
    const missing = await formToken(stack, { grant_type: 'authorization_code', ...post(app) });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(Object.keys(missing.body).sort()).toEqual(['error', 'error_description']);
    expect(await formToken(stack, { grant_type: 'password', ...post(app) })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await formToken(stack, post(app))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const both = await formToken(
      stack,
      { grant_type: 'authorization_code', client_secret: app.clientSecret },
      {
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      },
    );
    expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const json = await fetch(`${stack.gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const repeated = await fetch(`${stack.gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&grant_type=authorization_code',
    });
    expect(await repeated.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'grant_type is repeated',
    });
  });
});

describe('refresh_token', () => {
  it('rotates: the new token works, the old one is refused and then ends the session', async () => {
    const user = await stack.createUser();
    const first = await exchange(stack, app, await codeFor(stack, app, user.token, 'read write'));
    const refreshed = await formToken(
      stack,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'read' },
      { clientId: app.clientId, clientSecret: app.clientSecret },
    );
    expect(refreshed).toMatchObject({ status: 200, body: { scope: 'read', token_type: 'Bearer' } });
    const second = refreshed.body as unknown as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token)['sid']).toBe(decodeJwt(first.access_token)['sid']);
    expect(await meStatus(stack, second.access_token)).toBe(200);

    const wider = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      scope: 'read write admin',
      ...post(app),
    });
    expect(wider).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const otherClient = await registerApplication(stack);
    const foreign = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      ...post(otherClient),
    });
    expect(foreign).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    // Past the concurrent-use window, a rotated token is reuse: the session ends.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const reuse = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      ...post(app),
    });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await meStatus(stack, second.access_token)).toBe(401);
    const after = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      ...post(app),
    });
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rotates once when one token is presented concurrently, and the successor works', async () => {
    for (let round = 0; round < 4; round += 1) {
      const user = await stack.createUser();
      const first = await exchange(stack, app, await codeFor(stack, app, user.token));
      const answers = await Promise.all(
        Array.from({ length: 3 }, () =>
          formToken(stack, { grant_type: 'refresh_token', refresh_token: first.refresh_token, ...post(app) }),
        ),
      );
      const winners = answers.filter((a) => a.status === 200);
      expect(winners, `round ${round}: ${answers.map((a) => a.status).join(' ')}`).toHaveLength(1);
      // Inside the concurrent-use window the losers are refused without ending the session.
      for (const loser of answers.filter((a) => a.status !== 200)) {
        expect(loser).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
      const second = winners[0]!.body as unknown as TokenPair;
      expect(await meStatus(stack, second.access_token)).toBe(200);
      const next = await formToken(stack, {
        grant_type: 'refresh_token',
        refresh_token: second.refresh_token,
        ...post(app),
      });
      expect(next).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    }
  });

  it("is never accepted by the first-party refresh, which would hand out the user's full role", async () => {
    const user = await stack.createUser();
    const tokens = await exchange(stack, app, await codeFor(stack, app, user.token));
    const firstParty = await rest(stack, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: tokens.refresh_token },
    });
    expect(firstParty.status).toBe(401);
  });
});

describe('seed 004 POST /api/v1/auth/token', () => {
  it('takes the documented JSON body and answers token_type "bearer" with the scope', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token, 'read write');
    const answer = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: {
        grant_type: 'authorization_code',
        code: grant.code,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: callback,
        code_verifier: grant.verifier,
      },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { token_type: 'bearer', expires_in: 1800, scope: 'read write' },
    });
    expect(Object.keys(answer.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const refreshed = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: { grant_type: 'refresh_token', refresh_token: answer.body['refresh_token'], ...post(app) },
    });
    expect(refreshed).toMatchObject({ status: 200, body: { token_type: 'bearer' } });
  });

  it('answers its errors in the {error, message, details} dialect, with the RFC 6749 §5.2 statuses', async () => {
    const replayed = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: { grant_type: 'authorization_code', code: 'nope', redirect_uri: callback, ...post(app) },
    });
    expect(replayed).toEqual(
      expect.objectContaining({
        status: 400,
        body: {
          error: 'invalid_grant',
          message: 'The authorization code is invalid',
          details: { error: 'invalid_grant' },
        },
      }),
    );
    const badClient = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: { grant_type: 'authorization_code', client_id: app.clientId, client_secret: 'wrong' },
    });
    expect(badClient).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const unsupported = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: { grant_type: 'password', ...post(app) },
    });
    expect(unsupported).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });
});

describe('revoking a consent', () => {
  it('ends the tokens the application holds for the user, refresh included, and only those', async () => {
    const user = await stack.createUser();
    const other = await registerApplication(stack);
    const tokens = await exchange(stack, app, await codeFor(stack, app, user.token));
    const otherTokens = await exchange(stack, other, await codeFor(stack, other, user.token));
    const pending = await codeFor(stack, app, user.token);

    const revoked = await rest(stack, 'DELETE', `/api/v1/users/me/applications/${app.id}`, { token: user.token });
    expect(revoked).toMatchObject({ status: 200, body: { message: 'Application authorization revoked' } });
    expect(await meStatus(stack, tokens.access_token)).toBe(401);
    const refreshed = await formToken(stack, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      ...post(app),
    });
    expect(refreshed).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await formToken(stack, { ...codeGrant(pending), ...post(app) })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await meStatus(stack, otherTokens.access_token)).toBe(200);
    expect(await meStatus(stack, user.token)).toBe(200);

    const listed = await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token });
    expect((listed.body['applications'] as { id: string }[]).map((a) => a.id)).toEqual([other.id]);
    const events = (await eventsOf(stack, 'application.revoked')).filter((e) => e.subjectUserId === user.id);
    expect(events.map((e) => e.payload['applicationId'])).toEqual([app.id]);
    expect((await rest(stack, 'DELETE', `/api/v1/users/me/applications/${app.id}`, { token: user.token })).status).toBe(
      404,
    );
  });

  it('leaves no live session when it races a code exchange', async () => {
    for (let round = 0; round < 8; round += 1) {
      const user = await stack.createUser();
      const grant = await codeFor(stack, app, user.token);
      const [exchanged, revoked] = await Promise.all([
        formToken(stack, { ...codeGrant(grant), ...post(app) }),
        rest(stack, 'DELETE', `/api/v1/users/me/applications/${app.id}`, { token: user.token }),
      ]);
      expect(revoked.status, `round ${round}`).toBe(200);
      if (exchanged.status === 200) {
        // The exchange committed first: the revocation ended what it issued.
        const tokens = exchanged.body as unknown as TokenPair;
        expect(await meStatus(stack, tokens.access_token), `round ${round}: access token`).toBe(401);
        const refreshed = await formToken(stack, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          ...post(app),
        });
        expect(refreshed, `round ${round}: refresh token`).toMatchObject({ status: 400 });
      } else {
        expect(exchanged, `round ${round}`).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
      const live = await stack.subgraphs.identity.database
        .fork()
        .count(ApplicationSession, { user: user.id, session: { revokedAt: null } });
      expect(live, `round ${round}: live application sessions`).toBe(0);
    }
  });

  it('is also there in GraphQL', async () => {
    const user = await stack.createUser();
    const tokens = await exchange(stack, app, await codeFor(stack, app, user.token));
    const listed = await stack.graphql<{ myAuthorizedApplications: { id: string; scopes: string[] }[] }>(
      '{ myAuthorizedApplications { id scopes } }',
      { token: user.token },
    );
    expect(listed.data?.myAuthorizedApplications).toEqual([{ id: app.id, scopes: ['read'] }]);
    const revoked = await stack.graphql('mutation ($id: ID!) { revokeApplicationAuthorization(applicationId: $id) }', {
      token: user.token,
      variables: { id: app.id },
    });
    expect(revoked.data).toEqual({ revokeApplicationAuthorization: true });
    expect(await meStatus(stack, tokens.access_token)).toBe(401);
  });
});

describe('an application session with a 2 s idle lifetime (SESSION_IDLE_LIFETIME_SECONDS=2)', () => {
  let brief: TestStack;
  beforeAll(async () => {
    brief = await startTestStack({ SESSION_IDLE_LIFETIME_SECONDS: '2' });
  });
  afterAll(async () => {
    await brief?.stop();
  });

  it('issues access tokens that expire when the session would, at the exchange and at each refresh', async () => {
    const user = await brief.createUser();
    const client = await registerApplication(brief);
    const first = await exchange(brief, client, await codeFor(brief, client, user.token));
    const lifetime = (token: string) => decodeJwt(token).exp! - decodeJwt(token).iat!;
    // 2 s, in whole seconds rounded up: not the usual 30 minutes.
    expect(lifetime(first.access_token)).toBeLessThanOrEqual(3);
    const refreshed = await formToken(brief, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(refreshed.status).toBe(200);
    const access = String(refreshed.body['access_token']);
    expect(refreshed.body['expires_in']).toBe(lifetime(access));
    expect(lifetime(access)).toBeLessThanOrEqual(3);
    expect(await meStatus(brief, access)).toBe(200);
    // Not refreshed again: the session ends, and its token with it.
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect(await meStatus(brief, access)).toBe(401);
  });
});
