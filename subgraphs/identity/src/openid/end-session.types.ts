import { IsOptional, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import type { EndSessionOutcome } from './end-session.service.js';

@InputType({ description: 'OpenID Connect RP-Initiated Logout 1.0 §2 request parameters' })
export class EndApplicationSessionInput {
  @Field(() => String, { nullable: true, description: 'An ID token this issuer gave the application (may be expired)' })
  @IsOptional()
  @MaxLength(8192)
  idTokenHint?: string | null;

  @Field(() => String, { nullable: true, description: 'Must be the hint audience when both are sent' })
  @IsOptional()
  @MaxLength(200)
  clientId?: string | null;

  @Field(() => String, { nullable: true, description: "One of the application's postLogoutRedirectUris, exactly" })
  @IsOptional()
  @MaxLength(2000)
  postLogoutRedirectUri?: string | null;

  @Field(() => String, { nullable: true, description: 'Returned unchanged with the redirect' })
  @IsOptional()
  @MaxLength(1024)
  state?: string | null;
}

@ObjectType('EndApplicationSessionResult', { description: 'What the end-session endpoint does next' })
export class EndApplicationSessionResultType {
  @Field(() => String, { nullable: true, description: 'Where to send the browser; null: show a signed-out page' })
  redirectTo!: string | null;

  @Field(() => String, { nullable: true, description: 'The user the ID token named (whose hosted session ends)' })
  subject!: string | null;

  @Field({ description: "Whether the application's grant (the hint's sid) was ended now" })
  grantEnded!: boolean;

  static from(outcome: EndSessionOutcome): EndApplicationSessionResultType {
    return Object.assign(new EndApplicationSessionResultType(), outcome);
  }
}
