import { Arg, Ctx, Mutation, Query, Resolver, registerEnumType } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { authPayload } from '../auth/auth.resolver.js';
import { AuthPayloadType } from '../auth/auth.types.js';
import type { PasswordResetService } from './password-reset.service.js';

export enum PasswordResetLinkStatus {
  VALID = 'VALID',
  USED = 'USED',
  EXPIRED = 'EXPIRED',
  SUPERSEDED = 'SUPERSEDED',
  INVALID = 'INVALID',
}
registerEnumType(PasswordResetLinkStatus, {
  name: 'PasswordResetLinkStatus',
  description: 'Where a password reset link stands (a newer request SUPERSEDES older links)',
});

@Resolver()
export class PasswordResetResolver {
  constructor(private readonly resets: PasswordResetService) {}

  @Mutation(() => Boolean, {
    description:
      'Mails a single-use link (30 minutes) to reset the password when the address has an account. Answers true, ' +
      'in the same time, whether or not it has one; per address and account, OTP_RESEND_COOLDOWN_SECONDS and the ' +
      'OTP_DAILY_LIMIT_* settings hold further mail back (silently, for the same reason)',
  })
  async requestPasswordReset(@Arg('email') email: string, @Ctx() context: SubgraphContext): Promise<boolean> {
    await this.resets.request(context.em, email, context.origin);
    return true;
  }

  @Query(() => PasswordResetLinkStatus, { description: 'Where a reset link stands; spends nothing' })
  async passwordResetLinkStatus(@Arg('token') token: string, @Ctx() context: SubgraphContext) {
    return PasswordResetLinkStatus[await this.resets.status(context.em, token)];
  }

  @Mutation(() => AuthPayloadType, {
    description:
      "Sets a new password with a reset link's token, ends every session of the account and signs in (MFA_REQUIRED " +
      'with details.mfaTicket when a second factor is enrolled). INVALID_TOKEN with details.reason used, expired, ' +
      'superseded or invalid',
  })
  async completePasswordReset(
    @Arg('token') token: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() context: SubgraphContext,
  ): Promise<AuthPayloadType> {
    return authPayload(await this.resets.complete(context.em, token, newPassword, context.origin));
  }
}
