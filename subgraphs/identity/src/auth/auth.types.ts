import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { UserType } from '../user/user.types.js';

@ObjectType('AuthPayload', { description: 'Tokens for a signed-in session' })
export class AuthPayloadType {
  @Field({ description: 'JWT (ES256) to send as `Authorization: Bearer …`' })
  accessToken!: string;

  @Field({
    description:
      'Opaque; trade it for new tokens with refreshToken (single use: each use returns a new one), or keep it ' +
      'and renew the access token with renewAccessToken',
  })
  refreshToken!: string;

  @Field({ description: 'Always "Bearer"' })
  tokenType!: string;

  @Field(() => Int, { description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @Field(() => UserType)
  user!: UserType;
}

@InputType()
export class RegisterInput {
  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;

  @Field({ description: 'At least 8 characters, not your email, not a common password' })
  @MaxLength(256)
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(3, 32)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'may contain letters, digits, dot, dash and underscore only' })
  username?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  displayName?: string | null;
}

@InputType()
export class LoginInput {
  @Field()
  @MaxLength(254)
  email!: string;

  @Field()
  @MaxLength(256)
  password!: string;

  @Field(() => String, { nullable: true, description: 'Authenticator (TOTP) or backup code, when the account has one' })
  @IsOptional()
  @MaxLength(16)
  totpCode?: string | null;
}
