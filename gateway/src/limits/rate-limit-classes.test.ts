import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphNames } from '../../../lib/config/env.js';
import { subgraphDefinitions } from '../../../subgraphs/registry.js';
import { createGraphQLClassifier, rootFieldsOf, strictest } from './rate-limit-classes.js';

const defaults = { general: 100, auth: 10, admin: 1000, internal: 60_000 };
const classifier = () => createGraphQLClassifier({ limits: defaults, maxTokens: 2000 });

describe('strictest class', () => {
  it('is the smallest configured budget, by intent on a tie', () => {
    expect(strictest(['admin', 'general', 'auth'], defaults)).toBe('auth');
    expect(strictest(['admin', 'general'], defaults)).toBe('general');
    expect(strictest(['admin', 'general'], { general: 100, auth: 10, admin: 5, internal: 60_000 })).toBe('admin');
    expect(strictest(['admin', 'general', 'auth'], { general: 7, auth: 7, admin: 7, internal: 7 })).toBe('auth');
    expect(strictest([], defaults)).toBe('general');
  });
});

describe('GraphQL classes', () => {
  it('reads the root fields through aliases, fragments and inline fragments', () => {
    const document = parse(`
      mutation M { a: login(input: $i) { accessToken } ...F ... on Mutation { ...G } }
      fragment F on Mutation { register(input: $r) { accessToken } ...F }
      fragment G on Mutation { setUserRole(userId: "1", role: USER) { id } }
      query Q { me { id } }
    `);
    expect(rootFieldsOf(document, 'M')).toEqual(
      new Set(['Mutation.login', 'Mutation.register', 'Mutation.setUserRole']),
    );
    expect(rootFieldsOf(document, 'Q')).toEqual(new Set(['Query.me']));
  });

  it.each([
    ['mutation { login(input: {email: "a", password: "b"}) { accessToken } }', 'auth'],
    ['mutation { refreshToken(refreshToken: "x") { accessToken } }', 'auth'],
    ['mutation { completePasswordSetup(token: "t", newPassword: "p") { accessToken } }', 'auth'],
    ['mutation { register(input: {}) { accessToken } }', 'auth'],
    ['{ users { total } }', 'admin'],
    ['mutation { createTenant(input: {}) { id } }', 'admin'],
    ['{ me { id } }', 'general'],
    ['{ __typename }', 'general'],
    ['{ __schema { types { name } } }', 'general'],
    // Mixed: the strictest wins, so wrapping a login in an admin query gains nothing.
    ['mutation { login(input: {}) { accessToken } setUserRole(userId: "1", role: USER) { id } }', 'auth'],
    ['{ me { id } users { total } }', 'general'],
    ['{ me { id ', 'general'],
  ])('%s is %s', (query, expected) => {
    expect(classifier()({ query }).class).toBe(expected);
  });

  it('classifies the operation that runs, or all of them when none is named', () => {
    const query = 'query A { me { id } } mutation B { login(input: {}) { accessToken } }';
    const classify = classifier();
    expect(classify({ query, operationName: 'A' }).class).toBe('general');
    expect(classify({ query, operationName: 'B' }).class).toBe('auth');
    expect(classify({ query }).class).toBe('auth');
  });

  it('takes the strictest of a batch, and general for anything that is not a request', () => {
    const classify = classifier();
    expect(
      classify([{ query: '{ me { id } }' }, { query: 'mutation { login(input: {}) { accessToken } }' }]).class,
    ).toBe('auth');
    expect(classify(undefined).class).toBe('general');
    expect(classify('mutation { login }').class).toBe('general');
  });

  it('remembers persisted-query hashes only when they are the document’s', () => {
    const classify = classifier();
    const login = 'mutation { login(input: {}) { accessToken } }';
    const hash = createHash('sha256').update(login).digest('hex');
    const persisted = (sha256Hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(classify(persisted(hash)).class).toBe('general');
    expect(classify({ query: login, ...persisted(hash) }).class).toBe('auth');
    expect(classify(persisted(hash)).class).toBe('auth');
    // A different document sent under the login's hash does not relabel it.
    expect(classify({ query: '{ me { id } }', ...persisted(hash) }).class).toBe('general');
    expect(classify(persisted(hash)).class).toBe('auth');
  });

  it('charges each auth root field, so aliases cannot try many passwords for one request', () => {
    const classify = classifier();
    const login = (alias: string) => `${alias}: login(input: {email: "a", password: "${alias}"}) { accessToken }`;
    expect(classify({ query: `mutation { ${login('a')} }` })).toEqual({ class: 'auth', cost: 1 });
    expect(classify({ query: `mutation { ${['a', 'b', 'c', 'd'].map(login).join(' ')} }` })).toEqual({
      class: 'auth',
      cost: 4,
    });
    // Through fragments as well; one response key runs once however often it is selected.
    expect(
      classify({
        query: `mutation { ...F ... on Mutation { ${login('c')} } ${login('a')} }
                fragment F on Mutation { ${login('a')} ${login('b')} verifyTotp(code: "1") { verified } }`,
      }),
    ).toEqual({ class: 'auth', cost: 4 });
    // Mixed with other fields, only the auth ones count; other classes cost one per operation.
    expect(classify({ query: `mutation { ${login('a')} setUserRole(userId: "1", role: USER) { id } }` })).toEqual({
      class: 'auth',
      cost: 1,
    });
    expect(classify({ query: '{ a: me { id } b: me { id } users { total } }' })).toEqual({ class: 'general', cost: 1 });
    expect(classify({ query: '{ users { total } tenants { id } }' })).toEqual({ class: 'admin', cost: 1 });
  });

  it('reads the grant of a lone refresh or token request, from literals or variables', () => {
    const classify = classifier();
    expect(classify({ query: 'mutation { refreshToken(refreshToken: "r1") { accessToken } }' })).toEqual({
      class: 'auth',
      cost: 1,
      credential: { kind: 'grant', refreshToken: 'r1' },
    });
    expect(
      classify({
        query: 'mutation ($t: String!) { renewAccessToken(refreshToken: $t) { accessToken } }',
        variables: { t: 'r2' },
      }).credential,
    ).toEqual({ kind: 'grant', refreshToken: 'r2' });
    expect(
      classify({
        query: 'mutation ($i: ApplicationTokenRequestInput!) { requestApplicationToken(input: $i) { accessToken } }',
        variables: { i: { grantType: 'authorization_code', clientId: 'c', clientSecret: 's' } },
      }).credential,
    ).toEqual({ kind: 'grant', clientId: 'c', clientSecret: 's' });
    // Two auth fields, a sign-in, or a batch: nothing beyond the address.
    const two =
      'mutation { a: refreshToken(refreshToken: "r1") { accessToken } b: refreshToken(refreshToken: "r2") { accessToken } }';
    expect(classify({ query: two }).credential).toBeUndefined();
    expect(classify({ query: 'mutation { login(input: {}) { accessToken } }' }).credential).toBeUndefined();
    const refresh = { query: 'mutation { refreshToken(refreshToken: "r1") { accessToken } }' };
    expect(classify([refresh, refresh]).credential).toBeUndefined();
  });

  it('never remembers a grant with a persisted-query hash', () => {
    const classify = classifier();
    const query = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    expect(classify({ query, variables: { t: 'r1' }, extensions }).credential).toEqual({
      kind: 'grant',
      refreshToken: 'r1',
    });
    expect(classify({ variables: { t: 'r2' }, extensions })).toEqual({ class: 'auth', cost: 1 });
  });

  it('remembers a document per operation name, and reads each request’s own variables', () => {
    const classify = createGraphQLClassifier({ limits: defaults, maxTokens: 2000, rememberedDocuments: 2 });
    const query = 'query A { me { id } } mutation B ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }';
    for (const token of ['r1', 'r2', 'r3']) {
      expect(classify({ query, operationName: 'A', variables: { t: token } })).toEqual({ class: 'general', cost: 1 });
      expect(classify({ query, operationName: 'B', variables: { t: token } })).toEqual({
        class: 'auth',
        cost: 1,
        credential: { kind: 'grant', refreshToken: token },
      });
      // A third document pushes the oldest out; it is classified afresh, the same way.
      expect(classify({ query: `{ me { id } } # ${token}` }).class).toBe('general');
    }
  });

  it('does not parse documents beyond the token limit', () => {
    const classify = createGraphQLClassifier({ limits: defaults, maxTokens: 10 });
    expect(classify({ query: 'mutation { login(input: { email: "a", password: "b" }) { accessToken } }' }).class).toBe(
      'general',
    );
  });
});

describe('GraphQL classes declared by the subgraphs', () => {
  it('charge each root field the class its subgraph declares with its rule (via the generated table)', async () => {
    const declared: Record<string, string> = {};
    for (const name of subgraphNames) {
      Object.assign(declared, (await subgraphDefinitions[name].buildSchema()).rootFieldClasses);
    }
    // identity: `login: limited('auth', allow)`; catalog: `Mutation: { '*': limited('admin', …) }`.
    expect(declared).toMatchObject({ 'Mutation.login': 'auth', 'Mutation.grantPermission': 'admin' });
    const classify = classifier();
    for (const [coordinate, cls] of Object.entries(declared)) {
      const [root, field] = coordinate.split('.');
      expect(classify({ query: `${root === 'Mutation' ? 'mutation' : 'query'} { ${field} }` }).class, coordinate).toBe(
        cls,
      );
    }
  });
});
