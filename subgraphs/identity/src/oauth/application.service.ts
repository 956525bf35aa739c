import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { SessionService } from '../session/session.service.js';
import { checkApplication, checkChanges, type ApplicationChanges, type ApplicationInput } from './application-rules.js';
import { OAuthApplication } from './application.entity.js';
import { revokeApplicationSessions } from './application-sessions.js';
import { mintClientId, mintClientSecret } from './client-credentials.js';
import type { RedirectUriPolicy } from './redirect-uri.js';

export interface IssuedApplicationSecret {
  readonly application: OAuthApplication;
  /** Shown once; only its hash is kept. Null for a public client, which has none. */
  readonly clientSecret: string | null;
}

/**
 * Registration of OAuth applications. System admins manage every application; a group admin manages
 * those registered in its own tenant (seed 004 says "Admin only", which names both roles).
 */
export class ApplicationService {
  constructor(
    private readonly sessions: SessionService,
    private readonly policy: RedirectUriPolicy,
  ) {}

  list(em: EntityManager, admin: UserPrincipal): Promise<OAuthApplication[]> {
    return em.find(
      OAuthApplication,
      { deletedAt: null, ...this.tenantScope(admin) },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
  }

  async get(em: EntityManager, admin: UserPrincipal, id: string): Promise<OAuthApplication> {
    const application = isUuid(id)
      ? await em.findOne(OAuthApplication, { id, deletedAt: null, ...this.tenantScope(admin) })
      : null;
    if (!application) throw new AppError('NOT_FOUND', 'No such application');
    return application;
  }

  /** Any application by id, for its public face (PublicApplication); deleted ones are unknown. */
  async getPublic(em: EntityManager, id: string): Promise<OAuthApplication> {
    const application = isUuid(id) ? await em.findOne(OAuthApplication, { id, deletedAt: null }) : null;
    if (!application) throw new AppError('NOT_FOUND', 'No such application');
    return application;
  }

  async create(
    em: EntityManager,
    admin: UserPrincipal,
    input: ApplicationInput,
    origin: RequestOrigin,
  ): Promise<IssuedApplicationSecret> {
    const checked = checkApplication(input, this.policy);
    const clientType = input.clientType ?? 'confidential';
    const secret = clientType === 'confidential' ? mintClientSecret() : undefined;
    const application = em.create(OAuthApplication, {
      ...checked,
      clientId: mintClientId(),
      clientType,
      ...(secret ? secret.stored : {}),
      ownerId: admin.userId,
      tenantId: admin.tenantId,
    });
    this.record(em, 'application.created', admin, application, origin);
    await em.flush();
    return { application, clientSecret: secret?.secret ?? null };
  }

  async update(
    em: EntityManager,
    admin: UserPrincipal,
    id: string,
    changes: ApplicationChanges,
    origin: RequestOrigin,
  ): Promise<OAuthApplication> {
    const application = await this.get(em, admin, id);
    Object.assign(application, checkChanges(changes, this.policy));
    this.record(em, 'application.updated', admin, application, origin);
    await em.flush();
    return application;
  }

  /** Soft delete; every session the application holds ends, so its tokens stop working at once. */
  async delete(em: EntityManager, admin: UserPrincipal, id: string, origin: RequestOrigin): Promise<void> {
    const application = await this.get(em, admin, id);
    application.deletedAt = new Date();
    await revokeApplicationSessions(em, this.sessions, { application: application.id }, 'application_deleted');
    this.record(em, 'application.deleted', admin, application, origin);
    await em.flush();
  }

  /** A new secret; the old one is refused from this commit on. Issued tokens are not affected. */
  async regenerateSecret(
    em: EntityManager,
    admin: UserPrincipal,
    id: string,
    origin: RequestOrigin,
  ): Promise<IssuedApplicationSecret> {
    const application = await this.get(em, admin, id);
    if (application.clientType === 'public') throw new AppError('CONFLICT', 'A public client has no secret');
    const secret = mintClientSecret();
    Object.assign(application, secret.stored, { secretRotatedAt: new Date() });
    this.record(em, 'application.updated', admin, application, origin, { secretRegenerated: true });
    await em.flush();
    return { application, clientSecret: secret.secret };
  }

  private tenantScope(admin: UserPrincipal): { tenantId?: string } {
    if (admin.role === 'SYSTEM_ADMIN') return {};
    if (admin.role === 'GROUP_ADMIN') return { tenantId: admin.tenantId };
    throw new AppError('FORBIDDEN');
  }

  /** The admin statistics read `applicationId` and `name` from these payloads. */
  private record(
    em: EntityManager,
    type: 'application.created' | 'application.updated' | 'application.deleted',
    admin: UserPrincipal,
    application: OAuthApplication,
    origin: RequestOrigin,
    extra: { secretRegenerated?: true } = {},
  ): void {
    recordEvent(em, {
      type,
      tenantId: application.tenantId,
      actorUserId: admin.userId,
      origin,
      payload: { applicationId: application.id, name: application.name, clientId: application.clientId, ...extra },
    });
  }
}
