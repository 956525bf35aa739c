import { LockMode } from '@mikro-orm/postgresql';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { SessionService } from '../session/session.service.js';
import { isApplicationSession, revokeApplicationSessions } from './application-sessions.js';
import { OAuthApplication } from './application.entity.js';
import { AuthorizationCode } from './authorization-code.entity.js';
import { ApplicationConsent } from './consent.entity.js';

/** The user's side of authorizations: what they allowed, and taking it back. */
export class ConsentService {
  constructor(private readonly sessions: SessionService) {}

  async list(em: EntityManager, user: UserPrincipal): Promise<ApplicationConsent[]> {
    await this.refuseApplicationTokens(em, user);
    return em.find(
      ApplicationConsent,
      { user: user.userId, application: { deletedAt: null } },
      { populate: ['application'], orderBy: { authorizedAt: 'desc', id: 'asc' } },
    );
  }

  /**
   * Withdraws the consent: codes not yet exchanged are voided and every session the application
   * holds for the user ends, so its access and refresh tokens stop working at once. The consent row
   * is locked as a code exchange locks it (TokenService.redeemCode): an exchange in flight commits
   * first and its session is ended here, or it waits and finds the consent gone.
   */
  async revoke(em: EntityManager, user: UserPrincipal, applicationId: string, origin: RequestOrigin): Promise<void> {
    await this.refuseApplicationTokens(em, user);
    const notAuthorized = () => new AppError('NOT_FOUND', 'This application is not authorized');
    if (!isUuid(applicationId)) throw notAuthorized();
    await em.transactional(async (tx) => {
      const consent = await tx.findOne(
        ApplicationConsent,
        { user: user.userId, application: applicationId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!consent) throw notAuthorized();
      const application = await tx.findOne(OAuthApplication, { id: applicationId, deletedAt: null });
      if (!application) throw notAuthorized();
      tx.remove(consent);
      await tx.nativeDelete(AuthorizationCode, { user: user.userId, application: applicationId, usedAt: null });
      await revokeApplicationSessions(
        tx,
        this.sessions,
        { application: applicationId, user: user.userId },
        'consent_revoked',
      );
      recordEvent(tx, {
        type: 'application.revoked',
        tenantId: user.tenantId,
        actorUserId: user.userId,
        subjectUserId: user.userId,
        origin,
        payload: { applicationId, name: application.name },
      });
    });
  }

  private async refuseApplicationTokens(em: EntityManager, user: UserPrincipal): Promise<void> {
    if (await isApplicationSession(em, user.sessionId)) {
      throw new AppError('FORBIDDEN', "An application's token cannot manage authorizations");
    }
  }
}
