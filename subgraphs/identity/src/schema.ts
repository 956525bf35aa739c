import { resolverContainer } from '../../../lib/graphql/container.js';
import { allow, roleIn, selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import { UserAdminResolver } from './admin/user-admin.resolver.js';
import type { UserAdminService } from './admin/user-admin.service.js';
import { AuthResolver } from './auth/auth.resolver.js';
import type { AuthService } from './auth/auth.service.js';
import type { TenantService } from './tenant/tenant.service.js';
import { UserResolver, userReferenceResolver } from './user/user.resolver.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentitySchemaServices {
  readonly users: UserDirectory;
  readonly auth?: AuthService;
  readonly userAdmin?: UserAdminService;
  readonly tenants?: TenantService;
}

const admins = roleIn('SYSTEM_ADMIN', 'GROUP_ADMIN');
const systemAdmins = roleIn('SYSTEM_ADMIN');

/** Services are absent when the schema is only printed (composition); resolvers never run then. */
function required<T>(service: T | undefined): T {
  if (!service) throw new Error('identity service missing: the schema was built without its services');
  return service;
}

export function buildIdentitySchema(
  services: IdentitySchemaServices = { users: new UserDirectory() },
): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [UserResolver, AuthResolver, UserAdminResolver],
    referenceResolvers: userReferenceResolver(services.users),
    container: resolverContainer([
      [UserResolver, () => new UserResolver(services.users)],
      [AuthResolver, () => new AuthResolver(required(services.auth))],
      [UserAdminResolver, () => new UserAdminResolver(required(services.userAdmin), required(services.tenants))],
    ]),
    permissions: {
      Query: { me: signedIn, users: admins, user: admins, tenants: systemAdmins },
      Mutation: {
        register: allow,
        login: allow,
        refreshToken: allow,
        logout: signedIn,
        changePassword: signedIn,
        setUserRole: admins,
        setUserActive: admins,
        createTenant: systemAdmins,
        moveUserToTenant: systemAdmins,
      },
      User: { '*': selfOrAdminOfUser },
      // Reached only through the fields above, which are guarded.
      AuthPayload: allow,
      UserPage: allow,
      Tenant: allow,
    },
  });
}
