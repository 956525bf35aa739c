import type { Principal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { IdTokenSigningAlgorithm } from '../../../../lib/oidc/id-token-algorithms.js';
import { CLAIM_RULES, claimsOfScopes, type ProfileClaim, type ReleasedClaims } from '../../../../lib/oidc/claims.js';
import type { ReleaseSeals } from '../../../../lib/oidc/release-seal.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import { ApplicationSession } from '../oauth/application-session.entity.js';
import { UserAccount } from '../user/user.entity.js';
import { isOpenIdGrant } from './id-token.js';

/** What the token endpoint decided for an ID token; signed as is once the member's claims are in. */
export interface IdTokenFacts {
  readonly userId: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly nonce: string | null;
  readonly accessTokenHash: string;
  /** The application's registered algorithm. */
  readonly algorithm: IdTokenSigningAlgorithm;
}

/**
 * OpenID Connect's claims, identity's half. A claim is released when the scopes name it, the user
 * approved it on a consent page (the grant's claims), and the member's flag allows it (member's
 * sealed answer); its value comes from whichever subgraph holds it. Nothing is null-filled: a claim
 * without a value is left out.
 */
export class OpenIdReleaseService {
  constructor(
    private readonly seals: ReleaseSeals,
    private readonly signingKeys: SigningKeyService,
  ) {}

  /** The ticket of a token response's ID token: the grant's approved claims the token's scopes name. */
  ticketForTokens(facts: IdTokenFacts, scopes: readonly string[], approved: readonly string[]): string | null {
    if (!isOpenIdGrant(scopes)) return null;
    const { userId, clientId, ...idToken } = facts;
    return this.seals.sealTicket({
      userId,
      clientId,
      claims: approvedOf(scopes, approved),
      idToken: { ...idToken, amr: [...idToken.amr] },
    });
  }

  /**
   * The ticket of a userinfo answer for an application's access token with `openid`: its grant's
   * approved claims, narrowed by the token's scopes. Any other token is refused.
   */
  async ticketForUserInfo(em: EntityManager, principal: Principal): Promise<string> {
    if (principal.kind !== 'user' || !principal.clientId || !isOpenIdGrant(principal.scopes)) {
      throw new AppError('FORBIDDEN', 'userinfo needs an access token granted openid');
    }
    const grant = await em.findOne(ApplicationSession, { session: principal.sessionId });
    if (!grant) throw new AppError('FORBIDDEN', 'userinfo needs an access token granted openid');
    return this.seals.sealTicket({
      userId: principal.userId,
      clientId: principal.clientId,
      claims: approvedOf(principal.scopes, grant.claims),
      idToken: null,
    });
  }

  /** What a consent page would share if the user allows these scopes: every claim they name, before flags. */
  ticketForPreview(userId: string, clientId: string, scopes: readonly string[]): string | null {
    if (!isOpenIdGrant(scopes)) return null;
    return this.seals.sealTicket({ userId, clientId, claims: claimsOfScopes(scopes), idToken: null });
  }

  /** The released claims of a ticket, with member's sealed answer; `sub` first. */
  async claims(em: EntityManager, sealedTicket: string, memberClaims: unknown): Promise<Record<string, unknown>> {
    const { ticket, released } = await this.release(em, sealedTicket, memberClaims);
    return { sub: ticket.userId, ...released };
  }

  /** The ID token of a token response's ticket; null for another ticket. */
  async idToken(em: EntityManager, sealedTicket: string, memberClaims: unknown): Promise<string | null> {
    const { ticket, released } = await this.release(em, sealedTicket, memberClaims);
    if (!ticket.idToken || !ticket.clientId) return null;
    return this.signingKeys.signIdToken({
      ...ticket.idToken,
      userId: ticket.userId,
      clientId: ticket.clientId,
      profile: released,
    });
  }

  private async release(em: EntityManager, sealedTicket: string, memberClaims: unknown) {
    const ticket = this.seals.openTicket(sealedTicket);
    if (!ticket) throw new AppError('INVALID_TOKEN', 'The OpenID ticket is invalid or has expired');
    const answer = this.seals.openAnswer(memberClaims, ticket);
    // Fail closed: without the member's word, no flag can be known to allow anything.
    if (!answer) throw new AppError('SERVICE_UNAVAILABLE', "The member's sharing settings could not be read");
    const allowed = ticket.claims.filter((claim) => answer.allowed.includes(claim));
    const account = await em.findOne(UserAccount, { id: ticket.userId, deletedAt: null });
    if (!account) throw new AppError('INVALID_TOKEN', 'The user no longer exists');
    const released: ReleasedClaims = {};
    for (const claim of allowed) {
      const value =
        CLAIM_RULES[claim].owner === 'member'
          ? answer.values[claim]
          : identityValue(claim, account, answer.profileUpdatedAt);
      if (value !== undefined) released[claim] = value;
    }
    return { ticket, released };
  }
}

/** The grant's approved claims that these scopes name, in canonical order. */
function approvedOf(scopes: readonly string[], approved: readonly string[]): ProfileClaim[] {
  return claimsOfScopes(scopes).filter((claim) => approved.includes(claim));
}

function identityValue(
  claim: ProfileClaim,
  account: UserAccount,
  profileUpdatedAt: number | null,
): string | number | boolean | undefined {
  switch (claim) {
    case 'name':
      return account.displayName ?? undefined;
    case 'preferred_username':
      return account.username ?? undefined;
    case 'email':
      return account.email;
    case 'email_verified':
      // Proved by a verification link or code, or a password reset link sent there (User.emailVerified).
      return account.emailVerifiedAt != null;
    case 'updated_at':
      return Math.max(Math.floor(account.updatedAt.getTime() / 1000), profileUpdatedAt ?? 0);
    default:
      return undefined;
  }
}
