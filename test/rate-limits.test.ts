import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, uniqueEmail } from './identity/auth-helpers.js';
import { callback, registerApplication, type RegisteredApplication } from './oauth/flow.js';
import { createClient } from './rest/internal-client.js';
import { startTestStack, type TestStack } from './support/stack.js';

/**
 * Per-client rate limits (seed 004 "Rate Limiting") through real HTTP. Each case speaks from an
 * address of its own (X-Forwarded-For, believed from 127.0.0.1 here) or with users of its own, so
 * cases, reruns and other test files sharing TEST_REDIS_URL never draw on one another's budget.
 */
const limits = {
  TRUSTED_PROXIES: '127.0.0.1',
  RATE_LIMIT_GENERAL_PER_MINUTE: '3',
  RATE_LIMIT_AUTH_PER_MINUTE: '10',
  RATE_LIMIT_ADMIN_PER_MINUTE: '5',
  RATE_LIMIT_INTERNAL_PER_MINUTE: '5',
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack(limits);
});
afterAll(async () => {
  await stack?.stop();
});

const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function request(
  path: string,
  options: {
    method?: string;
    from?: string;
    token?: string;
    body?: unknown;
    base?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const form = options.body instanceof URLSearchParams;
  const response = await fetch(`${options.base ?? stack.gatewayUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body !== undefined
        ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }
        : {}),
      ...(options.from ? { 'x-forwarded-for': options.from } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: options.body instanceof URLSearchParams ? options.body.toString() : JSON.stringify(options.body) }
      : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const restLogin = (from: string) =>
  request('/api/v1/auth/login', { from, body: { email: uniqueEmail('rl'), password: 'not-the-password-1' } });

const graphql = (query: string, options: { from?: string; token?: string; base?: string } = {}) =>
  request('/graphql', { ...options, body: { query } });

const graphqlLogin = (from: string) =>
  graphql(
    `mutation { login(input: { email: "${uniqueEmail('rl')}", password: "not-the-password-1" }) { accessToken } }`,
    {
      from,
    },
  );

const remaining = (answer: Answer) => Number(answer.headers.get('ratelimit-remaining'));

/** What every refusal carries besides its body. */
function expectRefusalHeaders(answer: Answer, limit: number) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(60 / limit));
  expect(answer.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(answer.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  expect(answer.headers.get('ratelimit-policy')).toBe(`${limit};w=60`);
}

describe('the auth budget', () => {
  it('refuses the 11th sign-in within a minute from one address, in the seed 004 shape; general requests still pass', async () => {
    const from = freshAddress();
    const answers: Answer[] = [];
    for (let i = 0; i < 10; i += 1) answers.push(await restLogin(from));
    expect(answers.map((a) => a.status)).toEqual(Array<number>(10).fill(401));
    // RateLimit-Remaining counts down on successful (non-refused) responses too.
    expect(answers.map(remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('10');

    const refused = await restLogin(from);
    expectRefusalHeaders(refused, 10);
    expect(Object.keys(refused.body).sort()).toEqual(['details', 'error', 'message']);
    expect(refused.body).toMatchObject({ error: 'rate_limited', details: expect.any(Object) as unknown });
    expect(refused.body['message']).toEqual(expect.stringContaining('Too many auth requests'));

    const general = await graphql('{ __typename }', { from });
    expect(general.status).toBe(200);
    expect(general.body).toEqual({ data: { __typename: 'Query' } });
    expect(general.headers.get('ratelimit-limit')).toBe('3');
  });

  it('counts the GraphQL login mutation in the same budget and refuses it with a GraphQL error and 429', async () => {
    const from = freshAddress();
    for (let i = 0; i < 5; i += 1) expect((await restLogin(from)).status).toBe(401);
    for (let i = 0; i < 5; i += 1) {
      const answer = await graphqlLogin(from);
      expect(answer.status).not.toBe(429);
      expect((answer.body['errors'] as { extensions: { code: string } }[])[0]?.extensions.code).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    const refused = await graphqlLogin(from);
    expectRefusalHeaders(refused, 10);
    expect(refused.body['data']).toBeUndefined();
    expect(refused.body['errors']).toEqual([
      {
        message: expect.stringContaining('Too many auth requests') as unknown,
        extensions: {
          code: 'RATE_LIMITED',
          http: { status: 429 },
          details: { retryAfterSeconds: Number(refused.headers.get('retry-after')) },
        },
      },
    ]);
  });

  it('charges every aliased login of one operation, so one request cannot try many passwords', async () => {
    const from = freshAddress();
    const logins = (count: number) =>
      Array.from(
        { length: count },
        (_, i) =>
          `l${i}: login(input: { email: "${uniqueEmail('rl')}", password: "guess-number-${i}" }) { accessToken }`,
      ).join(' ');
    const four = await graphql(`mutation { ${logins(4)} }`, { from });
    expect(four.status).not.toBe(429);
    expect(remaining(four)).toBe(6);
    expect((four.body['errors'] as { extensions: { code: string } }[])[0]?.extensions.code).toBe('INVALID_CREDENTIALS');
    // Seven more guesses do not fit in the six left: refused whole, nothing tried, nothing spent.
    const seven = await graphql(`mutation { ${logins(7)} }`, { from });
    expectRefusalHeaders(seven, 10);
    expect(seven.body['data']).toBeUndefined();
    const six = await graphql(`mutation { ${logins(6)} }`, { from });
    expect(six.status).not.toBe(429);
    expect(remaining(six)).toBe(0);
    expect((await restLogin(from)).status).toBe(429);
  });

  it('stays with the address when a token is attached: owning accounts buys no extra guesses', async () => {
    const from = freshAddress();
    const [first, second] = await Promise.all([stack.createUser(), stack.createUser()]);
    for (let i = 0; i < 10; i += 1) {
      const token = i % 2 === 0 ? first.token : second.token;
      const answer = await request('/api/v1/auth/login', {
        from,
        token,
        body: { email: uniqueEmail('rl'), password: 'not-the-password-1' },
      });
      expect(answer.status).toBe(401);
    }
    expect((await restLogin(from)).status).toBe(429);
  });

  it('lets exactly 10 of 30 concurrent sign-ins through', async () => {
    const from = freshAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, () => restLogin(from)));
    expect(answers.filter((a) => a.status !== 429)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });
});

/** A first-party session opened from an address of its own (sign-up is charged to that address). */
async function freshSession(): Promise<{ accessToken: string; refreshToken: string }> {
  const signedUp = await request('/graphql', {
    from: freshAddress(),
    body: {
      query: 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }',
      variables: { i: { email: uniqueEmail('rl-session'), password: goodPassword } },
    },
  });
  expect(signedUp.body['errors']).toBeUndefined();
  return (signedUp.body['data'] as { register: { accessToken: string; refreshToken: string } }).register;
}

const seedRefresh = (from: string, refreshToken: string) =>
  request('/api/v1/auth/refresh', { from, body: { refresh_token: refreshToken } });

describe('the auth budget of a refresh', () => {
  it("is the session's: a session refreshes from an address whose auth budget is spent", async () => {
    const from = freshAddress();
    const session = await freshSession();
    for (let i = 0; i < 10; i += 1) expect((await restLogin(from)).status).toBe(401);
    expect((await restLogin(from)).status).toBe(429);
    const renewed = await seedRefresh(from, session.refreshToken);
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('ratelimit-remaining')).toBe('9');
    // GraphQL refreshToken too.
    const rotated = await graphql(
      `mutation { refreshToken(refreshToken: "${session.refreshToken}") { refreshToken } }`,
      { from },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body['errors']).toBeUndefined();
  });

  it('is one per session, apart from the address and from other sessions', async () => {
    const from = freshAddress();
    const [first, second] = await Promise.all([freshSession(), freshSession()]);
    for (let i = 0; i < 10; i += 1) expect((await seedRefresh(from, first.refreshToken)).status).toBe(200);
    expectRefusalHeaders(await seedRefresh(from, first.refreshToken), 10);
    expect((await seedRefresh(from, second.refreshToken)).status).toBe(200);
    expect((await restLogin(from)).status).toBe(401);
  });

  it("is the address's for made-up refresh tokens, which cannot hold a genuine session back", async () => {
    const from = freshAddress();
    const session = await freshSession();
    // Old-style (43 characters) and current-style (86) tokens, neither one of ours.
    const madeUp = (i: number) => randomBytes(i % 2 === 0 ? 32 : 64).toString('base64url');
    for (let i = 0; i < 10; i += 1) expect((await seedRefresh(from, madeUp(i))).status).toBe(401);
    const refused = await seedRefresh(from, madeUp(10));
    expectRefusalHeaders(refused, 10);
    expect(refused.body).toMatchObject({ error: 'rate_limited' });
    expect(
      (await graphql(`mutation { refreshToken(refreshToken: "${madeUp(11)}") { refreshToken } }`, { from })).status,
    ).toBe(429);
    expect((await restLogin(from)).status).toBe(429);
    expect((await seedRefresh(from, session.refreshToken)).status).toBe(200);
  });

  it('lets exactly 10 of 30 concurrent refreshes of one session through, from addresses of their own', async () => {
    const session = await freshSession();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => seedRefresh(freshAddress(), session.refreshToken)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });

  it('lets exactly 10 of 30 concurrent made-up refresh tokens from one address through', async () => {
    const from = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => seedRefresh(from, randomBytes(64).toString('base64url'))),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });
});

describe('the auth budget of a token request', () => {
  const badCode = (app: RegisteredApplication) => ({
    grant_type: 'authorization_code',
    code: randomBytes(32).toString('base64url'),
    redirect_uri: callback,
    client_id: app.clientId,
  });
  const basic = (app: RegisteredApplication) => ({
    authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
  });
  /** POST /oauth/token with client_secret_basic. */
  const formExchange = (app: RegisteredApplication, from: string) =>
    request('/oauth/token', { from, headers: basic(app), body: new URLSearchParams(badCode(app)) });
  /** seed 004's JSON POST /api/v1/auth/token, client_secret in the body. */
  const jsonExchange = (app: RegisteredApplication, from: string) =>
    request('/api/v1/auth/token', { from, body: { ...badCode(app), client_secret: app.clientSecret } });

  it("is each confidential client's, however many share one address", async () => {
    const from = freshAddress();
    const [first, second] = await Promise.all([registerApplication(stack), registerApplication(stack)]);
    for (let i = 0; i < 10; i += 1) {
      const [a, b] = await Promise.all([formExchange(first, from), jsonExchange(second, from)]);
      expect([a.status, b.status]).not.toContain(429);
      expect(a.body).toMatchObject({ error: 'invalid_grant' });
    }
    expectRefusalHeaders(await formExchange(first, from), 10);
    expectRefusalHeaders(await jsonExchange(second, from), 10);
    // client_secret_post at /oauth/token is the same client's budget.
    const posted = await request('/oauth/token', {
      from,
      body: new URLSearchParams({ ...badCode(first), client_secret: first.clientSecret }),
    });
    expect(posted.status).toBe(429);
    // The address's own budget was never touched.
    expect((await restLogin(from)).status).toBe(401);
  });

  it("lets exactly 10 of 30 concurrent exchanges of one client through, whatever each one's address", async () => {
    const app = await registerApplication(stack);
    const answers = await Promise.all(Array.from({ length: 30 }, () => formExchange(app, freshAddress())));
    expect(answers.filter((a) => a.status === 400)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });

  it("is the address's when the client secret is wrong", async () => {
    const from = freshAddress();
    const app = await registerApplication(stack);
    const wrong = { ...app, clientSecret: `${app.clientSecret}x` };
    for (let i = 0; i < 10; i += 1) expect((await formExchange(wrong, from)).status).toBe(401);
    expect((await jsonExchange(wrong, from)).status).toBe(429);
    expect((await restLogin(from)).status).toBe(429);
    expect((await formExchange(app, from)).status).toBe(400);
  });
});

describe('authorization approvals', () => {
  it("cost the member's general budget, not the address's auth budget", async () => {
    const from = freshAddress();
    const member = await stack.createUser();
    const approve = (token: string) =>
      request(`/api/v1/auth/authorize?response_type=code&client_id=unknown&redirect_uri=${callback}`, {
        from,
        token,
        method: 'POST',
      });
    const approvals = [await approve(member.token), await approve(member.token), await approve(member.token)];
    expect(approvals.map((a) => a.status)).toEqual([422, 422, 422]);
    expect(approvals.map((a) => a.headers.get('ratelimit-limit'))).toEqual(['3', '3', '3']);
    expectRefusalHeaders(await approve(member.token), 3);
    for (let i = 0; i < 10; i += 1) expect((await restLogin(from)).status).toBe(401);
    // Without a valid bearer token it is a credential check, charged to the address.
    const anonymous = await approve('not.a.token');
    expectRefusalHeaders(anonymous, 10);
  });
});

describe('the internal budget', () => {
  it('is per API client, RATE_LIMIT_INTERNAL_PER_MINUTE, refused in the seed 000 shape', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const [first, second] = [await createClient(stack, admin, ['catalog:read']), await createClient(stack, admin, [])];
    const systems = (keys: Record<string, string>) => request('/internal/systems', { headers: keys });
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i += 1) answers.push(await systems(first));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.headers.get('ratelimit-limit'))).toEqual(['5', '5', '5', '5', '5']);
    const refused = await systems(first);
    expectRefusalHeaders(refused, 5);
    expect(refused.body).toEqual({ detail: 'rate_limited' });
    // Another client, same address: a budget of its own.
    expect((await systems(second)).status).toBe(403);
  });

  it('lets one API client make 2,000 calls in a minute under the default budget', async () => {
    // The seed's general budget (100), so that only the internal class can let this through.
    const defaults = await startTestStack({ RATE_LIMIT_GENERAL_PER_MINUTE: '100' });
    try {
      const admin = await defaults.createUser({ role: 'SYSTEM_ADMIN' });
      const keys = await createClient(defaults, admin, ['catalog:read']);
      const statuses: number[] = [];
      for (let batch = 0; batch < 100; batch += 1) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            request('/internal/systems?limit=1', { base: defaults.gatewayUrl, headers: keys }),
          ),
        );
        statuses.push(...answers.map((a) => a.status));
      }
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(statuses).toHaveLength(2_000);
    } finally {
      await defaults.stop();
    }
  }, 120_000);
});

describe('the general budget', () => {
  it('belongs to each signed-in user, apart from the address and from other users', async () => {
    const [first, second] = await Promise.all([stack.createUser(), stack.createUser()]);
    const from = freshAddress();
    const me = (token: string) => graphql('{ me { id } }', { token, from });
    const firstAnswers = [await me(first.token), await me(first.token), await me(first.token)];
    expect(firstAnswers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(firstAnswers.map(remaining)).toEqual([2, 1, 0]);
    const refused = await me(first.token);
    expectRefusalHeaders(refused, 3);
    expect((refused.body['errors'] as { extensions: { code: string } }[])[0]?.extensions.code).toBe('RATE_LIMITED');

    for (let i = 0; i < 3; i += 1) expect((await me(second.token)).status).toBe(200);
    expect((await me(second.token)).status).toBe(429);
    // The same address, anonymous: a budget of its own.
    expect((await graphql('{ __typename }', { from })).status).toBe(200);
  });

  it('refuses /internal/* in the seed 000 shape', async () => {
    const from = freshAddress();
    for (let i = 0; i < 3; i += 1) {
      const answer = await request('/internal/systems', { from });
      expect(answer).toMatchObject({ status: 401, body: { detail: 'invalid_client' } });
    }
    const refused = await request('/internal/systems', { from });
    expectRefusalHeaders(refused, 3);
    expect(refused.body).toEqual({ detail: 'rate_limited' });
  });

  it('refuses /api/v1/members/* in the seed 003 shape', async () => {
    const member = await stack.createUser();
    for (let i = 0; i < 3; i += 1) {
      const answer = await request('/api/v1/members/me', { token: member.token });
      expect(answer.status).not.toBe(429);
    }
    const refused = await request('/api/v1/members/me', { token: member.token });
    expectRefusalHeaders(refused, 3);
    expect(Object.keys(refused.body).sort()).toEqual(['code', 'message']);
    expect(refused.body['code']).toBe(29604000);
  });

  it('never limits health, readiness, metrics, JWKS, discovery or the OpenAPI document', async () => {
    const from = freshAddress();
    for (const path of [
      '/health',
      '/metrics',
      '/.well-known/jwks.json',
      '/.well-known/openid-configuration',
      '/openapi.json',
    ]) {
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(`${stack.gatewayUrl}${path}`, { headers: { 'x-forwarded-for': from } });
        await response.arrayBuffer();
        expect(response.status, path).toBe(200);
        expect(response.headers.get('ratelimit-limit'), path).toBeNull();
      }
    }
  });
});

describe('the admin budget', () => {
  it('is separate from the general one, for REST and GraphQL admin operations alike', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const answers: Answer[] = [];
    for (let i = 0; i < 4; i += 1) answers.push(await request('/api/v1/admin/users', { token: admin.token }));
    answers.push(await graphql('{ users { total } }', { token: admin.token }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map(remaining)).toEqual([4, 3, 2, 1, 0]);

    const refused = await request('/api/v1/admin/users', { token: admin.token });
    expectRefusalHeaders(refused, 5);
    expect(refused.body).toMatchObject({ error: 'rate_limited' });

    // The admin's general budget is untouched.
    const general = await request('/api/v1/users/me', { token: admin.token });
    expect(general.status).toBe(200);
    expect(general.headers.get('ratelimit-limit')).toBe('3');
    expect(remaining(general)).toBe(2);
  });

  it('is not for people who are not admins: their admin requests cost general budget', async () => {
    const person = await stack.createUser();
    const answer = await request('/api/v1/admin/users', { token: person.token });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('ratelimit-limit')).toBe('3');
    const anonymous = await graphql('{ users { total } }', { from: freshAddress() });
    expect(anonymous.headers.get('ratelimit-limit')).toBe('3');
  });
});

describe('with Redis', () => {
  const redis = process.env['TEST_REDIS_URL'];
  it.skipIf(!redis)(
    `shares one budget between two gateways on the same Redis${redis ? '' : ' (skipped: set TEST_REDIS_URL to run)'}`,
    async () => {
      const other = await startTestStack(limits);
      try {
        const from = freshAddress();
        const bases = [stack.gatewayUrl, other.gatewayUrl, stack.gatewayUrl, other.gatewayUrl];
        const answers: Answer[] = [];
        for (const base of bases) answers.push(await graphql('{ __typename }', { from, base }));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
        expect(answers.map(remaining)).toEqual([2, 1, 0, 0]);
      } finally {
        await other.stop();
      }
    },
  );
});
