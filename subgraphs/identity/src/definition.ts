import { createAccessTokenVerifier, VERIFIED_TOKEN_CACHE } from '../../../lib/auth/access-token.js';
import { createRefreshTokenTags } from '../../../lib/auth/refresh-token-tag.js';
import { RevocationFeed } from '../../../lib/auth/revocation-feed.js';
import { createKeyedHasher } from '../../../lib/crypto/keyed-hash.js';
import { createSecretBox } from '../../../lib/crypto/secret-box.js';
import { RETAIN_EXPIRED_DAYS, retainFor } from '../../../lib/db/retention.js';
import { createCodeDelivery } from '../../../lib/delivery/code-delivery.js';
import { OutboxEvent } from '../../../lib/events/outbox-event.entity.js';
import type { SubgraphDefinition } from '../../../lib/subgraph-runtime/subgraph-definition.js';
import { UserAdminService } from './admin/user-admin.service.js';
import { ApiClient } from './api-client/api-client.entity.js';
import { ApiClientService } from './api-client/api-client.service.js';
import { apiClientVerifyRoute } from './api-client/verify-route.js';
import type { AuthService } from './auth/auth.service.js';
import { MfaTickets } from './auth/mfa-ticket.js';
import { MeasuredAuthService } from './auth/sign-in-metrics.js';
import { ensureBootstrapAdmin, ensureDefaultTenant } from './bootstrap.js';
import { developmentMemberTokenRoute } from './development/member-token.js';
import { EmailVerification } from './email-verification/email-verification.entity.js';
import { EmailVerificationService } from './email-verification/email-verification.service.js';
import { SigningKey } from './keys/signing-key.entity.js';
import { KeyRotationSchedule } from './keys/key-rotation-schedule.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { BackupCode } from './mfa/backup-code.entity.js';
import { BACKUP_CODE_PURPOSE, createBackupCodeHasher } from './mfa/backup-codes.js';
import { TotpFactor } from './mfa/totp-factor.entity.js';
import { TotpService } from './mfa/totp.service.js';
import { createReleaseSeals } from '../../../lib/oidc/release-seal.js';
import { migrations } from './migrations/index.js';
import { EndSessionService } from './openid/end-session.service.js';
import { OpenIdReleaseService } from './openid/openid-release.service.js';
import { ApplicationRefreshToken, ApplicationSession } from './oauth/application-session.entity.js';
import { OAuthApplication } from './oauth/application.entity.js';
import { ApplicationService } from './oauth/application.service.js';
import { AuthorizationCode } from './oauth/authorization-code.entity.js';
import { AuthorizationService } from './oauth/authorization.service.js';
import { oauthClientVerifyRoute } from './oauth/client-verify-route.js';
import { ApplicationConsent } from './oauth/consent.entity.js';
import { ConsentService } from './oauth/consent.service.js';
import { applicationOriginsRoute } from './oauth/origins-route.js';
import { TokenStatusService } from './oauth/token-status.service.js';
import { TokenService } from './oauth/token.service.js';
import { PasswordResetTicket } from './password-reset/password-reset-ticket.entity.js';
import { PasswordResetService } from './password-reset/password-reset.service.js';
import { PasswordSetupTicket } from './password-setup/password-setup-ticket.entity.js';
import { PasswordSetupService } from './password-setup/password-setup.service.js';
import { ProvisioningService } from './provisioning/provisioning.service.js';
import { buildIdentitySchema } from './schema.js';
import { RefreshToken } from './session/refresh-token.entity.js';
import { Session } from './session/session.entity.js';
import { revocationFeedPage } from './session/revocation-feed-page.js';
import { REVOCATION_FEED_PAGE, SessionService } from './session/session.service.js';
import { Tenant } from './tenant/tenant.entity.js';
import { TenantService } from './tenant/tenant.service.js';
import { decoyPasswordHash } from './user/password.js';
import { UserAccount } from './user/user.entity.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentityServices {
  readonly signingKeys: SigningKeyService;
  readonly users: UserDirectory;
  readonly sessions: SessionService;
  readonly auth: AuthService;
  readonly totp: TotpService;
}

/** The boxes of the secrets identity stores sealed (lib/crypto/secret-box.ts). */
const SIGNING_KEY_PURPOSE = 'signing-keys';
const TOTP_SECRET_PURPOSE = 'totp';

/** How long a sign-in refused for an unverified address may ask for a new message with its ticket. */
const EMAIL_VERIFICATION_TICKET_TTL_MS = 15 * 60_000;

export const identitySubgraph: SubgraphDefinition<IdentityServices> = {
  name: 'identity',
  entities: [
    Tenant,
    UserAccount,
    SigningKey,
    Session,
    RefreshToken,
    OutboxEvent,
    TotpFactor,
    BackupCode,
    ApiClient,
    PasswordSetupTicket,
    EmailVerification,
    PasswordResetTicket,
    OAuthApplication,
    ApplicationConsent,
    AuthorizationCode,
    ApplicationSession,
    ApplicationRefreshToken,
  ],
  migrations,
  // A week past expiry: past the day the sign-up, reset and verification limits count, and long
  // enough to look into a complaint. Used codes stay as long, so a replay is recognized a week on.
  // A session goes a week past its absolute end (whenever it was revoked or went idle), taking its
  // refresh tokens and its application grant's with it (foreign keys `on delete cascade`): a
  // hundred a statement, as each may hold many rotated tokens.
  retention: [
    retainFor(PasswordResetTicket, RETAIN_EXPIRED_DAYS, 'expiresAt'),
    retainFor(PasswordSetupTicket, RETAIN_EXPIRED_DAYS, 'expiresAt'),
    retainFor(EmailVerification, RETAIN_EXPIRED_DAYS, 'expiresAt'),
    retainFor(AuthorizationCode, RETAIN_EXPIRED_DAYS, 'expiresAt'),
    retainFor(Session, RETAIN_EXPIRED_DAYS, 'expiresAt', { batchSize: 100 }),
  ],
  // MFA tickets are sealed too, but live minutes and are never stored: no column of them.
  sealedColumns: [
    {
      kind: 'signing keys',
      table: 'signing_key',
      idColumn: 'kid',
      column: 'private_jwk_sealed',
      purpose: SIGNING_KEY_PURPOSE,
      sealedAtColumns: ['created_at'],
    },
    {
      kind: 'TOTP secrets',
      table: 'totp_factor',
      idColumn: 'id',
      column: 'secret_sealed',
      purpose: TOTP_SECRET_PURPOSE,
      sealedAtColumns: ['created_at'],
    },
  ],
  keyedHashColumns: [
    {
      kind: 'backup codes',
      table: 'backup_code',
      keyIdColumn: 'key_id',
      ownerColumn: 'user_id',
      purpose: BACKUP_CODE_PURPOSE,
      live: 'used_at is null',
    },
  ],
  buildSchema: () => buildIdentitySchema(),
  async create({ config, database, logger, secretKeys, revocations, metrics }) {
    const signingKeys = new SigningKeyService(
      () => database.fork(),
      createSecretBox(secretKeys, SIGNING_KEY_PURPOSE),
      config.publicUrl,
      revocations,
    );
    const keyRotation = new KeyRotationSchedule({
      keys: signingKeys,
      rotationDays: config.signingKeyRotationDays,
      logger,
    });
    const users = new UserDirectory();
    const apiClients = new ApiClientService();
    const sessions = new SessionService(revocations, createRefreshTokenTags(secretKeys), {
      absoluteMs: config.sessionLifetimes.absoluteSeconds * 1000,
      idleMs: config.sessionLifetimes.idleSeconds * 1000,
    });
    const totp = new TotpService(createSecretBox(secretKeys, TOTP_SECRET_PURPOSE), createBackupCodeHasher(secretKeys));
    // Mail of the self-service flows: the same transports as member's codes (SMTP_URL; logged in development).
    const delivery = createCodeDelivery(config, logger);
    const emailVerification = new EmailVerificationService(
      delivery.email,
      createKeyedHasher(secretKeys, 'email-verification-codes'),
      config.otp,
      config.publicUrl,
      new MfaTickets(createSecretBox(secretKeys, 'email-verification-tickets'), EMAIL_VERIFICATION_TICKET_TTL_MS),
      logger,
    );
    const auth = new MeasuredAuthService(
      metrics,
      signingKeys,
      sessions,
      { registrationEnabled: config.registrationEnabled, requireVerifiedEmail: config.requireVerifiedEmail },
      totp,
      new MfaTickets(createSecretBox(secretKeys, 'mfa-tickets')),
      emailVerification,
    );
    const passwordSetup = new PasswordSetupService(sessions, auth);
    const passwordReset = new PasswordResetService(
      delivery.email,
      createKeyedHasher(secretKeys, 'password-reset-addresses'),
      config.otp,
      config.publicUrl,
      sessions,
      auth,
      logger,
    );
    const openIdReleases = new OpenIdReleaseService(createReleaseSeals(secretKeys), signingKeys);
    return {
      schema: await buildIdentitySchema({
        users,
        auth,
        userAdmin: new UserAdminService(sessions),
        tenants: new TenantService(),
        apiClients,
        provisioning: new ProvisioningService(sessions),
        passwordSetup,
        emailVerification,
        passwordReset,
        totp,
        // Plain http redirect URIs on any host in development and test only.
        applications: new ApplicationService(sessions, { allowInsecure: !config.isProduction }),
        authorization: new AuthorizationService(config.publicUrl),
        consents: new ConsentService(sessions),
        tokens: new TokenService(signingKeys, sessions, openIdReleases),
        openIdReleases,
        endSessions: new EndSessionService(config.publicUrl, signingKeys.keyResolver(), sessions),
        // Verifies access tokens as every verifier does (keys from the database), for introspection.
        tokenStatus: new TokenStatusService(
          sessions,
          createAccessTokenVerifier({ issuer: config.publicUrl, jwks: signingKeys.keyResolver() }),
        ),
        signingKeys,
      }),
      async onStop() {
        await keyRotation.stop();
        await delivery.close();
      },
      async onStart() {
        await ensureDefaultTenant(database.fork());
        if (config.bootstrapAdmin) await ensureBootstrapAdmin(database.fork(), config.bootstrapAdmin, logger);
        await signingKeys.ensureKeys();
        keyRotation.start();
        // The first unknown-email sign-in must not be slower than the others.
        await decoyPasswordHash();
      },
      routes(app) {
        apiClientVerifyRoute(app, { apiClients, signingKeys, database });
        oauthClientVerifyRoute(app, { database });
        applicationOriginsRoute(app, { database });
        // seed 003's X-Tenant-ID + X-UID fallback: tokens for a named member, never outside development.
        if (config.env === 'development') developmentMemberTokenRoute(app, { sessions, signingKeys, database });
        app.get('/.well-known/jwks.json', async (_req, res, next) => {
          try {
            res.set('Cache-Control', 'public, max-age=300').json(await signingKeys.jwks());
          } catch (error) {
            next(error);
          }
        });
        // Gateways without Redis follow this feed (lib/auth/revocation.ts PollingRevocations); it is
        // answered from memory until the database announces an ended session (revocation-feed.ts).
        const revocationFeed = new RevocationFeed({
          load: (since) => revocationFeedPage(database.fork(), since, { sessions, signingKeys }),
          pageSize: REVOCATION_FEED_PAGE,
          schema: String(database.orm.config.get('schema')),
          notifications: database.notifications,
        });
        app.get('/sessions/revocations', async (req, res, next) => {
          try {
            const since = new Date(typeof req.query['since'] === 'string' ? req.query['since'] : 0);
            if (Number.isNaN(since.getTime())) {
              res.status(400).json({ error: 'since must be an ISO date' });
              return;
            }
            res.json(await revocationFeed.read(since));
          } catch (error) {
            next(error);
          }
        });
      },
      verifier: createAccessTokenVerifier({
        issuer: config.publicUrl,
        jwks: signingKeys.keyResolver(),
        cache: VERIFIED_TOKEN_CACHE,
      }),
      services: { signingKeys, users, sessions, auth, totp },
    };
  },
};
