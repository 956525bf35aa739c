import { randomUUID } from 'node:crypto';

/** A subject with many grants and an API client allowed to read them (the snapshot scenario). */
export interface SnapshotFixture {
  readonly userSub: string;
  /** How many distinct grants the subject holds: modules × sites. */
  readonly grants: number;
  /** `X-Client-Key` / `X-API-Key` of a client with scope `catalog:read`. */
  readonly clientKey: string;
  readonly apiKey: string;
}

export interface SnapshotShape {
  readonly modules: number;
  readonly companies: number;
  readonly sitesPerCompany: number;
}

/** 10 modules × (10 companies × 10 sites) = 1,000 grants, one per (site, module). */
export const SNAPSHOT_SHAPE: SnapshotShape = { modules: 10, companies: 10, sitesPerCompany: 10 };

/** Mutations in flight at once: enough to finish in seconds, few enough not to queue on the pool. */
const CONCURRENCY = 10;

/** Where the fixture is built: a gateway and a SYSTEM_ADMIN's access token. */
export interface FixtureTarget {
  readonly gatewayUrl: string;
  readonly adminToken: string;
}

/**
 * Builds the catalog through the gateway's GraphQL API as a SYSTEM_ADMIN, exactly as an operator
 * would: one system, its modules, companies and their sites, then one SITE grant per (site, module)
 * for a fresh subject. Names carry a run id, so a reused DATABASE_URL neither collides nor adds
 * grants to an earlier run's subject.
 */
export async function createSnapshotFixture(
  { gatewayUrl, adminToken }: FixtureTarget,
  shape: SnapshotShape = SNAPSHOT_SHAPE,
): Promise<SnapshotFixture> {
  const run = randomUUID().slice(0, 8);
  const graphql = adminClient(`${gatewayUrl}/graphql`, adminToken);

  const { createSystem } = await graphql<{ createSystem: { systemKey: string } }>(
    'mutation ($i: CreateSystemInput!) { createSystem(input: $i) { systemKey } }',
    { i: { name: `bench-${run}` } },
  );
  const systemKey = createSystem.systemKey;
  const moduleKeys = await pool(range(shape.modules), async (n) => {
    const data = await graphql<{ createModule: { moduleKey: string } }>(
      'mutation ($i: CreateModuleInput!) { createModule(input: $i) { moduleKey } }',
      { i: { systemKey, name: `bench-${run}-module-${n}` } },
    );
    return data.createModule.moduleKey;
  });
  const companyKeys = await pool(range(shape.companies), async (n) => {
    const data = await graphql<{ createCompany: { companyKey: string } }>(
      'mutation ($i: CreateCompanyInput!) { createCompany(input: $i) { companyKey } }',
      { i: { name: `bench-${run}-company-${n}` } },
    );
    return data.createCompany.companyKey;
  });
  const siteKeys = await pool(
    companyKeys.flatMap((companyKey, c) => range(shape.sitesPerCompany).map((s) => ({ companyKey, c, s }))),
    async ({ companyKey, c, s }) => {
      const data = await graphql<{ createSite: { siteKey: string } }>(
        'mutation ($i: CreateSiteInput!) { createSite(input: $i) { siteKey } }',
        { i: { companyKey, name: `bench-${run}-site-${c}-${s}` } },
      );
      return data.createSite.siteKey;
    },
  );

  const userSub = `bench-subject-${run}`;
  const targets = siteKeys.flatMap((scopeId) => moduleKeys.map((moduleKey) => ({ scopeId, moduleKey })));
  await pool(targets, ({ scopeId, moduleKey }) =>
    graphql('mutation ($i: GrantPermissionInput!) { grantPermission(input: $i) { id } }', {
      i: { userSub, scopeType: 'SITE', scopeId, systemKey, moduleKey, actions: ['view', 'edit'] },
    }),
  );

  const { createApiClient } = await graphql<{ createApiClient: { clientKey: string; apiKey: string } }>(
    'mutation ($i: CreateApiClientInput!) { createApiClient(input: $i) { clientKey apiKey } }',
    { i: { name: `bench-${run}-catalog-reader`, scopes: ['catalog:read'] } },
  );
  return { userSub, grants: targets.length, ...createApiClient };
}

type AdminGraphQL = <T = unknown>(query: string, variables: Record<string, unknown>) => Promise<T>;

/** GraphQL over HTTP with the admin's bearer token; any error or missing data throws. */
function adminClient(url: string, token: string): AdminGraphQL {
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: readonly { message?: string }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`snapshot fixture: HTTP ${response.status}, body is not JSON: ${text.slice(0, 300)}`);
    }
    if (body.errors?.length || response.status !== 200 || body.data == null) {
      const messages = body.errors?.map((e) => e.message ?? '?').join('; ') ?? text.slice(0, 300);
      throw new Error(`snapshot fixture: HTTP ${response.status} for ${query.slice(0, 60)}…: ${messages}`);
    }
    return body.data;
  };
}

/** Maps `items` with at most CONCURRENCY calls in flight; results keep the input order. */
async function pool<I, O>(items: readonly I[], work: (item: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

function range(length: number): number[] {
  return Array.from({ length }, (_, i) => i);
}
