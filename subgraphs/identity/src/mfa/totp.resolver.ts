import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import type { TotpService } from './totp.service.js';
import { BackupCodesType, TotpEnrollmentType, TotpStatusType } from './totp.types.js';

function backupCodes(codes: string[]): BackupCodesType {
  return Object.assign(new BackupCodesType(), { backupCodes: codes });
}

@Resolver()
export class TotpResolver {
  constructor(private readonly totp: TotpService) {}

  @Query(() => TotpStatusType, { description: "The signed-in user's authenticator (TOTP) status" })
  async myTotp(@Ctx() context: SubgraphContext): Promise<TotpStatusType> {
    const status = await this.totp.status(context.em, signedInUser(context).userId);
    return Object.assign(new TotpStatusType(), status);
  }

  @Mutation(() => TotpEnrollmentType, { description: 'Starts enrolling an authenticator (expires after 10 minutes)' })
  async startTotpEnrollment(@Ctx() context: SubgraphContext): Promise<TotpEnrollmentType> {
    const enrollment = await this.totp.enrollStart(context.em, signedInUser(context).userId);
    return Object.assign(new TotpEnrollmentType(), enrollment);
  }

  @Mutation(() => BackupCodesType, { description: 'Confirms the pending authenticator with a code from it' })
  async confirmTotpEnrollment(@Arg('code') code: string, @Ctx() context: SubgraphContext): Promise<BackupCodesType> {
    return backupCodes(await this.totp.enrollConfirm(context.em, signedInUser(context), code, context.origin));
  }

  @Mutation(() => Boolean, {
    description: 'Checks an authenticator (6 digits) or backup code (8 digits); allows disableTotp for 10 minutes',
  })
  async verifyTotp(@Arg('code') code: string, @Ctx() context: SubgraphContext): Promise<boolean> {
    await this.totp.verify(context.em, signedInUser(context), code, context.origin);
    return true;
  }

  @Mutation(() => BackupCodesType, { description: 'Issues new backup codes; the previous ones stop working' })
  async regenerateBackupCodes(@Ctx() context: SubgraphContext): Promise<BackupCodesType> {
    return backupCodes(await this.totp.regenerateBackupCodes(context.em, signedInUser(context).userId));
  }

  @Mutation(() => Boolean, { description: 'Removes the authenticator and backup codes; needs a recent verifyTotp' })
  async disableTotp(@Ctx() context: SubgraphContext): Promise<boolean> {
    await this.totp.disable(context.em, signedInUser(context), context.origin);
    return true;
  }
}
