import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { ClientType } from './application.entity.js';
import type { OAuthApplication } from './application.entity.js';

export enum ApplicationClientTypeEnum {
  CONFIDENTIAL = 'CONFIDENTIAL',
  PUBLIC = 'PUBLIC',
}
registerEnumType(ApplicationClientTypeEnum, {
  name: 'ApplicationClientType',
  description:
    'CONFIDENTIAL clients authenticate with a secret; PUBLIC ones (SPAs, native apps) have none and use PKCE',
});

/** The values of lib/oidc/id-token-algorithms.ts, as GraphQL names them. */
export enum IdTokenSigningAlgorithmEnum {
  ES256 = 'ES256',
  RS256 = 'RS256',
}
registerEnumType(IdTokenSigningAlgorithmEnum, {
  name: 'IdTokenSigningAlgorithm',
  description:
    "How an application's OpenID Connect ID tokens are signed (its id_token_signed_response_alg). Both keys are " +
    'published in the JWKS; access tokens are always ES256',
});

export const toClientType = (type: ApplicationClientTypeEnum): ClientType =>
  type === ApplicationClientTypeEnum.PUBLIC ? 'public' : 'confidential';
export const fromClientType = (type: ClientType): ApplicationClientTypeEnum =>
  type === 'public' ? ApplicationClientTypeEnum.PUBLIC : ApplicationClientTypeEnum.CONFIDENTIAL;

@ObjectType('ApplicationTheme', { description: 'How the hosted sign-in and consent pages look for an application' })
export class ApplicationThemeType {
  @Field(() => String, { nullable: true, description: '#rrggbb' })
  primaryColor!: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb' })
  secondaryColor!: string | null;

  @Field(() => String, { nullable: true, description: 'https URL' })
  logoUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'https URL' })
  backgroundImageUrl!: string | null;

  static from(application: OAuthApplication): ApplicationThemeType {
    return Object.assign(new ApplicationThemeType(), {
      primaryColor: application.primaryColor ?? null,
      secondaryColor: application.secondaryColor ?? null,
      logoUrl: application.logoUrl ?? null,
      backgroundImageUrl: application.backgroundImageUrl ?? null,
    });
  }
}

/** The fields every viewer of an application may see; the administrator's view adds to them. */
function publicFaceOf(application: OAuthApplication) {
  return {
    id: application.id,
    clientId: application.clientId,
    name: application.name,
    description: application.description ?? null,
    theme: ApplicationThemeType.from(application),
    createdAt: application.createdAt,
  };
}

@ObjectType('PublicApplication', {
  description: 'What any signed-in member may see of an application: never its secret, redirect URIs or owner',
})
export class PublicApplicationType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Public identifier sent as client_id' })
  clientId!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => ApplicationThemeType)
  theme!: ApplicationThemeType;

  @Field()
  createdAt!: Date;

  static from(application: OAuthApplication): PublicApplicationType {
    return Object.assign(new PublicApplicationType(), publicFaceOf(application));
  }
}

/** The administrator's view: the public face and everything that configures the application. */
@ObjectType('Application', { description: 'A third-party application that signs users in with OAuth 2.0' })
export class ApplicationType extends PublicApplicationType {
  @Field(() => [String], { description: 'Exact URIs a code may be sent to' })
  redirectUris!: string[];

  @Field(() => [String], {
    description: 'OpenID Connect: exact URIs the end-session endpoint may return the browser to after logout',
  })
  postLogoutRedirectUris!: string[];

  @Field(() => IdTokenSigningAlgorithmEnum, { description: 'The JWS alg of its ID tokens' })
  idTokenSigningAlgorithm!: IdTokenSigningAlgorithmEnum;

  @Field(() => [String])
  allowedOrigins!: string[];

  @Field(() => ApplicationClientTypeEnum)
  clientType!: ApplicationClientTypeEnum;

  @Field(() => String, { nullable: true, description: 'The first characters of the current client secret' })
  clientSecretPrefix!: string | null;

  @Field(() => ID, { description: 'The administrator who registered it' })
  ownerId!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  secretRotatedAt!: Date | null;

  static override from(application: OAuthApplication): ApplicationType {
    return Object.assign(new ApplicationType(), publicFaceOf(application), {
      redirectUris: application.redirectUris,
      postLogoutRedirectUris: application.postLogoutRedirectUris,
      idTokenSigningAlgorithm: IdTokenSigningAlgorithmEnum[application.idTokenSigningAlgorithm],
      allowedOrigins: application.allowedOrigins,
      clientType: fromClientType(application.clientType),
      clientSecretPrefix: application.clientSecretPrefix ?? null,
      ownerId: application.ownerId,
      tenantId: application.tenantId,
      updatedAt: application.updatedAt,
      secretRotatedAt: application.secretRotatedAt ?? null,
    });
  }
}

@ObjectType('ApplicationCredentials', { description: 'The client secret is shown here once and never again' })
export class ApplicationCredentialsType {
  @Field(() => ApplicationType)
  application!: ApplicationType;

  @Field()
  clientId!: string;

  @Field(() => String, { nullable: true, description: 'Store it now; null for a public client' })
  clientSecret!: string | null;
}

@InputType('ApplicationThemeInput')
export class ApplicationThemeInput {
  @Field(() => String, { nullable: true, description: '#rrggbb; null clears' })
  @IsOptional()
  primaryColor?: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb; null clears' })
  @IsOptional()
  secondaryColor?: string | null;

  @Field(() => String, { nullable: true, description: 'https URL; null clears' })
  @IsOptional()
  logoUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'https URL; null clears' })
  @IsOptional()
  backgroundImageUrl?: string | null;
}

@InputType()
export class CreateApplicationInput {
  @Field()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => [String], { description: 'https (or loopback http) URIs, matched exactly' })
  redirectUris!: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'OpenID Connect RP-initiated logout: exact URIs to return to after logout (none by default)',
  })
  @IsOptional()
  postLogoutRedirectUris?: string[] | null;

  @Field(() => IdTokenSigningAlgorithmEnum, {
    nullable: true,
    description: 'How its ID tokens are signed: ES256 unless given; null puts ES256 back',
  })
  @IsOptional()
  idTokenSigningAlgorithm?: IdTokenSigningAlgorithmEnum | null;

  @Field(() => [String], { nullable: true, description: 'Bare origins like https://app.example.com' })
  @IsOptional()
  allowedOrigins?: string[] | null;

  @Field(() => ApplicationThemeInput, { nullable: true })
  @IsOptional()
  theme?: ApplicationThemeInput | null;

  @Field(() => ApplicationClientTypeEnum, { nullable: true, description: 'CONFIDENTIAL unless given' })
  @IsOptional()
  clientType?: ApplicationClientTypeEnum | null;
}

@InputType({ description: 'Absent fields stay as they are' })
export class UpdateApplicationInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'null clears' })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  redirectUris?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'OpenID Connect RP-initiated logout: exact URIs to return to after logout (none by default)',
  })
  @IsOptional()
  postLogoutRedirectUris?: string[] | null;

  @Field(() => IdTokenSigningAlgorithmEnum, {
    nullable: true,
    description: 'How its ID tokens are signed: ES256 unless given; null puts ES256 back',
  })
  @IsOptional()
  idTokenSigningAlgorithm?: IdTokenSigningAlgorithmEnum | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  allowedOrigins?: string[] | null;

  @Field(() => ApplicationThemeInput, { nullable: true, description: 'Only the colours and images named change' })
  @IsOptional()
  theme?: ApplicationThemeInput | null;
}
