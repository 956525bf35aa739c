import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { SigningKey } from './signing-key.entity.js';
import type { KeyRotation } from './signing-key.service.js';

/** The algorithms identity signs with (signing-key.service.ts SIGNING_ALGORITHMS), one key set each. */
export enum SigningKeyAlgorithmEnum {
  ES256 = 'ES256',
  RS256 = 'RS256',
}
registerEnumType(SigningKeyAlgorithmEnum, {
  name: 'SigningKeyAlgorithm',
  description:
    'ES256 signs access tokens and ID tokens by default; RS256 the ID tokens of applications that ask for it',
});

@ObjectType('SigningKey', { description: 'A token signing key: its public half is in the JWKS until it retires' })
export class SigningKeyType {
  @Field(() => ID, { description: 'The JWK `kid`, as tokens name it' })
  kid!: string;

  @Field(() => SigningKeyAlgorithmEnum)
  algorithm!: SigningKeyAlgorithmEnum;

  @Field()
  createdAt!: Date;

  @Field({ description: 'Signs from then on, until a newer key of its algorithm activates' })
  activatesAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Neither signs nor is published from then on' })
  retiresAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Withdrawn by an emergency rollover: every token it signed was refused from then on',
  })
  withdrawnAt!: Date | null;

  static from(key: SigningKey): SigningKeyType {
    return Object.assign(new SigningKeyType(), {
      kid: key.kid,
      algorithm: key.algorithm as SigningKeyAlgorithmEnum,
      createdAt: key.createdAt,
      activatesAt: key.activatesAt,
      retiresAt: key.retiresAt ?? null,
      withdrawnAt: key.withdrawnAt ?? null,
    });
  }
}

@ObjectType('SigningKeyRotation', { description: 'What rotateSigningKey did' })
export class SigningKeyRotationType {
  @Field(() => SigningKeyAlgorithmEnum)
  algorithm!: SigningKeyAlgorithmEnum;

  @Field(() => ID, { description: 'The new key' })
  kid!: string;

  @Field({ description: 'When the new key starts signing: now if immediately, else after the propagation delay' })
  activatesAt!: Date;

  @Field(() => [ID], { description: 'The keys withdrawn (immediately only): their tokens are refused from now on' })
  withdrawnKeyIds!: string[];

  static from(rotation: KeyRotation): SigningKeyRotationType {
    return Object.assign(new SigningKeyRotationType(), {
      algorithm: rotation.algorithm as SigningKeyAlgorithmEnum,
      kid: rotation.kid,
      activatesAt: rotation.activatesAt,
      withdrawnKeyIds: [...rotation.withdrawn],
    });
  }
}
