import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, type Principal } from '../../lib/auth/principal.js';
import { createLogger } from '../../lib/logging/logger.js';
import type { GatewayContext } from '../../gateway/src/context.js';
import type { ExecutionResult } from '../../gateway/src/execution/in-process.js';
import {
  MemberTotpStatusDocument,
  OAuthLoginDocument,
  OAuthMeDocument,
  OAuthMySharingDocument,
  OAuthRenewDocument,
  OAuthUpdateMySharingDocument,
} from '../../gateway/src/generated/graphql.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { call, signUp } from './oauth-client.js';

/**
 * The REST layer's operations whose query plan is one fetch go straight to their subgraph once the
 * gateway has planned them (gateway/src/execution/single-fetch.ts). Whatever they answer must be what
 * Apollo answers for the same operation and caller: each case below runs both ways and compares.
 */
let stack: TestStack;
let user: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  user = await stack.createUser();
});
afterAll(async () => {
  await stack?.stop();
});

const logger = createLogger({ logLevel: 'silent' }, 'test');

function contextOf(token: string | undefined, principal: Principal = anonymous): GatewayContext {
  return {
    principal,
    requestId: 'single-fetch-test',
    authorization: token ? `Bearer ${token}` : undefined,
    origin: { ipAddress: '127.0.0.1', userAgent: 'single-fetch-test' },
    logger,
  };
}

/** The sum of a metric's series with these labels (`series`: a histogram's `_count`, say). */
async function measured(metric: string, series: string, labels: Record<string, string>): Promise<number> {
  const { values } = await stack.metricsRegistry.getSingleMetric(metric)!.get();
  return values
    .filter((v) => ((v as { metricName?: string }).metricName ?? metric) === series)
    .filter((v) => Object.entries(labels).every(([name, value]) => v.labels[name] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Through Apollo Server and the gateway's query plan, as every operation ran before. */
async function throughApollo(document: DocumentNode, variables: Record<string, unknown>, context: GatewayContext) {
  const response = await stack.gateway.apollo.executeOperation(
    { query: print(document), variables },
    { contextValue: context },
  );
  if (response.body.kind !== 'single') throw new Error('not a single result');
  const { data, errors } = response.body.singleResult;
  return {
    data: data ?? null,
    ...(errors ? { errors: errors.map((e) => ({ message: e.message, extensions: e.extensions ?? {} })) } : {}),
  } satisfies ExecutionResult;
}

/** Apollo's answer, then (the plan now known) the single fetch's, for the same operation and caller. */
async function bothWays(document: DocumentNode, variables: Record<string, unknown>, context: GatewayContext) {
  const text = print(document);
  expect(stack.gateway.singleFetches.lookup(text)).toBeUndefined();
  const apollo = await throughApollo(document, variables, context);
  const single = stack.gateway.singleFetches.lookup(text);
  expect(single, 'the plan is one fetch').toBeDefined();
  return { apollo, single: await single!.run(variables, context) };
}

describe('the REST layer', () => {
  it('sends a sign-in straight to identity once the gateway has planned it, with the same answers', async () => {
    const account = await signUp(stack, 'single-fetch-rest');
    const text = print(OAuthLoginDocument);
    expect(stack.gateway.singleFetches.lookup(text)).toBeUndefined();
    const signIn = (password: string) =>
      call(stack, 'POST', '/api/v1/auth/login', { body: { email: account.email, password } });
    const durations = 'membergraph_graphql_operation_duration_seconds';
    const errors = 'membergraph_graphql_operation_errors_total';
    const timed = () => measured(durations, `${durations}_count`, { service: 'gateway', operation: 'OAuthLogin' });
    const refusals = () =>
      measured(errors, errors, { service: 'gateway', operation: 'OAuthLogin', code: 'INVALID_CREDENTIALS' });
    const [timedBefore, refusedBefore] = [await timed(), await refusals()];
    const first = await signIn(account.password);
    expect(first.status).toBe(200);
    expect(stack.gateway.singleFetches.lookup(text)).toBeDefined();
    const second = await signIn(account.password);
    expect(second.status).toBe(200);
    expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
    const refused = await signIn('not-the-password-at-all');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_credentials' });
    // Measured as Apollo measures an operation, whichever way it went.
    expect(await timed()).toBe(timedBefore + 3);
    expect(await refusals()).toBe(refusedBefore + 1);
  });
});

describe('an operation whose plan is one fetch', () => {
  it('answers the same data as Apollo', async () => {
    const context = contextOf(user.token);
    const sharing = { input: { shareEmail: true, shareName: false } };
    const { apollo, single } = await bothWays(OAuthUpdateMySharingDocument, sharing, context);
    expect(single).toEqual(apollo);
    expect(apollo.data).toMatchObject({ updateMySharingPreferences: { shareEmail: true, shareName: false } });
  });

  it('answers the same error as Apollo when the subgraph refuses', async () => {
    const unknown = { refreshToken: 'not-a-refresh-token-of-any-session' };
    const { apollo, single } = await bothWays(OAuthRenewDocument, unknown, contextOf(undefined));
    expect(apollo.errors?.[0]?.extensions?.['code']).toBe('INVALID_TOKEN');
    expect(single).toEqual(apollo);
  });

  it('refuses the same variables as Apollo, without asking the subgraph', async () => {
    const single = stack.gateway.singleFetches.lookup(print(OAuthLoginDocument));
    expect(single).toBeDefined();
    for (const input of [
      { email: 5, password: 'x' },
      { email: 'a\u0000b@example.com', password: 'x' },
      { password: 'x' },
    ]) {
      const variables = { input };
      const context = contextOf(undefined);
      const apollo = await throughApollo(OAuthLoginDocument, variables, context);
      expect(apollo.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(await single!.run(variables, context)).toEqual(apollo);
    }
  });

  it('answers the caller it is told of, not the one before', async () => {
    const other = await stack.createUser();
    const { apollo, single } = await bothWays(MemberTotpStatusDocument, {}, contextOf(user.token));
    expect(single).toEqual(apollo);
    const answered = await stack.gateway.singleFetches
      .lookup(print(MemberTotpStatusDocument))!
      .run({}, contextOf(undefined));
    expect(answered.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(answered).toEqual(await throughApollo(MemberTotpStatusDocument, {}, contextOf(undefined)));
    expect(other.id).not.toBe(user.id);
  });
});

describe('an operation whose plan is more than one fetch', () => {
  it('keeps going through Apollo', async () => {
    for (const document of [OAuthMeDocument, OAuthMySharingDocument]) {
      const text = print(document);
      expect(stack.gateway.singleFetches.lookup(text)).toBeUndefined();
      const apollo = await throughApollo(document, {}, contextOf(user.token));
      expect(apollo.data).toMatchObject({ me: { id: user.id } });
      expect(stack.gateway.singleFetches.lookup(text)).toBeUndefined();
    }
  });
});

describe('a client operation on /graphql whose plan is one fetch', () => {
  /** The gateway's answer while it plans the operation, then once it answers it directly. */
  async function answeredTwice(query: string, options: Parameters<TestStack['graphql']>[1] = {}) {
    const planned = await stack.graphql(query, options);
    expect(stack.gateway.singleFetches.answersDirectly(query), 'answered directly from now on').toBe(true);
    return { planned, direct: await stack.graphql(query, options) };
  }

  it('answers what the plan answered, aliases and fragments included', async () => {
    const query = 'query Who { self: me { ...Fields role } } fragment Fields on User { id email displayName }';
    const { planned, direct } = await answeredTwice(query, { token: user.token });
    expect(planned).toMatchObject({ status: 200, data: { self: { id: user.id, email: user.email } } });
    expect(direct).toEqual(planned);
    expect(Object.keys(direct.data!['self'] as object)).toEqual(['id', 'email', 'displayName', 'role']);
  });

  it('answers a refusal, and no data, as the plan did', async () => {
    const query = 'query { me { id } }';
    const { planned, direct } = await answeredTwice(query);
    expect(planned.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(direct).toEqual(planned);
    const login = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }';
    const wrong = { i: { email: user.email, password: 'not-the-password-at-all' } };
    const refused = await answeredTwice(login, { variables: wrong });
    expect(refused.planned.errors?.[0]?.extensions?.['code']).toBe('INVALID_CREDENTIALS');
    expect(refused.direct).toEqual(refused.planned);
  });

  it('refuses variables as the gateway does', async () => {
    const query = 'query ($id: ID!) { user(id: $id) { id } }';
    await answeredTwice(query, { token: user.token, variables: { id: user.id } });
    for (const variables of [{}, { id: { not: 'an id' } }]) {
      const refused = await stack.graphql(query, { token: user.token, variables });
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toMatch(/^Variable "\$id"/);
    }
  });

  it('leaves an operation of several fetches to the plan', async () => {
    const query = '{ me { id memberProfile { language } } }';
    const answered = await stack.graphql(query, { token: user.token });
    expect(answered.data).toMatchObject({ me: { id: user.id } });
    expect(stack.gateway.singleFetches.answersDirectly(query)).toBe(false);
  });
});
