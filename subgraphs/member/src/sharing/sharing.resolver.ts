import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { profileOwner } from '../profile/profile-owner.js';
import { SharingPreferencesType, UpdateMySharingPreferencesInput } from './sharing-preferences.types.js';
import { updateOwnSharing } from './sharing.service.js';

@Resolver()
export class MySharingResolver {
  @Mutation(() => SharingPreferencesType, {
    description: 'Changes what the signed-in member shares with applications; absent preferences stay as they are',
  })
  async updateMySharingPreferences(
    @Arg('input', () => UpdateMySharingPreferencesInput) input: UpdateMySharingPreferencesInput,
    @Ctx() context: SubgraphContext,
  ): Promise<SharingPreferencesType> {
    return SharingPreferencesType.from(await updateOwnSharing(context.em, profileOwner(context), input));
  }
}
