import { resolverContainer } from '../../../lib/graphql/container.js';
import { allow, selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/http/subgraph-definition.js';
import { migrations } from './migrations/index.js';
import { MemberProfile } from './profile/member-profile.entity.js';
import { MemberUserResolver, memberReferenceResolvers } from './profile/member-profile.resolver.js';
import { MemberUser } from './profile/member-profile.types.js';
import { MyProfileResolver } from './profile/my-profile.resolver.js';

function buildMemberSchema(): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [MemberUserResolver, MyProfileResolver],
    orphanedTypes: [MemberUser],
    referenceResolvers: memberReferenceResolvers,
    container: resolverContainer([
      [MemberUserResolver, () => new MemberUserResolver()],
      [MyProfileResolver, () => new MyProfileResolver()],
    ]),
    permissions: {
      // The caller's own profile only: the resolver takes the user from the principal, never an argument.
      Mutation: { updateMyProfile: signedIn },
      User: { '*': selfOrAdminOfUser },
      // Reached only through User.memberProfile, which is guarded above.
      MemberProfile: allow,
    },
  });
}

export const memberSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'member',
  entities: [MemberProfile],
  migrations,
  buildSchema: buildMemberSchema,
  async create() {
    return { schema: await buildMemberSchema(), services: {} };
  },
};
