import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import {
  authorize,
  authorizeQuery,
  callback,
  codeFor,
  eventsOf,
  exchange,
  pkcePair,
  registerApplication,
  rest,
  startFlowStack,
  type RegisteredApplication,
} from './flow.js';

/** seed 004 `POST /api/v1/auth/authorize` and the page-facing GraphQL operations. */
let stack: TestStack;
let app: RegisteredApplication;
beforeAll(async () => {
  stack = await startFlowStack();
  app = await registerApplication(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const issuer = 'http://127.0.0.1:0';

describe('POST /api/v1/auth/authorize', () => {
  it('answers 302 to redirect_uri?code=…&state=…&iss=… and records the consent', async () => {
    const user = await stack.createUser();
    const { challenge } = pkcePair();
    const answer = await rest(
      stack,
      'POST',
      authorizeQuery({
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: callback,
        scope: 'read write',
        state: 'af0ifjsldkj',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { token: user.token },
    );
    expect(answer.status).toBe(302);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toBe('af0ifjsldkj');
    expect(location.searchParams.get('iss')).toBe(issuer);
    expect(answer.body).toEqual({ redirect_to: location.toString() });

    const consents = await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token });
    expect(consents.body).toEqual({
      applications: [
        {
          id: app.id,
          name: expect.any(String) as string,
          logo_url: null,
          authorized_at: expect.any(String) as string,
          last_used: null,
          permissions: ['read', 'write'],
        },
      ],
    });
    const authorized = (await eventsOf(stack, 'application.authorized')).filter((e) => e.subjectUserId === user.id);
    expect(authorized.map((e) => e.payload)).toEqual([
      expect.objectContaining({ applicationId: app.id, scopes: ['read', 'write'] }),
    ]);
  });

  it('accepts the parameters in a JSON body too, and records a repeated consent once, a wider one again', async () => {
    const user = await stack.createUser();
    const body = { response_type: 'code', client_id: app.clientId, redirect_uri: callback, scope: 'read' };
    for (let i = 0; i < 2; i += 1) {
      expect((await rest(stack, 'POST', '/api/v1/auth/authorize', { token: user.token, body })).status).toBe(302);
    }
    await authorize(stack, user.token, { client_id: app.clientId, redirect_uri: callback, scope: 'write' });
    const authorized = (await eventsOf(stack, 'application.authorized')).filter((e) => e.subjectUserId === user.id);
    expect(authorized.map((e) => e.payload['scopes'])).toEqual([['read'], ['read', 'write']]);
  });

  it('never redirects to an unregistered redirect_uri, nor for an unknown client', async () => {
    const user = await stack.createUser();
    for (const redirect of [
      'https://evil.example.com/callback',
      `${callback}/`,
      `${callback}?x=1`,
      'https://APP.example.com/callback',
    ]) {
      const answer = await rest(
        stack,
        'POST',
        authorizeQuery({ response_type: 'code', client_id: app.clientId, redirect_uri: redirect, state: 's' }),
        { token: user.token },
      );
      expect(answer.status, redirect).toBe(422);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.body).toEqual({
        error: 'invalid_request',
        message: 'redirect_uri is not registered for this client',
        details: { error: 'invalid_request', parameter: 'redirect_uri' },
      });
    }
    const unknown = await rest(
      stack,
      'POST',
      authorizeQuery({ response_type: 'code', client_id: 'mga_nobody', redirect_uri: callback }),
      { token: user.token },
    );
    expect(unknown).toMatchObject({
      status: 422,
      body: { error: 'invalid_request', details: { parameter: 'client_id' } },
    });
    expect(unknown.headers.get('location')).toBeNull();
    const missing = await rest(stack, 'POST', authorizeQuery({ client_id: app.clientId }), { token: user.token });
    expect(missing).toMatchObject({
      status: 422,
      body: { error: 'invalid_request', details: { parameter: 'redirect_uri' } },
    });
  });

  it('redirects the other errors with error, error_description and the state (RFC 6749 §4.1.2.1)', async () => {
    const user = await stack.createUser();
    const { challenge } = pkcePair();
    const cases: [Record<string, string | undefined>, string][] = [
      [{ scope: 'read admin' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ response_type: undefined }, 'invalid_request'],
      [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: challenge }, 'invalid_request'],
      [{ code_challenge_method: 'S256' }, 'invalid_request'],
      [{ code_challenge: 'too-short', code_challenge_method: 'S256' }, 'invalid_request'],
    ];
    for (const [params, error] of cases) {
      const answer = await rest(
        stack,
        'POST',
        authorizeQuery({
          response_type: 'code',
          client_id: app.clientId,
          redirect_uri: callback,
          state: 'keep me',
          ...params,
        }),
        { token: user.token },
      );
      expect(answer.status, JSON.stringify(params)).toBe(302);
      const location = new URL(answer.headers.get('location')!);
      expect(location.searchParams.get('error'), JSON.stringify(params)).toBe(error);
      expect(location.searchParams.get('state')).toBe('keep me');
      expect(location.searchParams.get('iss')).toBe(issuer);
      expect(location.searchParams.get('error_description')).toBeTruthy();
      expect(location.searchParams.get('code')).toBeNull();
    }
    // None of them recorded a consent.
    expect((await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token })).body).toEqual({
      applications: [],
    });
  });

  it('requires PKCE of a public client', async () => {
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const user = await stack.createUser();
    const params = await authorize(stack, user.token, {
      client_id: publicApp.clientId,
      redirect_uri: callback,
      state: 'x',
    });
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/);
  });

  it("needs the user's bearer token, and refuses an application's token", async () => {
    const anonymous = await rest(
      stack,
      'POST',
      authorizeQuery({ response_type: 'code', client_id: app.clientId, redirect_uri: callback }),
    );
    expect(anonymous.status).toBe(401);
    const user = await stack.createUser();
    const tokens = await exchange(stack, app, await codeFor(stack, app, user.token));
    const widened = await rest(
      stack,
      'POST',
      authorizeQuery({ response_type: 'code', client_id: app.clientId, redirect_uri: callback, scope: 'read write' }),
      { token: tokens.access_token },
    );
    expect(widened).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(widened.headers.get('location')).toBeNull();
    expect((await rest(stack, 'GET', '/api/v1/users/me/applications', { token: tokens.access_token })).status).toBe(
      403,
    );
  });
});

describe('page-facing GraphQL', () => {
  const PROMPT = `query ($clientId: String!, $redirectUri: String!, $scope: String, $responseType: String, $state: String) {
    applicationForAuthorization(
      clientId: $clientId, redirectUri: $redirectUri, scope: $scope, responseType: $responseType, state: $state
    ) {
      applicationId clientId name clientType redirectUriRegistered alreadyAuthorized unknownScopes
      refusal { redirectTo error state }
      requestedScopes { name description }
      theme { primaryColor secondaryColor logoUrl backgroundImageUrl }
    }
  }`;
  const AUTHORIZE = `mutation ($input: AuthorizeApplicationInput!) {
    authorizeApplication(input: $input) { redirectTo code state error errorDescription }
  }`;

  it('shows a consent page what it needs, before and after the user consented', async () => {
    const themed = await registerApplication(stack, {
      theme: { primary_color: '#123456', logo_url: 'https://cdn.example.com/l.png' },
    });
    const variables = {
      clientId: themed.clientId,
      redirectUri: callback,
      scope: 'read nonsense',
      responseType: 'code',
      state: 'st',
    };
    const anonymous = await stack.graphql<{ applicationForAuthorization: Record<string, unknown> }>(PROMPT, {
      variables,
    });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.applicationForAuthorization).toEqual({
      applicationId: themed.id,
      clientId: themed.clientId,
      name: expect.any(String) as string,
      clientType: 'CONFIDENTIAL',
      redirectUriRegistered: true,
      alreadyAuthorized: false,
      unknownScopes: ['nonsense'],
      // Refused whatever the user decides: the page sends the browser back at once.
      refusal: {
        redirectTo: `${callback}?error=invalid_scope&error_description=Unknown+scope%3A+nonsense&state=st&iss=${encodeURIComponent(issuer)}`,
        error: 'invalid_scope',
        state: 'st',
      },
      requestedScopes: [{ name: 'read', description: expect.any(String) as string }],
      theme: {
        primaryColor: '#123456',
        secondaryColor: null,
        logoUrl: 'https://cdn.example.com/l.png',
        backgroundImageUrl: null,
      },
    });
    const user = await stack.createUser();
    await codeFor(stack, themed, user.token, 'read');
    const after = await stack.graphql<{ applicationForAuthorization: { alreadyAuthorized: boolean } }>(PROMPT, {
      token: user.token,
      variables: { ...variables, scope: 'read' },
    });
    expect(after.data?.applicationForAuthorization).toMatchObject({ alreadyAuthorized: true, refusal: null });
    const wider = await stack.graphql<{ applicationForAuthorization: { alreadyAuthorized: boolean } }>(PROMPT, {
      token: user.token,
      variables: { ...variables, scope: 'read write' },
    });
    expect(wider.data?.applicationForAuthorization.alreadyAuthorized).toBe(false);
    const elsewhere = await stack.graphql<{ applicationForAuthorization: { redirectUriRegistered: boolean } }>(PROMPT, {
      variables: { ...variables, redirectUri: 'https://evil.example.com/' },
    });
    // Never a refusal to redirect to an address the application has not registered.
    expect(elsewhere.data?.applicationForAuthorization).toMatchObject({ redirectUriRegistered: false, refusal: null });
    const unknown = await stack.graphql(PROMPT, { variables: { ...variables, clientId: 'mga_nobody' } });
    expect(unknown.data).toEqual({ applicationForAuthorization: null });
  });

  it('approves, or refuses with access_denied when the user says no', async () => {
    const user = await stack.createUser();
    const input = { responseType: 'code', clientId: app.clientId, redirectUri: callback, state: 's1' };
    const approved = await stack.graphql<{ authorizeApplication: Record<string, string | null> }>(AUTHORIZE, {
      token: user.token,
      variables: { input },
    });
    expect(approved.data?.authorizeApplication).toMatchObject({ state: 's1', error: null });
    expect(approved.data?.authorizeApplication['redirectTo']).toContain(
      `code=${approved.data?.authorizeApplication['code']}`,
    );
    const denied = await stack.graphql<{ authorizeApplication: Record<string, string | null> }>(AUTHORIZE, {
      token: user.token,
      variables: { input: { ...input, denied: true } },
    });
    expect(denied.data?.authorizeApplication).toMatchObject({ code: null, error: 'access_denied', state: 's1' });
    expect(new URL(denied.data!.authorizeApplication['redirectTo']!).searchParams.get('error')).toBe('access_denied');
    const anonymous = await stack.graphql(AUTHORIZE, { variables: { input } });
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});

describe('GET /oauth/authorize (the hosted pages)', () => {
  const page = (params: Record<string, string | undefined>, cookie?: string) => {
    const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return fetch(`${stack.gatewayUrl}/oauth/authorize?${new URLSearchParams(defined).toString()}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
  };
  const request = () => ({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: callback,
    scope: 'read',
    state: 'xyz',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });
  const refusedWith = async (answer: Response, error: string) => {
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error,
      error_description: expect.any(String) as string,
      state: 'xyz',
      iss: issuer,
    });
  };

  it('sends a request that no sign-in or consent could make valid straight back with its error', async () => {
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const cases: [Record<string, string | undefined>, string][] = [
      [{ ...request(), scope: 'read nonsense' }, 'invalid_scope'],
      [{ ...request(), response_type: 'token' }, 'unsupported_response_type'],
      [{ ...request(), response_type: undefined }, 'invalid_request'],
      [{ ...request(), code_challenge_method: 'plain' }, 'invalid_request'],
      [
        { ...request(), client_id: publicApp.clientId, code_challenge: undefined, code_challenge_method: undefined },
        'invalid_request',
      ],
    ];
    for (const [params, error] of cases) await refusedWith(await page(params), error);

    // Signed in, an unknown scope is refused before the consent page, and nothing is consented.
    const user = await stack.createUser();
    await refusedWith(
      await page({ ...request(), scope: 'read nonsense' }, `mg_session=${user.token}`),
      'invalid_scope',
    );
    expect((await rest(stack, 'GET', '/api/v1/users/me/applications', { token: user.token })).body).toEqual({
      applications: [],
    });
  });

  it('still shows the sign-in page for a valid request, and never redirects to an unregistered URI', async () => {
    const valid = await page(request());
    expect(valid.status).toBe(200);
    expect(await valid.text()).toContain('<h1>Sign in</h1>');
    const elsewhere = await page({ ...request(), scope: 'nonsense', redirect_uri: 'https://attacker.example/cb' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
  });
});
