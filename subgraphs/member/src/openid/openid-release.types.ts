import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * Identity's OpenIdRelease (an ID token or a userinfo answer being prepared), extended here with what
 * the member lets out. Its key is identity's sealed ticket (lib/oidc/release-seal.ts).
 */
@ObjectType('OpenIdRelease')
@Directive('@key(fields: "ticket")')
export class MemberOpenIdRelease {
  @Field({ description: 'Sealed by identity: who, which application, which claims' })
  @Directive('@inaccessible')
  ticket!: string;
}
