import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import { PermissionGrant } from '../../subgraphs/catalog/src/permission/permission-grant.entity.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { ProfilePicture } from '../../subgraphs/member/src/picture/profile-picture.entity.js';
import { MemberProfile } from '../../subgraphs/member/src/profile/member-profile.entity.js';
import {
  VerificationChallenge,
  VerificationPurpose,
} from '../../subgraphs/member/src/verification/verification-challenge.entity.js';
import { call } from '../rest/oauth-client.js';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../support/stack.js';

/**
 * Issue 13 point 6: `deleteUser` erases the account everywhere. Identity's `user.deleted` reaches the
 * member subgraph (profile, picture, verification challenges go) and catalog (the subject's grants
 * go, each with permission.revoked), reliably: twice is harmless, a consumer that failed gets it later.
 */
let stack: TestStack;
let admin: TestUser;
let keys: { systemKey: string; moduleKey: string; companyKey: string; siteKey: string };

function ok<T>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

const run = <T>(query: string, variables: Record<string, unknown> = {}) =>
  stack.graphql<T>(query, { token: admin.token, variables });

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  const top = ok(
    await run<{ s: { systemKey: string }; c: { companyKey: string } }>(
      'mutation { s: createSystem(input: { name: "Billing" }) { systemKey } c: createCompany(input: { name: "Acme" }) { companyKey } }',
    ),
  );
  const below = ok(
    await run<{ m: { moduleKey: string }; site: { siteKey: string } }>(
      `mutation ($s: String!, $c: String!) {
         m: createModule(input: { systemKey: $s, name: "Invoices" }) { moduleKey }
         site: createSite(input: { companyKey: $c, name: "Seoul" }) { siteKey }
       }`,
      { s: top.s.systemKey, c: top.c.companyKey },
    ),
  );
  keys = { ...top.s, ...top.c, ...below.m, ...below.site };
});
afterAll(async () => {
  await stack?.stop();
});

const BUSINESS_EMAIL = () => `work-${randomUUID()}@corp.example`;

/** An account signed in through an external IdP, with data in every subgraph. */
async function accountWithData() {
  const user = await stack.createUser();
  const sub = `ext-${randomUUID()}`;
  // The name is identity's (issue 13 point 5); member holds the rest of the profile.
  await stack.subgraphs.identity.database
    .fork()
    .nativeUpdate(UserAccount, { id: user.id }, { externalSub: sub, displayName: 'Ada Member' });
  const businessEmail = BUSINESS_EMAIL();
  const em = stack.subgraphs.member.database.fork();
  const bytes = Buffer.from('a picture of the member');
  em.create(MemberProfile, {
    userId: user.id,
    tenantId: user.tenantId,
    phone: '+821012345678',
    birthDate: '1990-01-02',
    businessEmail,
    businessEmailVerifiedAt: new Date(),
    businessPhone: '+821087654321',
  });
  em.create(ProfilePicture, {
    userId: user.id,
    tenantId: user.tenantId,
    contentType: 'image/png',
    bytes,
    byteLength: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  em.create(VerificationChallenge, {
    userId: user.id,
    tenantId: user.tenantId,
    purpose: VerificationPurpose.BUSINESS_PHONE,
    target: '+821000000000',
    codeHash: 'hash',
    expiresAt: new Date(Date.now() + 600_000),
  });
  await em.flush();
  for (const scope of [
    { scopeType: 'SITE', scopeId: keys.siteKey },
    { scopeType: 'COMPANY', scopeId: keys.companyKey },
  ]) {
    ok(
      await run('mutation ($i: GrantPermissionInput!) { grantPermission(input: $i) { id } }', {
        i: { userSub: sub, ...scope, systemKey: keys.systemKey, moduleKey: keys.moduleKey, actions: ['view'] },
      }),
    );
  }
  return { user, sub, businessEmail };
}

async function memberRows(userId: string): Promise<number[]> {
  const em = stack.subgraphs.member.database.fork();
  return [
    await em.count(MemberProfile, { userId }),
    await em.count(ProfilePicture, { userId }),
    await em.count(VerificationChallenge, { userId }),
  ];
}

const grantCount = (sub: string) => stack.subgraphs.catalog.database.fork().count(PermissionGrant, { userSub: sub });

const deleteUser = async (userId: string) =>
  ok(await run('mutation ($id: ID!) { deleteUser(userId: $id) }', { id: userId }));

async function auditActions(userId: string): Promise<{ action: string; details: Record<string, unknown> }[]> {
  const response = await call(stack, 'GET', `/api/v1/admin/audit-logs?user_id=${userId}&limit=100`, {
    token: admin.token,
  });
  expect(response.status).toBe(200);
  return response.body['items'] as { action: string; details: Record<string, unknown> }[];
}

describe('deleteUser erases the account in every subgraph', () => {
  it('leaves no profile, picture, challenge or grant, and the snapshot of its subject empty', async () => {
    const { user, sub, businessEmail } = await accountWithData();
    expect(await memberRows(user.id)).toEqual([1, 1, 1]);
    expect(await grantCount(sub)).toBe(2);

    await deleteUser(user.id);
    await stack.drainEvents();

    expect(await memberRows(user.id)).toEqual([0, 0, 0]);
    expect(await grantCount(sub)).toBe(0);
    const snapshot = ok(
      await run<{ permissionSnapshot: { userSub: string; permissions: unknown[] } }>(
        'query ($s: String!) { permissionSnapshot(userSub: $s) { userSub permissions { systemKey } } }',
        { s: sub },
      ),
    );
    expect(snapshot.permissionSnapshot).toEqual({ userSub: sub, permissions: [] });
    // No schema's table still holds the business address or the phone numbers.
    for (const name of ['member', 'catalog', 'admin'] as const) {
      const em = stack.subgraphs[name].database.fork();
      const schema = String(em.config.get('schema'));
      const tables = await em.execute<{ table_name: string }[]>(
        `select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'`,
        [schema],
      );
      for (const { table_name } of tables) {
        const [row] = await em.execute<{ n: string }[]>(
          `select count(*) as n from "${schema}"."${table_name}" t
           where t::text like ? or t::text like ? or t::text like ?`,
          [`%${businessEmail}%`, '%+821012345678%', '%+821087654321%'],
        );
        expect({ table: `${schema}.${table_name}`, rows: Number(row!.n) }).toEqual({
          table: `${schema}.${table_name}`,
          rows: 0,
        });
      }
    }
    // The audit log keeps ids: the deletion and each grant that went with it.
    const actions = await auditActions(user.id);
    expect(actions.filter((entry) => entry.action === 'user.deleted')).toHaveLength(1);
    const revoked = actions.filter((entry) => entry.action === 'permission.revoked');
    expect(revoked).toHaveLength(2);
    expect(revoked.every((entry) => entry.details['reason'] === 'account_deleted')).toBe(true);
  });

  it('applies the same user.deleted delivered twice once', async () => {
    const { user, sub } = await accountWithData();
    await deleteUser(user.id);
    await stack.drainEvents();
    const before = await auditActions(user.id);

    // A relay that died after sending offers the event again, to every consumer.
    const identity = stack.subgraphs.identity.database.fork();
    const event = await identity.findOneOrFail(OutboxEvent, { type: 'user.deleted', subjectUserId: user.id });
    await identity.nativeUpdate(OutboxEvent, { id: event.id }, { publishedAt: null, claimedUntil: null });
    // The drain or the relay's own poll (due any moment after deleteUser's wake) sends it: either
    // way it went out again once the drain returns, since the drain waits for a batch in flight.
    await stack.drainEvents();
    const resent = await identity.fork().findOneOrFail(OutboxEvent, { id: event.id });
    expect(resent.publishedAt).not.toBeNull();

    expect(await memberRows(user.id)).toEqual([0, 0, 0]);
    expect(await grantCount(sub)).toBe(0);
    expect(await auditActions(user.id)).toEqual(before);
  });

  it('reaches a consumer that failed the first delivery later, while the others go on', async () => {
    const { user, sub } = await accountWithData();
    const member = stack.subgraphs.member.database.fork();
    const schema = String(member.config.get('schema'));
    // The member subgraph cannot apply it for now: its ingest answers 503.
    await member.execute(`alter table "${schema}"."profile_picture" rename to "profile_picture_away"`);
    try {
      await deleteUser(user.id);
      await expect(stack.drainEvents()).rejects.toThrow(/member answered 503/);
      expect(await member.count(MemberProfile, { userId: user.id })).toBe(1);
      expect(await grantCount(sub)).toBe(0);
      const identity = stack.subgraphs.identity.database.fork();
      const event = await identity.findOneOrFail(OutboxEvent, { type: 'user.deleted', subjectUserId: user.id });
      expect(event.publishedAt).toBeNull();
    } finally {
      await member.execute(`alter table "${schema}"."profile_picture_away" rename to "profile_picture"`);
    }

    await stack.drainEvents();
    expect(await memberRows(user.id)).toEqual([0, 0, 0]);
    const event = await stack.subgraphs.identity.database
      .fork()
      .findOneOrFail(OutboxEvent, { type: 'user.deleted', subjectUserId: user.id });
    expect(event.publishedAt).not.toBeNull();
    expect((await auditActions(user.id)).filter((entry) => entry.action === 'user.deleted')).toHaveLength(1);
  });
});
