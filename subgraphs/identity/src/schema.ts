import { required, resolverContainer } from '../../../lib/graphql/container.js';
import { allow, or, roleIn, scopeIn, selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { USERS_READ_SCOPE, USERS_WRITE_SCOPE } from './api-client/scopes.js';
import { PasswordSetupResolver } from './password-setup/password-setup.resolver.js';
import type { PasswordSetupService } from './password-setup/password-setup.service.js';
import { ProvisioningResolver } from './provisioning/provisioning.resolver.js';
import type { ProvisioningService } from './provisioning/provisioning.service.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import { UserAdminResolver } from './admin/user-admin.resolver.js';
import { ApiClientResolver } from './api-client/api-client.resolver.js';
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
import { TokenResolver } from './oauth/token.resolver.js';
import type { TokenService } from './oauth/token.service.js';
import type { TenantService } from './tenant/tenant.service.js';
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
  readonly applications?: ApplicationService;
  readonly authorization?: AuthorizationService;
  readonly consents?: ConsentService;
  readonly tokens?: TokenService;
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
    ],
    referenceResolvers: userReferenceResolver(services.users),
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
        () => new AuthorizationResolver(required(services.authorization), required(services.consents)),
      ],
      [TokenResolver, () => new TokenResolver(required(services.tokens))],
    ]),
    // An application may end its own session; nothing else in identity is open to application tokens.
    applicationMutations: { logout: 'read' },
    permissions: {
      Query: {
        myTotp: signedIn,
        me: signedIn,
        users: userReaders,
        user: userReaders,
        tenants: systemAdmins,
        apiClients: systemAdmins,
        members: directoryReaders,
        // OAuth: a group admin administers its own tenant's applications (ApplicationService).
        applications: admins,
        application: admins,
        // seed 004 marks `GET /applications/{app_id}` for no role: its public face is for every member.
        publicApplication: signedIn,
        myAuthorizedApplications: signedIn,
        // A consent page shows it before anyone signs in; client_id is public.
        applicationForAuthorization: allow,
      },
      Mutation: {
        register: allow,
        login: allow,
        completeMfaSignIn: allow,
        refreshToken: allow,
        renewAccessToken: allow,
        logout: signedIn,
        changePassword: signedIn,
        startTotpEnrollment: signedIn,
        confirmTotpEnrollment: signedIn,
        verifyTotp: signedIn,
        regenerateBackupCodes: signedIn,
        disableTotp: signedIn,
        upsertUserBySub: userWriters,
        issuePasswordSetup: userWriters,
        completePasswordSetup: allow,
        createApiClient: systemAdmins,
        rotateApiClientKey: systemAdmins,
        disableApiClient: systemAdmins,
        setUserRole: admins,
        setUserActive: admins,
        deleteUser: admins,
        createTenant: systemAdmins,
        moveUserToTenant: systemAdmins,
        createApplication: admins,
        updateApplication: admins,
        deleteApplication: admins,
        regenerateApplicationSecret: admins,
        authorizeApplication: signedIn,
        revokeApplicationAuthorization: signedIn,
        // The client authenticates inside (client_secret, or PKCE for a public client).
        requestApplicationToken: allow,
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
      ApiClientCredentials: allow,
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
    },
  });
}
