import { IsOptional, MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { TokenIntrospection } from './token-status.service.js';

@InputType({
  description: "Revocation (RFC 7009) or introspection (RFC 7662) of one of the client's own tokens",
})
export class ApplicationTokenStatusInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  clientId?: string | null;

  @Field(() => String, { nullable: true, description: 'Absent for a public client (revocation only)' })
  @IsOptional()
  @MaxLength(200)
  clientSecret?: string | null;

  @Field({ description: 'An access token or a refresh token the client was issued' })
  @MaxLength(4096)
  token!: string;

  @Field(() => String, { nullable: true, description: 'access_token or refresh_token: where to look first' })
  @IsOptional()
  @MaxLength(64)
  tokenTypeHint?: string | null;
}

@ObjectType('TokenIntrospection', { description: 'RFC 7662 §2.2; active false says nothing more' })
export class TokenIntrospectionType {
  @Field()
  active!: boolean;

  @Field(() => String, { nullable: true, description: 'access_token or refresh_token' })
  tokenType!: string | null;

  @Field(() => String, { nullable: true })
  scope!: string | null;

  @Field(() => String, { nullable: true })
  clientId!: string | null;

  @Field(() => String, { nullable: true })
  sub!: string | null;

  @Field(() => String, { nullable: true, description: "The grant's session (the sid of its tokens)" })
  sid!: string | null;

  @Field(() => Int, { nullable: true })
  exp!: number | null;

  @Field(() => Int, { nullable: true })
  iat!: number | null;

  static from(status: TokenIntrospection): TokenIntrospectionType {
    return Object.assign(new TokenIntrospectionType(), {
      active: status.active,
      tokenType: status.tokenType ?? null,
      scope: status.scope ?? null,
      clientId: status.clientId ?? null,
      sub: status.sub ?? null,
      sid: status.sid ?? null,
      exp: status.exp ?? null,
      iat: status.iat ?? null,
    });
  }
}
