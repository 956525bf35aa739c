import { Ctx, Directive, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { OpenIdReleaseService } from './openid-release.service.js';
import { OpenIdReleaseType } from './openid-release.types.js';

@Resolver(() => OpenIdReleaseType)
export class OpenIdReleaseResolver {
  constructor(private readonly releases: OpenIdReleaseService) {}

  @Query(() => OpenIdReleaseType, {
    description:
      "OpenID Connect userinfo (behind /oauth/userinfo): the claims the calling application's access token " +
      '(granted openid) may see of its user. Any other caller is FORBIDDEN',
  })
  async openIdUserInfo(@Ctx() context: SubgraphContext): Promise<OpenIdReleaseType> {
    return OpenIdReleaseType.of(await this.releases.ticketForUserInfo(context.em, context.principal));
  }

  @FieldResolver(() => String, {
    description: 'The released claims as a JSON object, sub first; a claim without a value is absent, never null',
  })
  @Directive('@requires(fields: "memberClaims")')
  async claims(@Root() release: OpenIdReleaseType, @Ctx() context: SubgraphContext): Promise<string> {
    return JSON.stringify(await this.releases.claims(context.em, release.ticket, release.memberClaims));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The ID token (ES256, aud = client_id) with the released claims; null but on a token response',
  })
  @Directive('@requires(fields: "memberClaims")')
  async idToken(@Root() release: OpenIdReleaseType, @Ctx() context: SubgraphContext): Promise<string | null> {
    return this.releases.idToken(context.em, release.ticket, release.memberClaims);
  }
}

/** `_entities` for OpenIdRelease: the ticket and member's answer, both sealed; the fields open them. */
export const openIdReleaseReferenceResolvers = {
  OpenIdRelease: {
    __resolveReference: (representation: { ticket?: unknown; memberClaims?: unknown }) =>
      typeof representation.ticket === 'string'
        ? Object.assign(OpenIdReleaseType.of(representation.ticket), {
            memberClaims: typeof representation.memberClaims === 'string' ? representation.memberClaims : null,
          })
        : null,
  },
};
