import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserType } from '../user/user.types.js';

export enum ProvisionAction {
  CREATED = 'created',
  UPDATED = 'updated',
}
registerEnumType(ProvisionAction, { name: 'ProvisionAction' });

@ObjectType('MemberDirectoryPage', { description: 'Accounts by offset, for services and administrators' })
export class MemberDirectoryPageType {
  @Field(() => [UserType])
  items!: UserType[];

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  offset!: number;
}

@ObjectType('ProvisionedUser')
export class ProvisionedUserType {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => ProvisionAction)
  action!: ProvisionAction;

  @Field({ description: "The account's id here, which is the identity provider's user id" })
  idpUserId!: string;
}

@InputType()
export class ProvisionUserInput {
  @Field({ description: "The subject at the caller's identity provider" })
  @Length(1, 255)
  userSub!: string;

  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_.@-]+$/, { message: 'may contain letters, digits and . _ @ - only' })
  username?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  displayName?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  isActive?: boolean | null;
}
