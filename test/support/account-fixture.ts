import { recordEvent } from '../../lib/events/record.js';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../lib/auth/principal.js';
import type { SubgraphDatabase } from '../../lib/db/orm.js';
import type { SigningKeyService } from '../../subgraphs/identity/src/keys/signing-key.service.js';
import { Session } from '../../subgraphs/identity/src/session/session.entity.js';
import { SESSION_MAX_AGE_MS } from '../../subgraphs/identity/src/session/session.service.js';
import { DEFAULT_TENANT_SLUG, Tenant } from '../../subgraphs/identity/src/tenant/tenant.entity.js';
import { hashPassword } from '../../subgraphs/identity/src/user/password.js';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';

export interface FixtureAccount {
  readonly id: string;
  readonly email: string;
  readonly tenantId: string;
  readonly role: Role;
  /** A signed access token for this account, as a login would issue. */
  readonly token: string;
}

/**
 * For tests and benchmarks only: inserts an account straight into identity's tables (creating its
 * tenant when needed) and signs an access token for it, skipping sign-up and sign-in.
 */
export async function insertAccountWithToken(
  identity: { readonly database: SubgraphDatabase; readonly signingKeys: SigningKeyService },
  options: { role?: Role; tenantSlug?: string; email?: string; password?: string } = {},
): Promise<FixtureAccount> {
  const em = identity.database.fork();
  const slug = options.tenantSlug ?? DEFAULT_TENANT_SLUG;
  const tenant = (await em.findOne(Tenant, { slug })) ?? em.create(Tenant, { slug, name: slug });
  const account = em.create(UserAccount, {
    email: options.email ?? `user-${randomUUID()}@example.com`,
    tenant,
    role: options.role ?? 'USER',
    ...(options.password ? { passwordHash: await hashPassword(options.password) } : {}),
  });
  // Counted like any other account (statistics, audit log).
  recordEvent(em, {
    type: 'user.created',
    tenantId: tenant.id,
    subjectUserId: account.id,
    payload: { email: account.email, role: account.role, via: 'fixture' },
  });
  await em.persistAndFlush(account);
  const token = await signInFixture(identity, { id: account.id, tenantId: tenant.id, role: account.role });
  return { id: account.id, email: account.email, tenantId: tenant.id, role: account.role, token };
}

/**
 * For tests only: opens a real session for an existing account (one made by provisioning, say, which
 * has no password to sign in with) and signs an access token on it, as a sign-in would. Revoking
 * the user's sessions reaches this token too.
 */
export async function signInFixture(
  identity: { readonly database: SubgraphDatabase; readonly signingKeys: SigningKeyService },
  account: { readonly id: string; readonly tenantId: string; readonly role: Role },
): Promise<string> {
  const em = identity.database.fork();
  const session = em.create(Session, {
    user: em.getReference(UserAccount, account.id),
    amr: ['pwd'],
    authTime: new Date(),
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE_MS),
  });
  await em.persistAndFlush(session);
  const { token } = await identity.signingKeys.signAccessToken({
    userId: account.id,
    tenantId: account.tenantId,
    role: account.role,
    sessionId: session.id,
    scopes: [],
    amr: ['pwd'],
    authTime: Math.floor(Date.now() / 1000),
  });
  return token;
}
