import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { alignByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { MemberProfileType } from '../profile/member-profile.types.js';
import { profileOwner } from '../profile/profile-owner.js';
import { ProfilePicture } from './profile-picture.entity.js';
import type { ProfilePictureService } from './profile-picture.service.js';

@Resolver()
export class MyProfilePictureResolver {
  constructor(private readonly pictures: ProfilePictureService) {}

  @Mutation(() => MemberProfileType, {
    description:
      'Uploads a PNG, JPEG or WebP picture (base64, at most PROFILE_PICTURE_MAX_BYTES decoded) as the ' +
      "signed-in member's avatar, replacing any previous picture and any explicit avatarUrl",
  })
  async setMyProfilePicture(
    @Arg('imageBase64', () => String) imageBase64: string,
    @Ctx() context: SubgraphContext,
  ): Promise<MemberProfileType> {
    return MemberProfileType.from(await this.pictures.setOwn(context.em, profileOwner(context), imageBase64));
  }

  @Mutation(() => MemberProfileType, {
    description: "Removes the signed-in member's avatar: the uploaded picture and any explicit avatarUrl",
  })
  async removeMyProfilePicture(@Ctx() context: SubgraphContext): Promise<MemberProfileType> {
    return MemberProfileType.from(await this.pictures.removeOwn(context.em, profileOwner(context)));
  }
}

/** `MemberProfile.avatarUrl`: the explicit URL when set, else the uploaded picture's, else null. */
@Resolver(() => MemberProfileType)
export class MemberProfileAvatarResolver {
  constructor(private readonly pictures: ProfilePictureService) {}

  @FieldResolver(() => String, { nullable: true })
  async avatarUrl(@Root() profile: MemberProfileType, @Ctx() context: SubgraphContext): Promise<string | null> {
    if (profile.avatarUrl) return profile.avatarUrl;
    // The lazy `bytes` column is not read: only the hash that names the picture.
    const picture = await requestLoader<string, ProfilePicture | undefined>(
      context,
      'member.pictureByUser',
      async (ids) =>
        alignByKey(ids, await context.em.find(ProfilePicture, { userId: { $in: [...ids] } }), (p) => p.userId),
    ).load(profile.userId);
    return picture ? this.pictures.urlOf(picture) : null;
  }
}
