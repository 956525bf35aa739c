import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { systemAdministrator } from '../../../../lib/graphql/admin-callers.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { ApiClientService, IssuedCredentials } from './api-client.service.js';
import { ApiClientCredentialsType, ApiClientType, CreateApiClientInput } from './api-client.types.js';

function credentials(issued: IssuedCredentials): ApiClientCredentialsType {
  return Object.assign(new ApiClientCredentialsType(), {
    client: ApiClientType.from(issued.client),
    clientKey: issued.clientKey,
    apiKey: issued.apiKey,
  });
}

@Resolver()
export class ApiClientResolver {
  constructor(private readonly clients: ApiClientService) {}

  @Query(() => [ApiClientType], { description: 'Every API client (system administrators)' })
  async apiClients(@Ctx() context: SubgraphContext): Promise<ApiClientType[]> {
    systemAdministrator(context);
    return (await this.clients.list(context.em)).map((c) => ApiClientType.from(c));
  }

  @Mutation(() => ApiClientCredentialsType, { description: 'Registers a service; its API key is shown once' })
  async createApiClient(@Ctx() context: SubgraphContext, @Arg('input') input: CreateApiClientInput) {
    return credentials(await this.clients.create(context.em, systemAdministrator(context), input, context.origin));
  }

  @Mutation(() => ApiClientCredentialsType, { description: 'Issues a new API key; the old one stops working' })
  async rotateApiClientKey(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string) {
    return credentials(await this.clients.rotate(context.em, systemAdministrator(context), id, context.origin));
  }

  @Mutation(() => ApiClientType, { description: 'Stops a client for good' })
  async disableApiClient(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string): Promise<ApiClientType> {
    return ApiClientType.from(await this.clients.disable(context.em, systemAdministrator(context), id, context.origin));
  }
}
