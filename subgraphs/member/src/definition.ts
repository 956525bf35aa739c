import { createKeyedHasher } from '../../../lib/crypto/keyed-hash.js';
import { eventConsumerRoute } from '../../../lib/events/consume-route.js';
import { OutboxEvent } from '../../../lib/events/outbox-event.entity.js';
import { required, resolverContainer } from '../../../lib/graphql/container.js';
import { allow, selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/subgraph-runtime/subgraph-definition.js';
import { graphqlBodyLimitBytes } from '../../../lib/subgraph-runtime/subgraph-server.js';
import { eraseDeletedAccounts } from './events/erase-deleted-accounts.js';
import { createReleaseSeals, type ReleaseSeals } from '../../../lib/oidc/release-seal.js';
import { migrations } from './migrations/index.js';
import { MemberOpenIdReleaseResolver, openIdReleaseReferenceResolvers } from './openid/openid-release.resolver.js';
import { MemberOpenIdRelease } from './openid/openid-release.types.js';
import { serveProfilePictures } from './picture/media-route.js';
import { ProfilePicture } from './picture/profile-picture.entity.js';
import { MemberProfileAvatarResolver, MyProfilePictureResolver } from './picture/profile-picture.resolver.js';
import { ProfilePictureService } from './picture/profile-picture.service.js';
import { MemberProfile } from './profile/member-profile.entity.js';
import { MemberUserResolver, memberReferenceResolvers } from './profile/member-profile.resolver.js';
import { MemberUser } from './profile/member-profile.types.js';
import { MyProfileResolver } from './profile/my-profile.resolver.js';
import { MySharingResolver } from './sharing/sharing.resolver.js';
import { createCodeDelivery } from '../../../lib/delivery/code-delivery.js';
import { RETAIN_EXPIRED_DAYS, retainFor } from '../../../lib/db/retention.js';
import { VerificationChallenge } from './verification/verification-challenge.entity.js';
import { VerificationResolver } from './verification/verification.resolver.js';
import { VerificationService } from './verification/verification.service.js';

export interface MemberServices {
  readonly verifications?: VerificationService;
  readonly pictures?: ProfilePictureService;
  /** OpenID Connect: opens identity's tickets and seals the member's claims (lib/oidc/release-seal.ts). */
  readonly releaseSeals?: ReleaseSeals;
}

function buildMemberSchema(services: MemberServices = {}): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [
      MemberUserResolver,
      MyProfileResolver,
      VerificationResolver,
      MySharingResolver,
      MyProfilePictureResolver,
      MemberProfileAvatarResolver,
      MemberOpenIdReleaseResolver,
    ],
    orphanedTypes: [MemberUser, MemberOpenIdRelease],
    referenceResolvers: { ...memberReferenceResolvers, ...openIdReleaseReferenceResolvers },
    container: resolverContainer([
      [MemberUserResolver, () => new MemberUserResolver()],
      [MyProfileResolver, () => new MyProfileResolver()],
      [VerificationResolver, () => new VerificationResolver(required(services.verifications))],
      [MySharingResolver, () => new MySharingResolver()],
      [MyProfilePictureResolver, () => new MyProfilePictureResolver(required(services.pictures))],
      [MemberProfileAvatarResolver, () => new MemberProfileAvatarResolver(required(services.pictures))],
      [
        MemberOpenIdReleaseResolver,
        () => new MemberOpenIdReleaseResolver(required(services.releaseSeals), required(services.pictures)),
      ],
    ]),
    // A third-party application granted `write` may edit the profile it was let in to (not contacts).
    applicationMutations: {
      updateMyProfile: 'write',
      updateMySharingPreferences: 'write',
      setMyProfilePicture: 'write',
      removeMyProfilePicture: 'write',
    },
    permissions: {
      // The caller's own profile only: the resolver takes the user from the principal, never an argument.
      Mutation: {
        updateMyProfile: signedIn,
        startBusinessEmailVerification: signedIn,
        confirmBusinessEmailVerification: signedIn,
        startBusinessPhoneVerification: signedIn,
        confirmBusinessPhoneVerification: signedIn,
        updateMySharingPreferences: signedIn,
        setMyProfilePicture: signedIn,
        removeMyProfilePicture: signedIn,
      },
      User: { '*': selfOrAdminOfUser },
      // Reached only through User.memberProfile, which is guarded above.
      MemberProfile: allow,
      // Reached only through MemberProfile.sharing and updateMySharingPreferences.
      SharingPreferences: allow,
      VerificationChallenge: allow,
      // Reached only through identity's OpenIdRelease, by its sealed ticket: the seal is the guard.
      OpenIdRelease: allow,
    },
  });
}

export const memberSubgraph: SubgraphDefinition<MemberServices> = {
  name: 'member',
  entities: [MemberProfile, VerificationChallenge, ProfilePicture, OutboxEvent],
  migrations,
  // A week past expiry: past the day the cooldown and daily limits count challenges in.
  retention: [retainFor(VerificationChallenge, RETAIN_EXPIRED_DAYS, 'expiresAt')],
  buildSchema: () => buildMemberSchema(),
  async create({ config, database, logger, secretKeys }) {
    const delivery = createCodeDelivery(config, logger);
    const verifications = new VerificationService(
      delivery,
      createKeyedHasher(secretKeys, 'verification-codes'),
      config.otp,
      logger,
    );
    const pictures = new ProfilePictureService({
      maxBytes: config.profilePictureMaxBytes,
      publicUrl: config.publicUrl,
    });
    const services = { verifications, pictures, releaseSeals: createReleaseSeals(secretKeys) };
    return {
      schema: await buildMemberSchema(services),
      // setMyProfilePicture's base64 picture of PROFILE_PICTURE_MAX_BYTES needs more than 1 MB.
      jsonLimitBytes: graphqlBodyLimitBytes(config.profilePictureMaxBytes),
      routes(app) {
        serveProfilePictures(app, database);
        eventConsumerRoute(app, { secretKeys, logger, handle: eraseDeletedAccounts(database) });
      },
      onStop: () => delivery.close(),
      services,
    };
  },
};
