import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { ReleaseSeals } from '../../../../lib/oidc/release-seal.js';
import type { ProfilePictureService } from '../picture/profile-picture.service.js';
import { answerTicket } from './member-claims.js';
import { MemberOpenIdRelease } from './openid-release.types.js';

@Resolver(() => MemberOpenIdRelease)
export class MemberOpenIdReleaseResolver {
  constructor(
    private readonly seals: ReleaseSeals,
    private readonly pictures: ProfilePictureService,
  ) {}

  @FieldResolver(() => String, {
    nullable: true,
    description: "The member's claims for identity's ticket, sealed for identity; null for a ticket not identity's",
  })
  @Directive('@inaccessible')
  async memberClaims(@Root() release: MemberOpenIdRelease, @Ctx() context: SubgraphContext): Promise<string | null> {
    // Only identity's seal is believed: the ticket names the user, the application and the claims.
    const ticket = this.seals.openTicket(release.ticket);
    if (!ticket) return null;
    return this.seals.sealAnswer(await answerTicket(context.em, this.pictures, ticket));
  }
}

export const openIdReleaseReferenceResolvers = {
  OpenIdRelease: {
    __resolveReference: (representation: { ticket?: unknown }) =>
      typeof representation.ticket === 'string'
        ? Object.assign(new MemberOpenIdRelease(), { ticket: representation.ticket })
        : null,
  },
};
