import { randomUUID } from 'node:crypto';

/**
 * The bench's setup talks to the graph only through its public API, as a client would: it works
 * against any build (a worktree of another commit included) and touches no database directly.
 */
export type GraphQLCall = <T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
) => Promise<T>;

/** GraphQL over HTTP, with a bearer token when given; errors, a non-200 or no data throw. */
export function graphqlClient(url: string, token?: string): GraphQLCall {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: readonly { message?: string }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
    }
    if (body.errors?.length || response.status !== 200 || body.data == null) {
      const messages = body.errors?.map((e) => e.message ?? '?').join('; ') ?? text.slice(0, 300);
      throw new Error(`HTTP ${response.status} for ${query.slice(0, 60)}…: ${messages}`);
    }
    return body.data;
  };
}

export interface Account {
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

/** A password the strength check accepts (not common, not the email). */
export const BENCH_PASSWORD = 'bench-harness-passphrase-42';

/** Signs up a fresh account (`register`) and answers its credentials and access token. */
export async function registerAccount(graphqlUrl: string, label: string): Promise<Account> {
  const email = `${label}-${randomUUID().slice(0, 8)}@bench.example.com`;
  const { register } = await graphqlClient(graphqlUrl)<{ register: { accessToken: string } }>(
    'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }',
    { i: { email, password: BENCH_PASSWORD } },
  );
  return { email, password: BENCH_PASSWORD, token: register.accessToken };
}

export async function signIn(graphqlUrl: string, email: string, password: string): Promise<string> {
  const { login } = await graphqlClient(graphqlUrl)<{ login: { accessToken: string } }>(
    'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }',
    { i: { email, password } },
  );
  return login.accessToken;
}

/**
 * Gives the account a member profile, so the federated query reads a row in member too. Its language
 * is set: a field every version of the schema has (the profile's display name is moving to `User`).
 */
export async function createProfile(graphqlUrl: string, token: string): Promise<void> {
  await graphqlClient(graphqlUrl, token)(
    'mutation ($i: UpdateMyProfileInput!) { updateMyProfile(input: $i) { language } }',
    { i: { language: 'en' } },
  );
}

/**
 * Waits until the answer to `read` stops changing (events of the setup still reaching the audit log
 * change the federated query's `auditTrail`), then answers it: a load run counts any other body as
 * an error.
 */
export async function settledAnswer(read: () => Promise<string>, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  let previous = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const current = await read();
    if (current === previous) return current;
    if (performance.now() > deadline) throw new Error(`the answer kept changing for ${timeoutMs / 1000} s`);
    previous = current;
  }
}
