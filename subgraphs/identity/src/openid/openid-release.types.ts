import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * An ID token or a userinfo answer being assembled: identity knows the grant and signs, member knows
 * the profile and the sharing flags. The key is identity's sealed ticket; member answers it with its
 * sealed `memberClaims`, which the fields here require (lib/oidc/release-seal.ts).
 */
@ObjectType('OpenIdRelease', {
  description: 'OpenID Connect claims released to an application: an ID token, or a userinfo answer',
})
@Directive('@key(fields: "ticket")')
export class OpenIdReleaseType {
  @Field({ description: 'Sealed by identity: who, which application, which claims' })
  @Directive('@inaccessible')
  ticket!: string;

  @Field(() => String, { nullable: true })
  @Directive('@external')
  memberClaims?: string | null;

  static of(ticket: string): OpenIdReleaseType {
    return Object.assign(new OpenIdReleaseType(), { ticket });
  }
}
