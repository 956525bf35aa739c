import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { MemberProfileType } from '../profile/member-profile.types.js';
import { profileOwner } from '../profile/profile-owner.js';
import { VerificationPurpose } from './verification-challenge.entity.js';
import type { VerificationService } from './verification.service.js';
import { VerificationChallengeType } from './verification.types.js';

@Resolver()
export class VerificationResolver {
  constructor(private readonly verifications: VerificationService) {}

  private async start(context: SubgraphContext, purpose: VerificationPurpose, target: string) {
    const started = await this.verifications.start(context.em, profileOwner(context), purpose, target, context.origin);
    return Object.assign(new VerificationChallengeType(), started);
  }

  private async confirm(context: SubgraphContext, purpose: VerificationPurpose, challengeId: string, code: string) {
    return MemberProfileType.from(
      await this.verifications.confirm(context.em, profileOwner(context), purpose, challengeId, code),
    );
  }

  @Mutation(() => VerificationChallengeType, {
    description: 'E-mails a 6-digit code to prove the address; see the OTP_* settings for expiry and limits',
  })
  startBusinessEmailVerification(@Arg('email') email: string, @Ctx() context: SubgraphContext) {
    return this.start(context, VerificationPurpose.BUSINESS_EMAIL, email);
  }

  @Mutation(() => MemberProfileType, {
    description: 'Checks the e-mailed code; on success the address becomes the verified businessEmail',
  })
  confirmBusinessEmailVerification(
    @Arg('challengeId', () => ID) challengeId: string,
    @Arg('code') code: string,
    @Ctx() context: SubgraphContext,
  ) {
    return this.confirm(context, VerificationPurpose.BUSINESS_EMAIL, challengeId, code);
  }

  @Mutation(() => VerificationChallengeType, { description: 'Texts a 6-digit code to prove an E.164 number' })
  startBusinessPhoneVerification(@Arg('phone') phone: string, @Ctx() context: SubgraphContext) {
    return this.start(context, VerificationPurpose.BUSINESS_PHONE, phone);
  }

  @Mutation(() => MemberProfileType, {
    description: 'Checks the texted code; on success the number becomes the verified businessPhone',
  })
  confirmBusinessPhoneVerification(
    @Arg('challengeId', () => ID) challengeId: string,
    @Arg('code') code: string,
    @Ctx() context: SubgraphContext,
  ) {
    return this.confirm(context, VerificationPurpose.BUSINESS_PHONE, challengeId, code);
  }
}
