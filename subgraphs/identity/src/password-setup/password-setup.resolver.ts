import { Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { AuthPayloadType } from '../auth/auth.types.js';
import { authPayload } from '../auth/auth.resolver.js';
import type { PasswordSetupService } from './password-setup.service.js';

@ObjectType('PasswordSetupTicket', { description: 'Deliver the token to the person; it works once, until expiresAt' })
export class PasswordSetupTicketType {
  @Field()
  token!: string;

  @Field()
  expiresAt!: Date;
}

@Resolver()
export class PasswordSetupResolver {
  constructor(private readonly passwordSetup: PasswordSetupService) {}

  @Mutation(() => PasswordSetupTicketType, {
    description: 'A single-use ticket to set the password of an account (system admins, users:write services)',
  })
  async issuePasswordSetup(@Ctx() context: SubgraphContext, @Arg('userId', () => ID) userId: string) {
    const ticket = await this.passwordSetup.issue(context.em, context.principal, userId, context.origin);
    return Object.assign(new PasswordSetupTicketType(), ticket);
  }

  @Mutation(() => AuthPayloadType, { description: 'Sets the password with a ticket and signs in' })
  async completePasswordSetup(
    @Ctx() context: SubgraphContext,
    @Arg('token') token: string,
    @Arg('newPassword') newPassword: string,
  ): Promise<AuthPayloadType> {
    return authPayload(await this.passwordSetup.complete(context.em, token, newPassword, context.origin));
  }
}
