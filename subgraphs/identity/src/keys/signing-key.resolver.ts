import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { recordEvent } from '../../../../lib/events/record.js';
import { systemAdministrator } from '../../../../lib/graphql/admin-callers.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { SigningKeyService } from './signing-key.service.js';
import { SigningKeyAlgorithmEnum, SigningKeyRotationType, SigningKeyType } from './signing-key.types.js';

/** The operator's side of the signing keys (docs/tokens-and-sessions.md, "Key rollover"). */
@Resolver()
export class SigningKeyResolver {
  constructor(private readonly keys: SigningKeyService) {}

  @Query(() => [SigningKeyType], { description: 'The newest 100 token signing keys (system administrators)' })
  async signingKeys(@Ctx() context: SubgraphContext): Promise<SigningKeyType[]> {
    systemAdministrator(context);
    return (await this.keys.list(context.em)).map((key) => SigningKeyType.from(key));
  }

  @Mutation(() => SigningKeyRotationType, {
    description:
      'Rolls a signing key over. Planned: the new key is published now and signs after 15 minutes, when every ' +
      'verifier knows it. Immediately (a key leaked): the current keys are withdrawn, their tokens refused from ' +
      'now on everywhere, and the new key signs at once; users keep their sessions and refresh',
  })
  async rotateSigningKey(
    @Ctx() context: SubgraphContext,
    @Arg('algorithm', () => SigningKeyAlgorithmEnum, { defaultValue: SigningKeyAlgorithmEnum.ES256 })
    algorithm: SigningKeyAlgorithmEnum,
    @Arg('immediately', () => Boolean, { defaultValue: false }) immediately: boolean,
  ): Promise<SigningKeyRotationType> {
    const admin = systemAdministrator(context);
    const rotation = await this.keys.rotateOnRequest(algorithm, immediately, (tx, done) =>
      recordEvent(tx, {
        type: 'signing_key.rotated',
        actorUserId: admin.userId,
        origin: context.origin,
        payload: { algorithm, kid: done.kid, immediately, withdrawnKeyIds: [...done.withdrawn] },
      }),
    );
    return SigningKeyRotationType.from(rotation);
  }
}
