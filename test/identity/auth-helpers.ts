import type { TestStack } from '../support/stack.js';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; email: string; role: string; tenantId: string };
}

const payload = 'accessToken refreshToken tokenType expiresIn user { id email role tenantId }';

export async function register(stack: TestStack, input: Record<string, unknown>) {
  return stack.graphql<{ register: Tokens }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { ${payload} } }`,
    {
      variables: { input },
    },
  );
}

export async function login(stack: TestStack, email: string, password: string, headers?: Record<string, string>) {
  return stack.graphql<{ login: Tokens }>(`mutation ($input: LoginInput!) { login(input: $input) { ${payload} } }`, {
    variables: { input: { email, password } },
    ...(headers ? { headers } : {}),
  });
}

export async function refresh(stack: TestStack, refreshToken: string) {
  return stack.graphql<{ refreshToken: Tokens }>(
    `mutation ($t: String!) { refreshToken(refreshToken: $t) { ${payload} } }`,
    {
      variables: { t: refreshToken },
    },
  );
}

export async function meId(stack: TestStack, token: string) {
  const response = await stack.graphql<{ me: { id: string } | null }>('{ me { id } }', { token });
  return { status: response.status, id: response.data?.me?.id, code: response.errors?.[0]?.extensions?.['code'] };
}

export function codeOf(response: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return response.errors?.[0]?.extensions?.['code'];
}

let counter = 0;
export function uniqueEmail(label = 'person'): string {
  counter += 1;
  return `${label}-${Date.now()}-${counter}@example.com`;
}

export const goodPassword = 'plum-tractor-sings-7';
