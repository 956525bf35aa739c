import type { SnapshotFixture } from './support/catalog-fixture.js';

/** Every scenario, in the order they run by default; BENCH_SCENARIOS picks among these. */
export const SCENARIO_IDS = ['direct', 'gateway', 'federated', 'login', 'snapshot'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];
/**
 * Measured by their own harness, not replayed by autocannon (bench/support/totp-latency.ts,
 * bench/support/events-throughput.ts, bench/support/token-throughput.ts).
 */
export const CUSTOM_IDS = ['totp', 'events', 'token'] as const;
export type CustomId = (typeof CUSTOM_IDS)[number];

/** One HTTP request that autocannon replays; `id` is how comparisons refer to it. */
export interface Scenario {
  readonly id: ScenarioId;
  readonly name: string;
  /** POST by default; a GET sends no body. */
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** What a good answer looks like: GraphQL `data` without `errors` (default), or any REST 200 JSON. */
  readonly answers?: 'graphql' | 'rest';
  /** A further check of the parsed answer before measuring: a reason it is wrong, or undefined. */
  readonly check?: (body: unknown) => string | undefined;
}

/** "numerator / denominator" lines printed under the table. */
export interface Comparison {
  readonly label: string;
  readonly numerator: ScenarioId;
  readonly denominator: ScenarioId;
}

export interface ScenarioTargets {
  readonly gatewayUrl: string;
  readonly identityUrl: string;
  readonly token: string;
  readonly credentials: { readonly email: string; readonly password: string };
  /** The subject with many grants and a `catalog:read` client; absent when `snapshot` does not run. */
  readonly snapshot?: SnapshotFixture | undefined;
}

const ME = '{ me { id email displayName role } }';
const FEDERATED = '{ me { id email memberProfile { language } permissions { id } auditTrail(limit: 5) { id } } }';

function graphqlRequest(url: string, token: string, query: string): Pick<Scenario, 'url' | 'headers' | 'body'> {
  return {
    url,
    // Subgraphs verify the bearer token themselves, so the direct call carries it too.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  };
}

/** Add a scenario here (and a comparison below if it has a natural baseline). */
export function scenarios({ gatewayUrl, identityUrl, token, credentials, snapshot }: ScenarioTargets): Scenario[] {
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
    ...(snapshot ? [snapshotScenario(gatewayUrl, snapshot)] : []),
  ];
}

/** A read-heavy REST call: one subject's 1,000 grants, through the gateway, as an API client. */
function snapshotScenario(gatewayUrl: string, fixture: SnapshotFixture): Scenario {
  return {
    id: 'snapshot',
    name: `\`GET /internal/permissions/{sub}/snapshot\` (${fixture.grants} grants) → gateway`,
    method: 'GET',
    url: `${gatewayUrl}/internal/permissions/${encodeURIComponent(fixture.userSub)}/snapshot`,
    headers: { 'x-client-key': fixture.clientKey, 'x-api-key': fixture.apiKey },
    answers: 'rest',
    check(body) {
      const permissions = (body as { permissions?: unknown } | null)?.permissions;
      if (!Array.isArray(permissions)) return 'the answer has no `permissions` list';
      if (permissions.length !== fixture.grants) {
        return `the snapshot holds ${permissions.length} permissions, expected ${fixture.grants}: the fixture did not create them all`;
      }
      return undefined;
    },
  };
}

export const comparisons: readonly Comparison[] = [
  { label: 'gateway / direct', numerator: 'gateway', denominator: 'direct' },
  { label: 'federated / direct', numerator: 'federated', denominator: 'direct' },
];
