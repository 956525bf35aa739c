import { compactVerify, type JWTVerifyGetKey } from 'jose';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { ID_TOKEN_SIGNING_ALGORITHMS } from '../../../../lib/oidc/id-token-algorithms.js';
import { oauthError } from '../oauth/oauth-error.js';
import { ApplicationSession } from '../oauth/application-session.entity.js';
import { findActiveApplication } from '../oauth/authorization.service.js';
import { isRegisteredRedirectUri, redirectWith } from '../oauth/redirect-uri.js';
import type { SessionService } from '../session/session.service.js';

/** OpenID Connect RP-Initiated Logout 1.0 §2: what the relying party sends to the end-session endpoint. */
export interface EndSessionRequest {
  readonly idTokenHint?: string | null;
  readonly clientId?: string | null;
  readonly postLogoutRedirectUri?: string | null;
  readonly state?: string | null;
}

export interface EndSessionOutcome {
  /** The registered post-logout URI with `state`; null: show a page, never redirect. */
  readonly redirectTo: string | null;
  /** The user the ID token named (the hosted session is ended only if it is theirs); null without one. */
  readonly subject: string | null;
  /** Whether the application's grant of the hint's `sid` was ended now. */
  readonly grantEnded: boolean;
}

interface HintClaims {
  readonly sub: string;
  readonly aud: string;
  readonly sid: string;
}

/**
 * The end-session endpoint's rules. Everything is checked before anything is done, and a problem is
 * answered to the person (never redirected): a hint we did not sign, of another issuer or of another
 * client than `client_id`, or a post-logout URI the application did not register.
 */
export class EndSessionService {
  constructor(
    private readonly issuer: string,
    private readonly keys: JWTVerifyGetKey,
    private readonly sessions: SessionService,
  ) {}

  async end(em: EntityManager, request: EndSessionRequest): Promise<EndSessionOutcome> {
    const invalid = (description: string, parameter: string) =>
      oauthError('invalid_request', description, { parameter });
    const hint = request.idTokenHint ? await this.verifyHint(request.idTokenHint) : undefined;
    if (request.idTokenHint && !hint) throw invalid('id_token_hint is not an ID token of this issuer', 'id_token_hint');
    if (hint && request.clientId && request.clientId !== hint.aud) {
      throw invalid('id_token_hint was issued to another client than client_id', 'id_token_hint');
    }
    const clientId = hint?.aud ?? request.clientId ?? null;
    const application = clientId ? await findActiveApplication(em, clientId) : null;
    if (clientId && !application) throw invalid('client_id is not a registered client', 'client_id');
    let redirectTo: string | null = null;
    if (request.postLogoutRedirectUri) {
      if (!application || !isRegisteredRedirectUri(application.postLogoutRedirectUris, request.postLogoutRedirectUri)) {
        throw invalid('post_logout_redirect_uri is not registered for this client', 'post_logout_redirect_uri');
      }
      redirectTo = redirectWith(request.postLogoutRedirectUri, { state: request.state ?? null });
    }
    let grantEnded = false;
    if (hint && application) {
      grantEnded = await em.transactional(async (tx) => {
        const grant = await tx.findOne(
          ApplicationSession,
          { session: hint.sid, application: application.id, user: hint.sub },
          { populate: ['session'] },
        );
        const session = grant?.session.getEntity();
        if (!session || this.sessions.hasEnded(session, new Date())) return false;
        await this.sessions.revokeSession(tx, session, 'rp_logout');
        return true;
      });
    }
    return { redirectTo, subject: hint?.sub ?? null, grantEnded };
  }

  /**
   * Our signature under either ID-token algorithm, `typ` and issuer. An expired ID token is still a good hint (RP-Initiated
   * Logout §2: the relying party may well hold only that), so `exp` is not checked.
   */
  private async verifyHint(token: string): Promise<HintClaims | undefined> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, this.keys, {
        algorithms: [...ID_TOKEN_SIGNING_ALGORITHMS],
      });
      if (protectedHeader.typ !== 'JWT') return undefined;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const { iss, sub, aud, sid } = claims;
      if (iss !== this.issuer || typeof sub !== 'string' || typeof aud !== 'string' || typeof sid !== 'string') {
        return undefined;
      }
      return { sub, aud, sid };
    } catch {
      return undefined;
    }
  }
}
