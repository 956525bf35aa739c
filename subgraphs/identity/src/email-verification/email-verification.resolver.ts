import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import type { AuthService } from '../auth/auth.service.js';
import { UserType } from '../user/user.types.js';
import type { EmailVerificationService } from './email-verification.service.js';
import {
  EmailVerificationResultType,
  EmailVerificationSentType,
  EmailVerificationStatus,
} from './email-verification.types.js';

/** The signed-in user, or (without a token) the bearer of a refused sign-in's ticket. */
function whoOf(context: SubgraphContext, ticket: string | null | undefined) {
  return context.principal.kind === 'user' ? { userId: context.principal.userId } : { ticket: ticket ?? null };
}

@Resolver()
export class EmailVerificationResolver {
  constructor(
    private readonly verifications: EmailVerificationService,
    private readonly auth: AuthService,
  ) {}

  @Mutation(() => EmailVerificationResultType, {
    description: "Follows a verification link's token: verifies the address (or applies a change) once",
  })
  async verifyEmail(@Arg('token') token: string, @Ctx() context: SubgraphContext) {
    const outcome = await this.verifications.verifyLink(context.em, token, context.origin);
    return Object.assign(new EmailVerificationResultType(), {
      status: EmailVerificationStatus[outcome.status],
      email: outcome.email ?? null,
    });
  }

  @Mutation(() => UserType, {
    description:
      'The 6-digit code of the newest verification message. Signed in, or with details.verificationTicket of a ' +
      'sign-in refused with EMAIL_NOT_VERIFIED',
  })
  async verifyEmailWithCode(
    @Arg('code') code: string,
    @Arg('ticket', () => String, { nullable: true }) ticket: string | null,
    @Ctx() context: SubgraphContext,
  ) {
    const account = await this.verifications.verifyCode(context.em, whoOf(context, ticket), code, context.origin);
    return ticket && context.principal.kind !== 'user' ? UserType.forHolder(account) : UserType.from(account);
  }

  @Mutation(() => EmailVerificationSentType, {
    description:
      'Sends a new verification message to the account address (cooldown and daily limits: OTP_*). Signed in, or ' +
      'with details.verificationTicket of a sign-in refused with EMAIL_NOT_VERIFIED',
  })
  async resendEmailVerification(
    @Arg('ticket', () => String, { nullable: true }) ticket: string | null,
    @Ctx() context: SubgraphContext,
  ) {
    const sent = await this.verifications.resend(context.em, whoOf(context, ticket), context.origin);
    return Object.assign(new EmailVerificationSentType(), sent);
  }

  @Mutation(() => EmailVerificationSentType, {
    description:
      'Starts changing the e-mail address: the new address gets a link and code, and replaces the old one only ' +
      'when they come back (verifyEmail, verifyEmailWithCode); the old address is then told',
  })
  async changeMyEmail(
    @Arg('newEmail') newEmail: string,
    @Arg('currentPassword') currentPassword: string,
    @Ctx() context: SubgraphContext,
  ) {
    const caller = signedInUser(context);
    await this.auth.confirmCurrentPassword(context.em, caller, currentPassword, context.origin);
    const sent = await this.verifications.startChange(context.em, caller.userId, newEmail, context.origin);
    return Object.assign(new EmailVerificationSentType(), sent);
  }
}
