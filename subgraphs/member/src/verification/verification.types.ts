import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('VerificationChallenge', { description: 'A code is on its way; confirm it with the challenge id' })
export class VerificationChallengeType {
  @Field(() => ID)
  challengeId!: string;

  @Field(() => Int, { description: 'Seconds until the code expires' })
  expiresIn!: number;
}
