/** One HTTP request that autocannon replays; `id` is how comparisons refer to it. */
export interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What a good answer looks like: GraphQL `data` without `errors` (default), or any REST 200 JSON. */
  readonly answers?: 'graphql' | 'rest';
}

/** "numerator / denominator" lines printed under the table. */
export interface Comparison {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
}

export interface ScenarioTargets {
  readonly gatewayUrl: string;
  readonly identityUrl: string;
  readonly token: string;
  readonly credentials: { readonly email: string; readonly password: string };
}

const ME = '{ me { id email displayName role } }';
const FEDERATED = '{ me { id email memberProfile { displayName } permissions { id } auditTrail(limit: 5) { id } } }';

function graphqlRequest(url: string, token: string, query: string): Pick<Scenario, 'url' | 'headers' | 'body'> {
  return {
    url,
    // Subgraphs verify the bearer token themselves, so the direct call carries it too.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  };
}

/** Add a scenario here (and a comparison below if it has a natural baseline). */
export function scenarios({ gatewayUrl, identityUrl, token, credentials }: ScenarioTargets): Scenario[] {
  return [
    { id: 'direct', name: '`me` → identity subgraph', ...graphqlRequest(identityUrl, token, ME) },
    { id: 'gateway', name: '`me` → gateway', ...graphqlRequest(`${gatewayUrl}/graphql`, token, ME) },
    {
      id: 'federated',
      name: 'federated (4 subgraphs) → gateway',
      ...graphqlRequest(`${gatewayUrl}/graphql`, token, FEDERATED),
    },
    {
      // A full sign-in: argon2id verification, a new session and refresh token, an outbox event.
      id: 'login',
      name: 'sign-in `POST /api/v1/auth/login` → gateway',
      url: `${gatewayUrl}/api/v1/auth/login`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
      answers: 'rest',
    },
  ];
}

export const comparisons: readonly Comparison[] = [
  { label: 'gateway / direct', numerator: 'gateway', denominator: 'direct' },
  { label: 'federated / direct', numerator: 'federated', denominator: 'direct' },
];
