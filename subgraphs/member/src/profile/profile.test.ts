import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDatabaseUrl } from '../../../../test/support/database.js';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../../../../test/support/stack.js';
import { MemberProfile } from './member-profile.entity.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const fields = 'avatarUrl phone language currency birthDate gender';

interface Profile {
  avatarUrl: string | null;
  phone: string | null;
  language: string | null;
  currency: string | null;
  birthDate: string | null;
  gender: string | null;
}

function update(user: TestUser | undefined, input: Record<string, unknown>) {
  return stack.graphql<{ updateMyProfile: Profile }>(
    `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { ${fields} } }`,
    { variables: { input }, ...(user ? { token: user.token } : {}) },
  );
}

/** What the frontends read: the profile through `me`, across identity and member. */
async function readBack(user: TestUser): Promise<Profile | null> {
  const response = await stack.graphql<{ me: { memberProfile: Profile | null } }>(
    `{ me { memberProfile { ${fields} } } }`,
    { token: user.token },
  );
  expect(response.errors).toBeUndefined();
  return response.data?.me.memberProfile ?? null;
}

function expectOk(response: GraphQLResponse<{ updateMyProfile: Profile }>): Profile {
  expect(response.errors).toBeUndefined();
  return response.data!.updateMyProfile;
}

/** The fields a VALIDATION_FAILED error names. */
function fieldsOf(extensions: Record<string, unknown> | undefined): string[] {
  const details = extensions?.['details'] as { fields?: { field: string; message: string }[] } | undefined;
  return (details?.fields ?? []).map((f) => f.field);
}

function isoDateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const full = {
  avatarUrl: 'https://cdn.example.com/avatars/1.png',
  phone: '+886912345678',
  language: 'zh-tw',
  currency: 'twd',
  birthDate: '1990-05-17',
  gender: 'FEMALE',
};
const fullStored: Profile = {
  avatarUrl: 'https://cdn.example.com/avatars/1.png',
  phone: '+886912345678',
  language: 'zh-TW',
  currency: 'TWD',
  birthDate: '1990-05-17',
  gender: 'FEMALE',
};

describe('updateMyProfile', () => {
  it('creates the profile on first update, normalized, and `me` reads it back', async () => {
    const user = await stack.createUser();
    expect(await readBack(user)).toBeNull();
    expect(expectOk(await update(user, full))).toEqual(fullStored);
    expect(await readBack(user)).toEqual(fullStored);
    const row = await stack.subgraphs.member.database.fork().findOneOrFail(MemberProfile, { userId: user.id });
    expect(row.tenantId).toBe(user.tenantId);
  });

  it('changes only the fields present in the input', async () => {
    const user = await stack.createUser();
    expectOk(await update(user, full));
    expect(expectOk(await update(user, { phone: '+14155550123', gender: 'OTHER' }))).toEqual({
      ...fullStored,
      phone: '+14155550123',
      gender: 'OTHER',
    });
    expect(await readBack(user)).toEqual({ ...fullStored, phone: '+14155550123', gender: 'OTHER' });
    // An empty input changes nothing at all.
    expect(expectOk(await update(user, {}))).toEqual({ ...fullStored, phone: '+14155550123', gender: 'OTHER' });
  });

  it('clears a field given an explicit null and leaves the others', async () => {
    const user = await stack.createUser();
    expectOk(await update(user, full));
    expectOk(await update(user, { avatarUrl: null, birthDate: null, gender: null, language: null }));
    expect(await readBack(user)).toEqual({
      ...fullStored,
      avatarUrl: null,
      birthDate: null,
      gender: null,
      language: null,
    });
  });

  const refused: [field: string, value: string][] = [
    ['phone', '0912345678'],
    ['phone', '+886 912 345 678'],
    ['phone', '+0912345678'],
    ['phone', '+1234567'],
    ['birthDate', '2023-02-30'],
    ['birthDate', '1990-5-17'],
    ['birthDate', '1899-12-31'],
    ['birthDate', isoDateInDays(3)],
    ['language', 'en_US'],
    ['language', 'not a tag'],
    ['currency', 'ABC'],
    ['currency', 'US'],
    ['avatarUrl', '/avatars/1.png'],
    ['avatarUrl', 'ftp://cdn.example.com/1.png'],
    ['avatarUrl', 'javascript:alert(1)'],
    ['avatarUrl', `https://cdn.example.com/${'a'.repeat(2048)}`],
  ];

  it.each(refused)('refuses %s %j with VALIDATION_FAILED and changes nothing', async (field, value) => {
    const user = await stack.createUser();
    expectOk(await update(user, full));
    // A valid change alongside the bad one must not be applied either.
    const response = await update(user, { currency: 'EUR', [field]: value });
    expect(response.data).toBeNull();
    const extensions = response.errors?.[0]?.extensions;
    expect(extensions).toMatchObject({ code: 'VALIDATION_FAILED', http: { status: 422 } });
    expect(fieldsOf(extensions)).toEqual([field]);
    expect(await readBack(user)).toEqual(fullStored);
  });

  it('creates no profile when the first update is refused', async () => {
    const user = await stack.createUser();
    const response = await update(user, { language: 'en', phone: 'call me' });
    expect(response.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_FAILED');
    expect(await readBack(user)).toBeNull();
  });

  it('names every bad field at once', async () => {
    const user = await stack.createUser();
    const response = await update(user, { phone: 'nope', currency: 'nope', birthDate: '2023-02-30' });
    expect(response.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_FAILED');
    expect(fieldsOf(response.errors?.[0]?.extensions).sort()).toEqual(['birthDate', 'currency', 'phone']);
  });

  it('refuses anonymous callers with UNAUTHENTICATED', async () => {
    const response = await update(undefined, { currency: 'ISK' });
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    expect(await stack.subgraphs.member.database.fork().count(MemberProfile, { currency: 'ISK' })).toBe(0);
  });

  it("updates only the caller's own profile, which nobody else can read", async () => {
    const alice = await stack.createUser();
    const bob = await stack.createUser();
    expectOk(await update(alice, { language: 'fr' }));
    expect(await readBack(bob)).toBeNull();
    const asBob = await stack.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { memberProfile { language } } } }',
      {
        url: stack.subgraphs.member.url,
        token: bob.token,
        variables: { r: [{ __typename: 'User', id: alice.id, tenantId: alice.tenantId }] },
      },
    );
    expect(asBob.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('lets concurrent first updates all succeed and leaves one row', async () => {
    const user = await stack.createUser();
    const languages = ['en', 'fr', 'de', 'ja', 'ko', 'it', 'es', 'nl', 'sv', 'da'];
    const updates = languages.map((language, i) => ({ language, phone: `+88691234560${i}` }));
    const responses = await Promise.all(updates.map((input) => update(user, input)));
    for (const response of responses) expectOk(response);
    expect(await stack.subgraphs.member.database.fork().count(MemberProfile, { userId: user.id })).toBe(1);
    // Each update wrote both fields, one after the other: what remains is one whole update.
    const stored = await readBack(user);
    expect(updates).toContainEqual({ language: stored?.language, phone: stored?.phone });
  });

  // The embedded database runs one transaction at a time, so the race exists only on a real server.
  it.runIf(realDatabaseUrl !== undefined)(
    'waits for a first insert still in flight instead of failing on the duplicate key',
    async () => {
      const user = await stack.createUser();
      const other = new pg.Client({ connectionString: stack.databaseUrl });
      await other.connect();
      try {
        // Another first update has inserted the row but not committed: ours cannot see it yet.
        await other.query('begin');
        await other.query(
          `insert into member.member_profile (user_id, tenant_id, language, created_at, updated_at)
           values ($1, $2, 'fr', now(), now())`,
          [user.id, user.tenantId],
        );
        let settled = false;
        const ours = update(user, { phone: '+886912345678' }).finally(() => (settled = true));
        const blocked = async () =>
          (
            await other.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'`,
            )
          ).rows[0]?.n ?? 0;
        for (let i = 0; i < 100 && !settled && (await blocked()) === 0; i += 1)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await other.query('commit');
        expect(expectOk(await ours)).toMatchObject({ language: 'fr', phone: '+886912345678' });
      } finally {
        await other.end();
      }
    },
  );
});
