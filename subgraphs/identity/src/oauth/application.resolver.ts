import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { administrator } from '../../../../lib/graphql/admin-callers.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { ApplicationService, IssuedApplicationSecret } from './application.service.js';
import {
  ApplicationCredentialsType,
  ApplicationType,
  CreateApplicationInput,
  PublicApplicationType,
  toClientType,
  UpdateApplicationInput,
} from './application.types.js';

function credentials(issued: IssuedApplicationSecret): ApplicationCredentialsType {
  return Object.assign(new ApplicationCredentialsType(), {
    application: ApplicationType.from(issued.application),
    clientId: issued.application.clientId,
    clientSecret: issued.clientSecret,
  });
}

/** Administrators (a group admin: its own tenant's applications) register OAuth applications. */
@Resolver()
export class ApplicationResolver {
  constructor(private readonly registry: ApplicationService) {}

  @Query(() => [ApplicationType], { description: 'OAuth applications the caller administers, oldest first' })
  async applications(@Ctx() context: SubgraphContext): Promise<ApplicationType[]> {
    return (await this.registry.list(context.em, administrator(context))).map((a) => ApplicationType.from(a));
  }

  @Query(() => ApplicationType, { description: 'One OAuth application the caller administers' })
  async application(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string): Promise<ApplicationType> {
    return ApplicationType.from(await this.registry.get(context.em, administrator(context), id));
  }

  @Query(() => PublicApplicationType, {
    description: "Any application's public face (name, description, theme), for every signed-in member",
  })
  async publicApplication(
    @Ctx() context: SubgraphContext,
    @Arg('id', () => ID) id: string,
  ): Promise<PublicApplicationType> {
    return PublicApplicationType.from(await this.registry.getPublic(context.em, id));
  }

  @Mutation(() => ApplicationCredentialsType, { description: 'Registers an application; its secret is shown once' })
  async createApplication(
    @Ctx() context: SubgraphContext,
    @Arg('input') input: CreateApplicationInput,
  ): Promise<ApplicationCredentialsType> {
    const issued = await this.registry.create(
      context.em,
      administrator(context),
      { ...input, clientType: input.clientType ? toClientType(input.clientType) : null },
      context.origin,
    );
    return credentials(issued);
  }

  @Mutation(() => ApplicationType, { description: "Changes an application's registration" })
  async updateApplication(
    @Ctx() context: SubgraphContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateApplicationInput,
  ): Promise<ApplicationType> {
    return ApplicationType.from(
      await this.registry.update(context.em, administrator(context), id, input, context.origin),
    );
  }

  @Mutation(() => Boolean, { description: 'Deletes an application; every token it holds stops working' })
  async deleteApplication(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    await this.registry.delete(context.em, administrator(context), id, context.origin);
    return true;
  }

  @Mutation(() => ApplicationCredentialsType, {
    description: 'Issues a new client secret, shown once; the old one stops working at once',
  })
  async regenerateApplicationSecret(
    @Ctx() context: SubgraphContext,
    @Arg('id', () => ID) id: string,
  ): Promise<ApplicationCredentialsType> {
    return credentials(await this.registry.regenerateSecret(context.em, administrator(context), id, context.origin));
  }
}
