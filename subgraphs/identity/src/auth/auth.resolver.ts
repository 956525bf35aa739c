import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { UserType } from '../user/user.types.js';
import type { AuthService, IssuedTokens } from './auth.service.js';
import { AuthPayloadType, LoginInput, RegisterInput } from './auth.types.js';

/** What every sign-in answers: the tokens and the user, readable by the caller who just proved to be it. */
export function authPayload(tokens: IssuedTokens): AuthPayloadType {
  return Object.assign(new AuthPayloadType(), {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    tokenType: 'Bearer',
    expiresIn: tokens.expiresIn,
    // The caller has just proved to be this user, before any token of theirs reached us.
    user: UserType.forHolder(tokens.account),
  });
}

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayloadType, {
    description:
      'Creates an account, mails a verification link and code to its address, and signs it in. With ' +
      'REQUIRE_VERIFIED_EMAIL the account is created and mailed but the answer is EMAIL_NOT_VERIFIED (with ' +
      'details.verificationTicket): sign in once the address is verified',
  })
  async register(@Arg('input') input: RegisterInput, @Ctx() context: SubgraphContext): Promise<AuthPayloadType> {
    return authPayload(await this.auth.register(context.em, input, context.origin));
  }

  @Mutation(() => AuthPayloadType, {
    description: 'Signs in with email and password (and a second factor when enrolled)',
  })
  async login(@Arg('input') input: LoginInput, @Ctx() context: SubgraphContext): Promise<AuthPayloadType> {
    return authPayload(await this.auth.login(context.em, input, context.origin));
  }

  @Mutation(() => AuthPayloadType, {
    description:
      "Second step of a sign-in that answered MFA_REQUIRED: that error's details.mfaTicket (valid 5 minutes) " +
      'and an authenticator or backup code',
  })
  async completeMfaSignIn(
    @Arg('mfaTicket') mfaTicket: string,
    @Arg('totpCode') totpCode: string,
    @Ctx() context: SubgraphContext,
  ): Promise<AuthPayloadType> {
    return authPayload(await this.auth.completeMfaSignIn(context.em, mfaTicket, totpCode, context.origin));
  }

  @Mutation(() => AuthPayloadType, { description: 'Trades a refresh token for new tokens; the old one stops working' })
  async refreshToken(
    @Arg('refreshToken') refreshToken: string,
    @Ctx() context: SubgraphContext,
  ): Promise<AuthPayloadType> {
    return authPayload(await this.auth.refresh(context.em, refreshToken, context.origin));
  }

  @Mutation(() => AuthPayloadType, {
    description:
      "seed 004's refresh, for clients that keep the refresh token they signed in with: a new access token, and " +
      'the same refresh token back (not rotated; it works until the session ends). A token that refreshToken ' +
      'rotated away is reuse here too and ends the session',
  })
  async renewAccessToken(
    @Arg('refreshToken') refreshToken: string,
    @Ctx() context: SubgraphContext,
  ): Promise<AuthPayloadType> {
    return authPayload(await this.auth.renew(context.em, refreshToken, context.origin));
  }

  @Mutation(() => Boolean, { description: 'Ends this session: its refresh token and access tokens stop working' })
  async logout(@Ctx() context: SubgraphContext): Promise<boolean> {
    await this.auth.logout(context.em, signedInUser(context), context.origin);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Changes the password and ends every other session of the user' })
  async changePassword(
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() context: SubgraphContext,
  ): Promise<boolean> {
    await this.auth.changePassword(
      context.em,
      signedInUser(context),
      { current: currentPassword, next: newPassword },
      context.origin,
    );
    return true;
  }
}
