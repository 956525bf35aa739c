import type { Probe } from './fuzz-probes.js';

/**
 * The probes of the entry points outside the route table: POST /graphql, the form-encoded token
 * endpoint and the hosted authorization pages. Deterministic, like fuzz-probes.ts.
 */

const NUL = 'fuzz\u0000nul';
const LONE = 'fuzz\ud800';

function operation(query: string, variables?: unknown, operationName?: string): string {
  return JSON.stringify({
    query,
    ...(variables !== undefined ? { variables } : {}),
    ...(operationName ? { operationName } : {}),
  });
}

export interface GraphQLProbeOptions {
  /** A system administrator's token: operations get past authorization to their arguments. */
  readonly adminToken: string;
  /** A token without the right to introspect (production). */
  readonly userToken: string;
  /** The gateway's JSON limit for /graphql. */
  readonly bodyLimit: number;
}

export function graphqlProbes(options: GraphQLProbeOptions): Probe[] {
  const admin = { authorization: `Bearer ${options.adminToken}` };
  const probes: Probe[] = [];
  const post = (
    what: string,
    body: string | Buffer,
    headers: Record<string, string> = admin,
    extra: Record<string, string> = {},
  ) =>
    probes.push({
      label: `POST /graphql: ${what}`,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', ...headers, ...extra },
      body,
      dialect: 'graphql',
      expect: 'refused',
    });
  const login = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }';
  const users = 'query ($p: Int, $l: Int, $s: String) { users(page: $p, limit: $l, search: $s) { total } }';

  // Bodies that are not a GraphQL request at all.
  post('malformed JSON', '{"query": ');
  post('a bare JSON string', '"fuzz"');
  post('an empty batch', '[]');
  post('a batch', JSON.stringify([{ query: '{ __typename }' }]));
  post('a query that is a number', JSON.stringify({ query: 12345 }));
  post('no query', '{}');
  post('variables that are a string', JSON.stringify({ query: '{ __typename }', variables: 'fuzz' }));
  post('variables that are an array', JSON.stringify({ query: '{ __typename }', variables: ['fuzz'] }));
  post('JSON in latin9', '{}', admin, { 'content-type': 'application/json; charset=latin9' });
  post('JSON in UTF-16', Buffer.from('{"query":"{ __typename }"}', 'utf16le'), admin, {
    'content-type': 'application/json; charset=utf-16',
  });
  post('gzip that is not gzip', '{"query":"{ __typename }"}', admin, { 'content-encoding': 'gzip' });
  post('brotli that is not brotli', '{"query":"{ __typename }"}', admin, { 'content-encoding': 'br' });
  post('an unknown Content-Encoding', '{"query":"{ __typename }"}', admin, { 'content-encoding': 'x-unknown' });
  post('over the size limit', operation('{ __typename }', { fuzz: 'x'.repeat(options.bodyLimit) }));

  // Documents that cannot be run.
  post('a syntax error', operation('{ me '));
  post('a raw NUL in the document', operation('{ __typename \u0000 }'));
  post('more tokens than allowed', operation(`{ ${'__typename '.repeat(5_000)}}`));
  post('an unknown operationName', operation('query Known { __typename }', undefined, 'Unknown'));
  post('a NUL in operationName', operation('query Known { __typename }', undefined, NUL));
  post('two operations and no operationName', operation('query A { __typename } query B { __typename }'));
  post('a subscription', operation('subscription S { __typename }'));
  post('an undefined variable type', operation('query ($x: Nope) { __typename }', { x: 1 }));
  post('too deep', operation(`{ __schema { types { ${'fields { type { '.repeat(8)}name${' } }'.repeat(8)} } } }`));
  post('too many aliases', operation(`{ ${Array.from({ length: 200 }, (_, i) => `a${i}: me { id }`).join(' ')} }`));
  post('too many directives', operation(`{ __typename ${'@include(if: true) '.repeat(200)}}`));
  post('introspection by an anonymous caller', operation('{ __schema { queryType { name } } }'), {});
  post('introspection by a user', operation('{ __schema { queryType { name } } }'), {
    authorization: `Bearer ${options.userToken}`,
  });

  // Strings the database cannot store, as literals and as variables (sign-in is unauthenticated).
  post(
    'a NUL in a string literal',
    operation('mutation { login(input: {email: "fuzz\\u0000@example.com", password: "fuzz"}) { accessToken } }'),
    {},
  );
  post(
    'an escaped lone surrogate in a string literal',
    operation('mutation { login(input: {email: "fuzz\\ud800@example.com", password: "fuzz"}) { accessToken } }'),
    {},
  );
  post('a NUL in a variable', operation(login, { i: { email: NUL, password: 'fuzz' } }), {});
  post('a lone surrogate in a variable', operation(login, { i: { email: 'fuzz@example.com', password: LONE } }), {});
  post(
    'a NUL in a variable’s key',
    operation(login, { i: { email: 'fuzz@example.com', password: 'x', [NUL]: 1 } }),
    {},
  );
  post('a NUL in a search', operation(users, { s: NUL }));
  post(
    'a NUL inside a list variable',
    operation('mutation ($i: CreateApplicationInput!) { createApplication(input: $i) { clientId } }', {
      i: { name: 'fuzz', redirectUris: [`https://app.example.com/${NUL}`] },
    }),
  );

  // Values out of range.
  post('an Int variable beyond 32 bits', operation(users, { p: 99_999_999_999 }));
  post('an Int literal beyond 32 bits', operation('{ users(page: 99999999999) { total } }'));
  post('a negative page', operation(users, { p: -1 }));
  post('a negative limit', operation(users, { l: -1 }));
  post('a variable of the wrong type', operation(login, { i: ['fuzz'] }), {});
  post(
    'a variable nested 10,000 arrays deep',
    `{"query":${JSON.stringify(login)},"variables":{"i":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
    {},
  );

  // GET: a mutation is refused (405), a NUL in the document is a syntax error.
  for (const [what, query] of [
    ['a mutation over GET', 'mutation { logout }'],
    ['a NUL in a GET document', '{ __typename \u0000 }'],
  ] as const) {
    probes.push({
      label: `GET /graphql: ${what}`,
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(query)}`,
      headers: { ...admin, 'apollo-require-preflight': 'true' },
      dialect: 'graphql',
      expect: 'refused',
    });
  }
  return probes;
}

const FORM = 'application/x-www-form-urlencoded';
const TOKEN_PARAMETERS = [
  'grant_type',
  'code',
  'redirect_uri',
  'client_id',
  'client_secret',
  'code_verifier',
  'refresh_token',
  'scope',
] as const;

function form(entries: Readonly<Record<string, string>>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `POST /oauth/token` (RFC 6749 errors: `{error, error_description}`). */
export function tokenEndpointProbes(): Probe[] {
  const base: Record<string, string> = {
    grant_type: 'authorization_code',
    code: 'fuzz',
    redirect_uri: encodeURIComponent('https://app.example.com/callback'),
    client_id: 'fuzz',
  };
  const probes: Probe[] = [];
  const post = (
    what: string,
    body: string,
    headers: Record<string, string> = {},
    expect: Probe['expect'] = 'refused',
  ) =>
    probes.push({
      label: `POST /oauth/token: ${what}`,
      method: 'POST',
      path: '/oauth/token',
      headers: { 'content-type': FORM, ...headers },
      body,
      dialect: 'token',
      expect,
    });
  for (const name of TOKEN_PARAMETERS) {
    post(`${name} holds a NUL character`, form({ ...base, [name]: 'fuzz%00' }));
    post(`${name} is 20,000 characters`, form({ ...base, [name]: 'x'.repeat(20_000) }));
    post(`${name} is repeated`, `${form(base)}&${name}=a&${name}=b`);
    post(`${name} has broken %-encoding`, form({ ...base, [name]: '%E0%A4%A' }), {}, 'odd');
  }
  post('the form in latin9', form(base), { 'content-type': `${FORM}; charset=latin9` });
  post('gzip that is not gzip', form(base), { 'content-encoding': 'gzip' });
  post('an unknown Content-Encoding', form(base), { 'content-encoding': 'x-unknown' });
  post('40 parameters', Array.from({ length: 40 }, (_, i) => `p${i}=x`).join('&'));
  post('a JSON body', JSON.stringify({ grant_type: 'authorization_code' }), { 'content-type': 'application/json' });
  post('malformed Basic credentials', form(base), { authorization: 'Basic %%%' });
  post('Basic credentials with a NUL', form({ grant_type: 'authorization_code', code: 'fuzz' }), {
    authorization: `Basic ${Buffer.from('fuzz%00:secret').toString('base64')}`,
  });
  post('Basic credentials with broken %-encoding', form({ grant_type: 'authorization_code', code: 'fuzz' }), {
    authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}`,
  });
  return probes;
}

/** `POST /oauth/revoke` and `POST /oauth/introspect` (RFC 7009, RFC 7662; RFC 6749 errors). */
export function tokenStatusProbes(path: '/oauth/revoke' | '/oauth/introspect'): Probe[] {
  const base: Record<string, string> = { token: 'fuzz', token_type_hint: 'refresh_token', client_id: 'fuzz' };
  const probes: Probe[] = [];
  const post = (
    what: string,
    body: string,
    headers: Record<string, string> = {},
    expect: Probe['expect'] = 'refused',
  ) =>
    probes.push({
      label: `POST ${path}: ${what}`,
      method: 'POST',
      path,
      headers: { 'content-type': FORM, ...headers },
      body,
      dialect: 'token',
      expect,
    });
  for (const name of Object.keys(base)) {
    post(`${name} holds a NUL character`, form({ ...base, [name]: 'fuzz%00' }));
    post(`${name} is 20,000 characters`, form({ ...base, [name]: 'x'.repeat(20_000) }));
    post(`${name} is repeated`, `${form(base)}&${name}=a&${name}=b`);
    post(`${name} has broken %-encoding`, form({ ...base, [name]: '%E0%A4%A' }), {}, 'odd');
  }
  post('no token', form({ client_id: 'fuzz' }));
  post('a JSON body', JSON.stringify(base), { 'content-type': 'application/json' });
  post('malformed Basic credentials', form(base), { authorization: 'Basic %%%' });
  return probes;
}

/** `GET`/`POST /oauth/userinfo` (RFC 6750 errors with WWW-Authenticate). */
export function userInfoProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const method of ['GET', 'POST'] as const) {
    for (const [what, authorization] of [
      ['a Basic credential', 'Basic Zm9vOmJhcg=='],
      ['a bearer token of forbidden characters', 'Bearer fu{zz}'],
      ['a 6,000-character bearer token', `Bearer ${'x'.repeat(6_000)}`],
      ['a JWT of nobody', 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ] as const) {
      probes.push({
        label: `${method} /oauth/userinfo: ${what}`,
        method,
        path: '/oauth/userinfo',
        headers: { authorization },
        dialect: 'token',
        expect: 'refused',
      });
    }
  }
  const form = (what: string, body: string, headers: Record<string, string>) =>
    probes.push({
      label: `POST /oauth/userinfo: ${what}`,
      method: 'POST',
      path: '/oauth/userinfo',
      headers: { 'content-type': FORM, ...headers },
      body,
      dialect: 'token',
      expect: 'refused',
    });
  form('access_token holds a NUL character', 'access_token=fuzz%00', {});
  form('access_token is repeated', 'access_token=a&access_token=b', {});
  form('a form in latin9', 'access_token=fuzz', { 'content-type': `${FORM}; charset=latin9` });
  form('gzip that is not gzip', 'access_token=fuzz', { 'content-encoding': 'gzip' });
  form('a 40,000-byte form', `access_token=${'x'.repeat(40_000)}`, {});
  return probes;
}

/** `GET /oauth/logout` (RP-initiated logout): answers are HTML pages. */
export function logoutProbes(): Probe[] {
  const base: Record<string, string> = {
    id_token_hint: 'fuzz',
    client_id: 'fuzz',
    post_logout_redirect_uri: encodeURIComponent('https://app.example.com/bye'),
    state: 'fuzz',
  };
  const probes: Probe[] = [];
  for (const name of Object.keys(base)) {
    for (const [raw, what] of [
      ['fuzz%00', 'a NUL character'],
      ['%E0%A4%A', 'broken %-encoding'],
      ['x'.repeat(9_000), 'a 9,000-character value'],
      [`a&${name}=b`, 'repeated'],
    ] as const) {
      probes.push({
        label: `GET /oauth/logout: ${name} is ${what}`,
        method: 'GET',
        path: `/oauth/logout?${form({ ...base, [name]: raw })}`,
        headers: {},
        dialect: 'page',
        expect: 'odd',
      });
    }
  }
  return probes;
}

export interface PageProbeOptions {
  readonly clientId: string;
  readonly redirectUri: string;
}

const PAGE = '/oauth/authorize';
const CSRF = 'c'.repeat(43);

/**
 * The hosted pages (`GET`/`POST /oauth/authorize`): answers are HTML. Forms are only sent malformed:
 * a well-formed sign-in would be an attempt, which the sign-in throttle rightly records.
 */
export function pageProbes(options: PageProbeOptions): Probe[] {
  const flow: Record<string, string> = {
    response_type: 'code',
    client_id: encodeURIComponent(options.clientId),
    redirect_uri: encodeURIComponent(options.redirectUri),
    scope: 'read',
    state: 'fuzz',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  const probes: Probe[] = [];
  const page = (what: string, probe: Omit<Probe, 'label' | 'dialect'>) =>
    probes.push({ label: `${probe.method} ${PAGE}: ${what}`, dialect: 'page', ...probe });
  for (const name of Object.keys(flow)) {
    const cases: [string, string, Probe['expect']][] = [
      ['fuzz%00', 'a NUL character', 'refused'],
      ['%ED%A0%80', 'an encoded lone surrogate', 'odd'],
      ['%E0%A4%A', 'broken %-encoding', 'odd'],
      ['x'.repeat(3_000), 'a 3,000-character value', 'odd'],
      [`a&${name}=b`, 'repeated', 'odd'],
    ];
    for (const [raw, what, expect] of cases) {
      page(`query ${name} is ${what}`, {
        method: 'GET',
        path: `${PAGE}?${form({ ...flow, [name]: raw })}`,
        headers: {},
        expect,
      });
    }
  }
  const post = (what: string, body: string, headers: Record<string, string> = {}) =>
    page(what, {
      method: 'POST',
      path: PAGE,
      headers: { 'content-type': FORM, cookie: `mg_csrf=${CSRF}`, ...headers },
      body,
      expect: 'refused',
    });
  const signIn = { ...flow, csrf_token: CSRF, action: 'sign_in', email: 'fuzz%40example.com', password: 'fuzz' };
  for (const name of ['email', 'password', 'client_id', 'redirect_uri', 'state', 'scope']) {
    post(`sign-in ${name} holds a NUL character`, form({ ...signIn, [name]: 'fuzz%00' }));
  }
  const mfa = { ...flow, csrf_token: CSRF, action: 'mfa', mfa_ticket: 'fuzz', code: '123456' };
  post('second-factor ticket holds a NUL character', form({ ...mfa, mfa_ticket: 'fuzz%00' }));
  post('second-factor code holds a NUL character', form({ ...mfa, code: '12%0034' }));
  post('the form in latin9', form(signIn), { 'content-type': `${FORM}; charset=latin9` });
  post('gzip that is not gzip', form(signIn), { 'content-encoding': 'gzip' });
  post('an unknown Content-Encoding', form(signIn), { 'content-encoding': 'x-unknown' });
  post('over the size limit', form({ ...signIn, state: 'x'.repeat(20_000) }));
  return probes;
}

/** The public picture URLs (`/media/profile-pictures/:userId/:sha256`), proxied to the member subgraph. */
export function mediaProbes(): Probe[] {
  const values: [string, string][] = [
    ['%00', 'a NUL character'],
    ['%ED%A0%80', 'an encoded lone surrogate'],
    ['%E0%A4%A', 'broken %-encoding'],
    ['x'.repeat(4_000), 'a 4,000-character value'],
    ['-1', 'a negative number'],
  ];
  return (['userId', 'sha256'] as const).flatMap((name) =>
    values.map(([raw, what]): Probe => {
      const userId = name === 'userId' ? raw : '00000000-0000-4000-8000-000000000000';
      const sha256 = name === 'sha256' ? raw : 'a'.repeat(64);
      return {
        label: `GET /media/profile-pictures/{userId}/{sha256}: ${name} is ${what}`,
        method: 'GET',
        path: `/media/profile-pictures/${userId}/${sha256}`,
        headers: {},
        dialect: 'oauth',
        expect: 'refused',
      };
    }),
  );
}
