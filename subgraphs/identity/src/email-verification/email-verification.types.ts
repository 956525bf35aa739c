import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum EmailVerificationStatus {
  VERIFIED = 'VERIFIED',
  CHANGED = 'CHANGED',
  USED = 'USED',
  EXPIRED = 'EXPIRED',
  SUPERSEDED = 'SUPERSEDED',
  INVALID = 'INVALID',
  TAKEN = 'TAKEN',
}
registerEnumType(EmailVerificationStatus, {
  name: 'EmailVerificationStatus',
  description: 'How a verification link ended',
  valuesConfig: {
    VERIFIED: { description: "The account's address is verified" },
    CHANGED: { description: 'The new address is verified and replaced the old one (which was told)' },
    USED: { description: 'The link was used before' },
    EXPIRED: { description: 'The link is older than OTP_TTL_SECONDS' },
    SUPERSEDED: { description: 'A newer message was sent, or the address changed since' },
    INVALID: { description: 'No such link' },
    TAKEN: { description: 'Another account took the new address meanwhile' },
  },
});

@ObjectType('EmailVerificationResult', { description: 'What a verification link did' })
export class EmailVerificationResultType {
  @Field(() => EmailVerificationStatus)
  status!: EmailVerificationStatus;

  @Field(() => String, { nullable: true, description: 'The verified address (VERIFIED, CHANGED)' })
  email!: string | null;
}

@ObjectType('EmailVerificationSent', { description: 'A verification message (link and 6-digit code) on its way' })
export class EmailVerificationSentType {
  @Field({ description: 'Where it went' })
  email!: string;

  @Field(() => Int, { description: 'Seconds the link and code work' })
  expiresIn!: number;
}
