import { IsOptional } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { ApiClient } from './api-client.entity.js';

@ObjectType('ApiClient', { description: 'A service allowed to call /internal/* with X-Client-Key + X-API-Key' })
export class ApiClientType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Sent as X-Client-Key' })
  clientKey!: string;

  @Field({ description: 'The first characters of the current API key' })
  apiKeyPrefix!: string;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => [String])
  allowedOrigins!: string[];

  @Field(() => [String])
  allowedIps!: string[];

  @Field(() => [String])
  allowedPaths!: string[];

  @Field(() => [String])
  scopes!: string[];

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  rotatedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  static from(client: ApiClient): ApiClientType {
    return Object.assign(new ApiClientType(), {
      id: client.id,
      name: client.name,
      clientKey: client.clientKey,
      apiKeyPrefix: client.apiKeyPrefix,
      expiresAt: client.expiresAt ?? null,
      allowedOrigins: client.allowedOrigins,
      allowedIps: client.allowedIps,
      allowedPaths: client.allowedPaths,
      scopes: client.scopes,
      createdAt: client.createdAt,
      rotatedAt: client.rotatedAt ?? null,
      disabledAt: client.disabledAt ?? null,
    });
  }
}

@ObjectType('ApiClientCredentials', { description: 'The API key is shown here once and never again' })
export class ApiClientCredentialsType {
  @Field(() => ApiClientType)
  client!: ApiClientType;

  @Field({ description: 'Sent as X-Client-Key' })
  clientKey!: string;

  @Field({ description: 'Sent as X-API-Key; store it now, it cannot be shown again' })
  apiKey!: string;
}

@InputType()
export class CreateApiClientInput {
  @Field()
  name!: string;

  @Field(() => Date, { nullable: true, description: 'After this the client is refused (client_expired)' })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => [String], { nullable: true, description: 'Exact origins; empty or absent allows any' })
  @IsOptional()
  allowedOrigins?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'IPv4/IPv6 addresses or CIDR ranges; empty allows any' })
  @IsOptional()
  allowedIps?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Globs under /internal/ (* within a segment, ** across); empty allows every path',
  })
  @IsOptional()
  allowedPaths?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Scopes of its service principal in GraphQL' })
  @IsOptional()
  scopes?: string[] | null;
}
