import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { TokenStatusService } from './token-status.service.js';
import { ApplicationTokenStatusInput, TokenIntrospectionType } from './token-status.types.js';

/** The revocation and introspection endpoints behind `POST /oauth/revoke` and `POST /oauth/introspect`. */
@Resolver()
export class TokenStatusResolver {
  constructor(private readonly status: TokenStatusService) {}

  @Mutation(() => Boolean, {
    description:
      'RFC 7009: ends the grant (session) an access or refresh token of the client belongs to. Always true for a ' +
      "token that is unknown, spent or another client's; errors carry the RFC 6749 code in extensions.details.error",
  })
  async revokeApplicationToken(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: ApplicationTokenStatusInput,
  ): Promise<boolean> {
    await this.status.revoke(context.em, input);
    return true;
  }

  @Query(() => TokenIntrospectionType, {
    description: "RFC 7662, for confidential clients: whether one of the client's own tokens is active, and what it is",
  })
  async introspectApplicationToken(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: ApplicationTokenStatusInput,
  ): Promise<TokenIntrospectionType> {
    return TokenIntrospectionType.from(await this.status.introspect(context.em, input));
  }
}
