import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import type { AuthorizationService } from './authorization.service.js';
import {
  AuthorizationPromptType,
  AuthorizationResultType,
  AuthorizedApplicationType,
  AuthorizeApplicationInput,
} from './authorization.types.js';
import type { ConsentService } from './consent.service.js';
import type { OpenIdReleaseService } from '../openid/openid-release.service.js';

/** The user's side of the authorization code flow: consent pages, approval, and the list of grants. */
@Resolver()
export class AuthorizationResolver {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly consents: ConsentService,
    private readonly releases: OpenIdReleaseService,
  ) {}

  @Query(() => AuthorizationPromptType, {
    nullable: true,
    description:
      'What a consent page shows for an authorization request; null for an unknown client_id. Pass every ' +
      'parameter of the request: a request no decision can make valid comes back with a refusal to redirect to',
  })
  async applicationForAuthorization(
    @Ctx() context: SubgraphContext,
    @Arg('clientId') clientId: string,
    @Arg('redirectUri') redirectUri: string,
    @Arg('scope', () => String, { nullable: true }) scope: string | null,
    @Arg('responseType', () => String, { nullable: true }) responseType: string | null,
    @Arg('state', () => String, { nullable: true }) state: string | null,
    @Arg('codeChallenge', () => String, { nullable: true }) codeChallenge: string | null,
    @Arg('codeChallengeMethod', () => String, { nullable: true }) codeChallengeMethod: string | null,
    @Arg('prompt', () => String, { nullable: true, description: 'OpenID Connect prompt (checked, not acted on)' })
    promptValues: string | null,
    @Arg('maxAge', () => String, { nullable: true, description: 'OpenID Connect max_age (checked)' })
    maxAge: string | null,
    @Arg('request', () => String, { nullable: true, description: 'OIDC request object: refused' })
    requestObject: string | null,
    @Arg('requestUri', () => String, { nullable: true, description: 'OIDC request_uri: refused' })
    requestUri: string | null,
  ): Promise<AuthorizationPromptType | null> {
    const prompt = await this.authorization.prompt(context.em, context.principal, {
      clientId,
      redirectUri,
      scope,
      responseType,
      state,
      codeChallenge,
      codeChallengeMethod,
      prompt: promptValues,
      maxAge,
      request: requestObject,
      requestUri,
    });
    if (!prompt) return null;
    // The preview is the signed-in person's own, on their own page; an application's token gets none.
    const { principal } = context;
    const preview =
      principal.kind === 'user' && !principal.clientId && prompt.redirectUriRegistered && !prompt.refusal
        ? this.releases.ticketForPreview(
            principal.userId,
            prompt.application.clientId,
            prompt.requestedScopes.map((s) => s.name),
          )
        : null;
    return AuthorizationPromptType.from(prompt, preview);
  }

  @Mutation(() => AuthorizationResultType, {
    description:
      'The signed-in user approves (or, with denied, refuses) an authorization request. An unknown client or ' +
      'unregistered redirect URI is an error (show it; never redirect); anything else answers where to redirect',
  })
  async authorizeApplication(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: AuthorizeApplicationInput,
  ): Promise<AuthorizationResultType> {
    return AuthorizationResultType.from(
      await this.authorization.authorize(context.em, signedInUser(context), input, context.origin),
    );
  }

  @Query(() => [AuthorizedApplicationType], { description: 'Applications the signed-in user has authorized' })
  async myAuthorizedApplications(@Ctx() context: SubgraphContext): Promise<AuthorizedApplicationType[]> {
    return (await this.consents.list(context.em, signedInUser(context))).map((c) => AuthorizedApplicationType.from(c));
  }

  @Mutation(() => Boolean, {
    description: "Withdraws the user's consent; every token the application holds for the user stops working",
  })
  async revokeApplicationAuthorization(
    @Ctx() context: SubgraphContext,
    @Arg('applicationId', () => ID) applicationId: string,
  ): Promise<boolean> {
    await this.consents.revoke(context.em, signedInUser(context), applicationId, context.origin);
    return true;
  }
}
