import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { EndSessionService } from './end-session.service.js';
import { EndApplicationSessionInput, EndApplicationSessionResultType } from './end-session.types.js';

/** The end-session endpoint behind `GET`/`POST /oauth/logout`. */
@Resolver()
export class EndSessionResolver {
  constructor(private readonly endSessions: EndSessionService) {}

  @Mutation(() => EndApplicationSessionResultType, {
    description:
      "OpenID Connect RP-initiated logout: ends the grant (sid) of the id_token_hint's application and answers " +
      'where to send the browser. Errors (details.error invalid_request, details.parameter) are shown, never redirected',
  })
  async endApplicationSession(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: EndApplicationSessionInput,
  ): Promise<EndApplicationSessionResultType> {
    return EndApplicationSessionResultType.from(await this.endSessions.end(context.em, input));
  }
}
