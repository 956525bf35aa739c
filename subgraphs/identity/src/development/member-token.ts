import express, { type Express } from 'express';
import { z } from 'zod';
import type { EntityManager, SubgraphDatabase } from '../../../../lib/db/orm.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { originFromGateway } from '../../../../lib/http/origin.js';
import type { IssuedAccessToken, SigningKeyService } from '../keys/signing-key.service.js';
import type { SessionService } from '../session/session.service.js';
import { UserAccount } from '../user/user.entity.js';

/** identity's private path for the gateway's development fallback (seed 003 `X-Tenant-ID` + `X-UID`). */
export const DEVELOPMENT_MEMBER_TOKEN_PATH = '/development/member-token';

/** RFC 8176 leaves room for local methods: this session was opened by naming the member, nothing more. */
export const DEVELOPMENT_AMR = 'dev';

export interface DevelopmentTokenDeps {
  readonly sessions: SessionService;
  readonly signingKeys: SigningKeyService;
}

/**
 * Opens a real session for an active account of that tenant and signs its access token, so that the
 * subgraphs verify it like any other and revoking the user's sessions reaches it. Null when the
 * account is unknown, inactive or of another tenant (the caller cannot tell which).
 */
export async function issueDevelopmentMemberToken(
  em: EntityManager,
  deps: DevelopmentTokenDeps,
  member: { readonly tenantId: string; readonly userId: string },
  origin: RequestOrigin,
): Promise<IssuedAccessToken | null> {
  const account = await em.findOne(UserAccount, { id: member.userId, tenant: member.tenantId, deletedAt: null });
  if (!account?.isActive) return null;
  const { session } = deps.sessions.open(em, account, [DEVELOPMENT_AMR], origin);
  await em.flush();
  // Signed after the commit, as sign-in does: the signing key is read on another connection.
  return deps.signingKeys.signAccessToken({
    userId: account.id,
    tenantId: member.tenantId,
    role: account.role,
    sessionId: session.id,
    scopes: [],
    amr: session.amr,
    authTime: Math.floor(session.authTime.getTime() / 1000),
  });
}

// Loose 8-4-4-4-12 hex: anything else would only fail as a uuid cast in PostgreSQL.
const memberRequest = z.object({ tenantId: z.guid(), userId: z.guid() });

/**
 * `POST /development/member-token {tenantId, userId}` on identity's private port. Registered only
 * when NODE_ENV=development (definition.ts); the gateway never exposes it.
 */
export function developmentMemberTokenRoute(
  app: Express,
  deps: DevelopmentTokenDeps & { readonly database: SubgraphDatabase },
): void {
  app.post(DEVELOPMENT_MEMBER_TOKEN_PATH, express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const parsed = memberRequest.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ outcome: 'malformed' });
        return;
      }
      const issued = await issueDevelopmentMemberToken(
        deps.database.fork(),
        deps,
        parsed.data,
        originFromGateway(req.headers),
      );
      if (!issued) {
        res.status(401).json({ outcome: 'unknown_member' });
        return;
      }
      res.json({ outcome: 'ok', accessToken: issued.token, expiresIn: issued.expiresIn });
    } catch (error) {
      next(error);
    }
  });
}
