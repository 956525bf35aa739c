import { required, resolverContainer } from '../../../lib/graphql/container.js';
import { limited } from '../../../lib/graphql/root-field-policy.js';
import { allow, or, roleIn, scopeIn, selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { USERS_READ_SCOPE, USERS_WRITE_SCOPE } from './api-client/scopes.js';
import { EmailVerificationResolver } from './email-verification/email-verification.resolver.js';
import type { EmailVerificationService } from './email-verification/email-verification.service.js';
import { PasswordResetResolver } from './password-reset/password-reset.resolver.js';
import type { PasswordResetService } from './password-reset/password-reset.service.js';
import { PasswordSetupResolver } from './password-setup/password-setup.resolver.js';
import type { PasswordSetupService } from './password-setup/password-setup.service.js';
import { ProvisioningResolver } from './provisioning/provisioning.resolver.js';
import type { ProvisioningService } from './provisioning/provisioning.service.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import { UserAdminResolver } from './admin/user-admin.resolver.js';
import { ApiClientResolver } from './api-client/api-client.resolver.js';
import { SigningKeyResolver } from './keys/signing-key.resolver.js';
import type { SigningKeyService } from './keys/signing-key.service.js';
import type { ApiClientService } from './api-client/api-client.service.js';
import type { UserAdminService } from './admin/user-admin.service.js';
import { AuthResolver } from './auth/auth.resolver.js';
import type { AuthService } from './auth/auth.service.js';
import { TotpResolver } from './mfa/totp.resolver.js';
import type { TotpService } from './mfa/totp.service.js';
import { ApplicationResolver } from './oauth/application.resolver.js';
import type { ApplicationService } from './oauth/application.service.js';
import { AuthorizationResolver } from './oauth/authorization.resolver.js';
import type { AuthorizationService } from './oauth/authorization.service.js';
import type { ConsentService } from './oauth/consent.service.js';
import { TokenStatusResolver } from './oauth/token-status.resolver.js';
import type { TokenStatusService } from './oauth/token-status.service.js';
import { TokenResolver } from './oauth/token.resolver.js';
import type { TokenService } from './oauth/token.service.js';
import { EndSessionResolver } from './openid/end-session.resolver.js';
import type { EndSessionService } from './openid/end-session.service.js';
import { OpenIdReleaseResolver, openIdReleaseReferenceResolvers } from './openid/openid-release.resolver.js';
import type { OpenIdReleaseService } from './openid/openid-release.service.js';
import type { TenantService } from './tenant/tenant.service.js';
import { MyAccountResolver } from './user/my-account.resolver.js';
import { UserResolver, userReferenceResolver } from './user/user.resolver.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentitySchemaServices {
  readonly users: UserDirectory;
  readonly auth?: AuthService;
  readonly userAdmin?: UserAdminService;
  readonly tenants?: TenantService;
  readonly totp?: TotpService;
  readonly apiClients?: ApiClientService;
  readonly provisioning?: ProvisioningService;
  readonly passwordSetup?: PasswordSetupService;
  readonly emailVerification?: EmailVerificationService;
  readonly passwordReset?: PasswordResetService;
  readonly applications?: ApplicationService;
  readonly authorization?: AuthorizationService;
  readonly consents?: ConsentService;
  readonly tokens?: TokenService;
  readonly openIdReleases?: OpenIdReleaseService;
  readonly tokenStatus?: TokenStatusService;
  readonly endSessions?: EndSessionService;
  readonly signingKeys?: SigningKeyService;
}

const admins = roleIn('SYSTEM_ADMIN', 'GROUP_ADMIN');
const systemAdmins = roleIn('SYSTEM_ADMIN');
/** A service (API client) granted `users:read` reads users of every tenant. */
const usersReadScope = scopeIn(USERS_READ_SCOPE);
const userReaders = or(admins, usersReadScope);
const userWriters = or(systemAdmins, scopeIn(USERS_WRITE_SCOPE));
const directoryReaders = or(systemAdmins, usersReadScope);

export function buildIdentitySchema(
  services: IdentitySchemaServices = { users: new UserDirectory() },
): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [
      UserResolver,
      AuthResolver,
      UserAdminResolver,
      TotpResolver,
      ApiClientResolver,
      ProvisioningResolver,
      PasswordSetupResolver,
      ApplicationResolver,
      AuthorizationResolver,
      TokenResolver,
      MyAccountResolver,
      EmailVerificationResolver,
      PasswordResetResolver,
      OpenIdReleaseResolver,
      TokenStatusResolver,
      EndSessionResolver,
      SigningKeyResolver,
    ],
    referenceResolvers: { ...userReferenceResolver(services.users), ...openIdReleaseReferenceResolvers },
    container: resolverContainer([
      [UserResolver, () => new UserResolver(services.users)],
      [AuthResolver, () => new AuthResolver(required(services.auth))],
      [UserAdminResolver, () => new UserAdminResolver(required(services.userAdmin), required(services.tenants))],
      [TotpResolver, () => new TotpResolver(required(services.totp))],
      [ApiClientResolver, () => new ApiClientResolver(required(services.apiClients))],
      [ProvisioningResolver, () => new ProvisioningResolver(required(services.provisioning))],
      [PasswordSetupResolver, () => new PasswordSetupResolver(required(services.passwordSetup))],
      [ApplicationResolver, () => new ApplicationResolver(required(services.applications))],
      [
        AuthorizationResolver,
        () =>
          new AuthorizationResolver(
            required(services.authorization),
            required(services.consents),
            required(services.openIdReleases),
          ),
      ],
      [TokenResolver, () => new TokenResolver(required(services.tokens))],
      [MyAccountResolver, () => new MyAccountResolver()],
      [
        EmailVerificationResolver,
        () => new EmailVerificationResolver(required(services.emailVerification), required(services.auth)),
      ],
      [PasswordResetResolver, () => new PasswordResetResolver(required(services.passwordReset))],
      [OpenIdReleaseResolver, () => new OpenIdReleaseResolver(required(services.openIdReleases))],
      [TokenStatusResolver, () => new TokenStatusResolver(required(services.tokenStatus))],
      [EndSessionResolver, () => new EndSessionResolver(required(services.endSessions))],
      [SigningKeyResolver, () => new SigningKeyResolver(required(services.signingKeys))],
    ]),
    // An application may end its own session, and one granted `write` may rename the person it was let
    // in to, as it may edit the rest of the profile in member; nothing else in identity is open to it.
    applicationMutations: { logout: 'read', updateMyAccount: 'write' },
    // OpenID Connect's userinfo is for an application's token granted `openid`, with or without `read`.
    applicationQueries: { openIdUserInfo: 'openid' },
    // Rate-limit classes: `auth` for what password and code guessing aim at (sign-in, sign-up, tokens,
    // passwords, second factors), `admin` for what only admins or API clients may use; else general.
    permissions: {
      Query: {
        myTotp: signedIn,
        me: signedIn,
        users: limited('admin', userReaders),
        user: limited('admin', userReaders),
        tenants: limited('admin', systemAdmins),
        apiClients: limited('admin', systemAdmins),
        signingKeys: limited('admin', systemAdmins),
        members: limited('admin', directoryReaders),
        // OAuth: a group admin administers its own tenant's applications (ApplicationService).
        applications: limited('admin', admins),
        application: limited('admin', admins),
        // seed 004 marks `GET /applications/{app_id}` for no role: its public face is for every member.
        publicApplication: signedIn,
        myAuthorizedApplications: signedIn,
        // A consent page shows it before anyone signs in; client_id is public.
        applicationForAuthorization: allow,
        // The reset page asks before showing its form; the token is the authority.
        passwordResetLinkStatus: limited('auth', allow),
        // The resolver refuses every token but an application's granted openid (/oauth/userinfo).
        openIdUserInfo: signedIn,
        // The client authenticates inside (confidential clients only), behind POST /oauth/introspect.
        introspectApplicationToken: limited('auth', allow),
      },
      Mutation: {
        register: limited('auth', allow),
        login: limited('auth', allow),
        completeMfaSignIn: limited('auth', allow),
        refreshToken: limited('auth', allow),
        renewAccessToken: limited('auth', allow),
        logout: signedIn,
        changePassword: limited('auth', signedIn),
        updateMyAccount: signedIn,
        startTotpEnrollment: signedIn,
        confirmTotpEnrollment: signedIn,
        verifyTotp: limited('auth', signedIn),
        regenerateBackupCodes: signedIn,
        disableTotp: signedIn,
        upsertUserBySub: limited('admin', userWriters),
        issuePasswordSetup: limited('admin', userWriters),
        completePasswordSetup: limited('auth', allow),
        // Self-service (docs/features.md): the link's token, or a refused sign-in's ticket, is the authority.
        verifyEmail: limited('auth', allow),
        verifyEmailWithCode: limited('auth', allow),
        resendEmailVerification: limited('auth', allow),
        changeMyEmail: limited('auth', signedIn),
        requestPasswordReset: limited('auth', allow),
        completePasswordReset: limited('auth', allow),
        createApiClient: limited('admin', systemAdmins),
        rotateApiClientKey: limited('admin', systemAdmins),
        disableApiClient: limited('admin', systemAdmins),
        rotateSigningKey: limited('admin', systemAdmins),
        setUserRole: limited('admin', admins),
        setUserActive: limited('admin', admins),
        removeUserAuthenticator: limited('admin', admins),
        deleteUser: limited('admin', admins),
        createTenant: limited('admin', systemAdmins),
        moveUserToTenant: limited('admin', systemAdmins),
        createApplication: limited('admin', admins),
        updateApplication: limited('admin', admins),
        deleteApplication: limited('admin', admins),
        regenerateApplicationSecret: limited('admin', admins),
        authorizeApplication: signedIn,
        revokeApplicationAuthorization: signedIn,
        // The client authenticates inside (client_secret, or PKCE for a public client). The token
        // endpoint's mutation, behind /oauth/token and /api/v1/auth/token (both `auth` by path too).
        requestApplicationToken: limited('auth', allow),
        // The client authenticates inside, behind POST /oauth/revoke.
        revokeApplicationToken: limited('auth', allow),
        // The ID token hint is the credential (checked inside), behind /oauth/logout.
        endApplicationSession: allow,
      },
      User: { '*': or(selfOrAdminOfUser, usersReadScope) },
      // Reached only through the fields above, which are guarded.
      AuthPayload: allow,
      UserPage: allow,
      Tenant: allow,
      ApiClient: allow,
      MemberDirectoryPage: allow,
      ProvisionedUser: allow,
      PasswordSetupTicket: allow,
      EmailVerificationResult: allow,
      EmailVerificationSent: allow,
      ApiClientCredentials: allow,
      SigningKey: allow,
      SigningKeyRotation: allow,
      TotpStatus: allow,
      TotpEnrollment: allow,
      BackupCodes: allow,
      Application: allow,
      PublicApplication: allow,
      ApplicationTheme: allow,
      ApplicationCredentials: allow,
      AuthorizationPrompt: allow,
      ScopeDescription: allow,
      AuthorizationResult: allow,
      AuthorizedApplication: allow,
      ApplicationTokens: allow,
      // Reached through ApplicationTokens.openId, AuthorizationPrompt.sharedClaims and openIdUserInfo,
      // or by its sealed ticket; its fields open the ticket and member's sealed answer.
      OpenIdRelease: allow,
      TokenIntrospection: allow,
      EndApplicationSessionResult: allow,
    },
  });
}
