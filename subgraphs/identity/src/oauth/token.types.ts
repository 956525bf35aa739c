import { IsOptional, MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { OpenIdReleaseType } from '../openid/openid-release.types.js';

@InputType({ description: 'A token request (RFC 6749 §4.1.3, §6); the client authenticates with its secret' })
export class ApplicationTokenRequestInput {
  @Field({ description: 'authorization_code or refresh_token' })
  @MaxLength(64)
  grantType!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  clientId?: string | null;

  @Field(() => String, { nullable: true, description: 'Absent for a public client' })
  @IsOptional()
  @MaxLength(200)
  clientSecret?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  redirectUri?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  codeVerifier?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  refreshToken?: string | null;

  @Field(() => String, { nullable: true, description: 'refresh_token only: a subset of the granted scopes' })
  @IsOptional()
  @MaxLength(500)
  scope?: string | null;
}

@ObjectType('ApplicationTokens', { description: "An application's tokens for one user" })
export class ApplicationTokensType {
  @Field({ description: 'ES256 JWT carrying client_id and scope; role is always USER' })
  accessToken!: string;

  @Field(() => OpenIdReleaseType, {
    nullable: true,
    description: 'OpenID Connect: the ID token (openId.idToken); only when the grant includes openid',
  })
  openId!: OpenIdReleaseType | null;

  @Field({ description: 'Single use: each refresh returns a new one' })
  refreshToken!: string;

  @Field({ description: 'Always "Bearer"' })
  tokenType!: string;

  @Field(() => Int)
  expiresIn!: number;

  @Field({ description: 'Space-separated granted scopes' })
  scope!: string;

  @Field(() => [String], { description: "The application's allowed origins (CORS for browser applications)" })
  allowedOrigins!: string[];
}
