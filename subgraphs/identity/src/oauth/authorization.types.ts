import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ApplicationClientTypeEnum, ApplicationThemeType, fromClientType } from './application.types.js';
import { OpenIdReleaseType } from '../openid/openid-release.types.js';
import type { ApplicationConsent } from './consent.entity.js';
import type { AuthorizationOutcome, AuthorizationPrompt } from './authorization.service.js';

@ObjectType('ScopeDescription', { description: 'A permission an application asks for, worded for the user' })
export class ScopeDescriptionType {
  @Field()
  name!: string;

  @Field()
  description!: string;
}

@ObjectType('AuthorizationPrompt', { description: 'What a consent page shows about an authorization request' })
export class AuthorizationPromptType {
  @Field(() => ID)
  applicationId!: string;

  @Field()
  clientId!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => ApplicationThemeType)
  theme!: ApplicationThemeType;

  @Field(() => ApplicationClientTypeEnum, { description: 'PUBLIC clients must send a PKCE challenge' })
  clientType!: ApplicationClientTypeEnum;

  @Field({ description: 'False: show an error and never redirect to this URI' })
  redirectUriRegistered!: boolean;

  @Field(() => [ScopeDescriptionType], { description: 'The known scopes asked for (the default when none)' })
  requestedScopes!: ScopeDescriptionType[];

  @Field(() => [String], { description: 'Scopes this server does not know; authorizing answers invalid_scope' })
  unknownScopes!: string[];

  @Field({ description: "The signed-in caller's consent already covers the requested scopes" })
  alreadyAuthorized!: boolean;

  @Field(() => [String], { description: "The profile claims the signed-in caller's consent already covers" })
  consentedClaims!: string[];

  @Field(() => OpenIdReleaseType, {
    nullable: true,
    description:
      "OpenID Connect: what approving would share of the signed-in user (sharedClaims.claims), as the member's " +
      'sharing settings allow it now. Null without openid, for an application token, or signed out',
  })
  sharedClaims!: OpenIdReleaseType | null;

  @Field(() => AuthorizationResultType, {
    nullable: true,
    description:
      'Set when the request is refused whatever the user decides (response_type, PKCE, scope): redirect the ' +
      'browser to refusal.redirectTo at once, before any sign-in or consent page. Null while redirectUriRegistered is false',
  })
  refusal!: AuthorizationResultType | null;

  static from(prompt: AuthorizationPrompt, sharedClaimsTicket: string | null): AuthorizationPromptType {
    const { application } = prompt;
    return Object.assign(new AuthorizationPromptType(), {
      applicationId: application.id,
      clientId: application.clientId,
      name: application.name,
      description: application.description ?? null,
      theme: ApplicationThemeType.from(application),
      clientType: fromClientType(application.clientType),
      redirectUriRegistered: prompt.redirectUriRegistered,
      requestedScopes: prompt.requestedScopes.map((s) => Object.assign(new ScopeDescriptionType(), s)),
      unknownScopes: [...prompt.unknownScopes],
      alreadyAuthorized: prompt.alreadyAuthorized,
      consentedClaims: [...prompt.consentedClaims],
      sharedClaims: sharedClaimsTicket ? OpenIdReleaseType.of(sharedClaimsTicket) : null,
      refusal: prompt.refusal ? AuthorizationResultType.from(prompt.refusal) : null,
    });
  }
}

@InputType({ description: 'The parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636)' })
export class AuthorizeApplicationInput {
  @Field(() => String, { nullable: true, description: 'Must be "code"' })
  @IsOptional()
  @MaxLength(64)
  responseType?: string | null;

  @Field()
  @MaxLength(200)
  clientId!: string;

  @Field()
  @MaxLength(2000)
  redirectUri!: string;

  @Field(() => String, { nullable: true, description: 'Space-separated; "read" when absent' })
  @IsOptional()
  @MaxLength(500)
  scope?: string | null;

  @Field(() => String, { nullable: true, description: 'Returned unchanged with the code or error' })
  @IsOptional()
  @MaxLength(1024)
  state?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(128)
  codeChallenge?: string | null;

  @Field(() => String, { nullable: true, description: 'Only "S256"' })
  @IsOptional()
  @MaxLength(16)
  codeChallengeMethod?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'OpenID Connect: echoed exactly in the ID token (scope openid); against replayed ID tokens',
  })
  @IsOptional()
  @MaxLength(512)
  nonce?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'OpenID Connect: the profile claims the consent page showed (sharedClaims), which the user allows. ' +
      'Absent: every claim the scopes name',
  })
  @IsOptional()
  @ArrayMaxSize(32)
  @MaxLength(64, { each: true })
  claims?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'OpenID Connect: none (consent_required unless consent covers the request), login (login_required: the ' +
      'hosted pages take it out once they signed the person in again), consent, select_account',
  })
  @IsOptional()
  @MaxLength(100)
  prompt?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'OpenID Connect max_age in seconds: login_required when the sign-in is older',
  })
  @IsOptional()
  @MaxLength(16)
  maxAge?: string | null;

  @Field(() => String, { nullable: true, description: 'OIDC request object: not supported (request_not_supported)' })
  @IsOptional()
  @MaxLength(8192)
  request?: string | null;

  @Field(() => String, { nullable: true, description: 'OIDC request_uri: not supported (request_uri_not_supported)' })
  @IsOptional()
  @MaxLength(2048)
  requestUri?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'The user refused: redirects with error=access_denied' })
  @IsOptional()
  denied?: boolean | null;
}

@ObjectType('AuthorizationResult', { description: 'Where to send the browser next' })
export class AuthorizationResultType {
  @Field({ description: 'The redirect URI with code, state and iss, or with error, error_description, state, iss' })
  redirectTo!: string;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field(() => String, { nullable: true })
  state!: string | null;

  @Field(() => String, { nullable: true, description: 'An RFC 6749 §4.1.2.1 error code, when refused' })
  error!: string | null;

  @Field(() => String, { nullable: true })
  errorDescription!: string | null;

  static from(outcome: AuthorizationOutcome): AuthorizationResultType {
    return Object.assign(new AuthorizationResultType(), outcome);
  }
}

@ObjectType('AuthorizedApplication', { description: 'An application the signed-in user has authorized' })
export class AuthorizedApplicationType {
  @Field(() => ID, { description: 'The application id' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  logoUrl!: string | null;

  @Field(() => [String], { description: 'The scopes granted' })
  scopes!: string[];

  @Field()
  authorizedAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  static from(consent: ApplicationConsent): AuthorizedApplicationType {
    const application = consent.application.getEntity();
    return Object.assign(new AuthorizedApplicationType(), {
      id: application.id,
      name: application.name,
      logoUrl: application.logoUrl ?? null,
      scopes: consent.scopes,
      authorizedAt: consent.authorizedAt,
      lastUsedAt: consent.lastUsedAt ?? null,
    });
  }
}
