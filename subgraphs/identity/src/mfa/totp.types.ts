import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('TotpStatus', { description: "The signed-in user's authenticator (TOTP)" })
export class TotpStatusType {
  @Field({ description: 'A confirmed authenticator is required at sign-in' })
  enrolled!: boolean;

  @Field(() => Date, { nullable: true })
  enrolledAt!: Date | null;

  @Field(() => Int, {
    description:
      'Unused backup codes that can still be used. After the server key that protected them is retired, this drops to 0: make new ones (regenerateBackupCodes).',
  })
  backupCodesRemaining!: number;

  @Field(() => Int)
  digits!: number;

  @Field(() => Int)
  periodSeconds!: number;
}

@ObjectType('TotpEnrollment', { description: 'A pending authenticator: scan the URL, then confirm with a code' })
export class TotpEnrollmentType {
  @Field({ description: 'otpauth:// URL (for a QR code); holds the secret, show it only to the user' })
  otpauthUrl!: string;

  @Field()
  issuer!: string;

  @Field()
  account!: string;

  @Field(() => Int)
  digits!: number;

  @Field(() => Int)
  periodSeconds!: number;

  @Field(() => Int, { description: 'Seconds left to confirm the enrollment' })
  expiresIn!: number;
}

@ObjectType('BackupCodes', { description: 'Single-use 8-digit recovery codes, shown this once only' })
export class BackupCodesType {
  @Field(() => [String])
  backupCodes!: string[];
}
