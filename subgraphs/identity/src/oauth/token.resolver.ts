import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { OpenIdReleaseType } from '../openid/openid-release.types.js';
import type { TokenService } from './token.service.js';
import { ApplicationTokenRequestInput, ApplicationTokensType } from './token.types.js';

/** The token endpoint behind `POST /oauth/token` and `POST /api/v1/auth/token`. */
@Resolver()
export class TokenResolver {
  constructor(private readonly tokens: TokenService) {}

  @Mutation(() => ApplicationTokensType, {
    description:
      'Trades an authorization code or an application refresh token for tokens. Errors carry the RFC 6749 code ' +
      'in extensions.details.error (invalid_client, invalid_grant, ...)',
  })
  async requestApplicationToken(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: ApplicationTokenRequestInput,
  ): Promise<ApplicationTokensType> {
    const issued = await this.tokens.exchange(context.em, input, context.origin);
    return Object.assign(new ApplicationTokensType(), {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      openId: issued.openIdTicket ? OpenIdReleaseType.of(issued.openIdTicket) : null,
      tokenType: 'Bearer',
      expiresIn: issued.expiresIn,
      scope: issued.scopes.join(' '),
      allowedOrigins: [...issued.allowedOrigins],
    });
  }
}
