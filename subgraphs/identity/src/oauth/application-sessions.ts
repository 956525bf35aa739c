import type { FilterQuery } from '@mikro-orm/postgresql';
import type { EntityManager } from '../../../../lib/db/orm.js';
import type { SessionService } from '../session/session.service.js';
import { ApplicationSession } from './application-session.entity.js';

/**
 * Ends the live sessions an application holds (for one user, or for everyone): their access tokens
 * are refused by the gateway and their refresh tokens stop working. Returns how many ended.
 */
export async function revokeApplicationSessions(
  em: EntityManager,
  sessions: SessionService,
  where: { readonly application: string; readonly user?: string },
  reason: string,
): Promise<number> {
  const filter: FilterQuery<ApplicationSession> = {
    application: where.application,
    ...(where.user ? { user: where.user } : {}),
    session: { revokedAt: null, expiresAt: { $gt: new Date() } },
  };
  const live = await em.find(ApplicationSession, filter, { populate: ['session'] });
  for (const grant of live) await sessions.revokeSession(em, grant.session.getEntity(), reason);
  return live.length;
}

/**
 * Whether a session is an application's. Its tokens act for the user inside the granted scopes only:
 * they must not approve authorizations (an application widening its own consent) or manage them.
 */
export async function isApplicationSession(em: EntityManager, sessionId: string): Promise<boolean> {
  return (await em.count(ApplicationSession, { session: sessionId })) > 0;
}
