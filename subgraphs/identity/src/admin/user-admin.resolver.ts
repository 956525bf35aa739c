import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { USERS_READ_SCOPE } from '../api-client/scopes.js';
import { administrator } from '../../../../lib/graphql/admin-callers.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import type { TenantService } from '../tenant/tenant.service.js';
import { RoleEnum, UserType } from '../user/user.types.js';
import type { UserAdminService } from './user-admin.service.js';
import { CreateTenantInput, TenantType, UserPageType } from './user-admin.types.js';

/** Administrators, or a service whose scopes shield has checked (`users:read`). */
function reader(context: SubgraphContext) {
  if (context.principal.kind === 'service' && context.principal.scopes.includes(USERS_READ_SCOPE))
    return context.principal;
  return administrator(context);
}

@Resolver()
export class UserAdminResolver {
  constructor(
    private readonly userAdmin: UserAdminService,
    private readonly tenantAdmin: TenantService,
  ) {}

  @Query(() => UserPageType, { description: 'Users an administrator manages (a group admin: its tenant only)' })
  async users(
    @Ctx() context: SubgraphContext,
    @Arg('search', () => String, { nullable: true, description: 'Part of an email, username, display name or sub' })
    search: string | null,
    @Arg('role', () => RoleEnum, { nullable: true }) role: RoleEnum | null,
    @Arg('page', () => Int, { defaultValue: 1 }) page: number,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
  ): Promise<UserPageType> {
    const result = await this.userAdmin.list(context.em, reader(context), { search, role, page, limit });
    return Object.assign(new UserPageType(), { ...result, items: result.items.map((u) => UserType.from(u)) });
  }

  @Query(() => UserType, { description: 'One user an administrator manages' })
  async user(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string): Promise<UserType> {
    return UserType.from(await this.userAdmin.get(context.em, reader(context), id));
  }

  @Mutation(() => UserType, { description: "Changes a user's role; the user signs in again" })
  async setUserRole(
    @Ctx() context: SubgraphContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => RoleEnum) role: RoleEnum,
  ): Promise<UserType> {
    return UserType.from(
      await this.userAdmin.setRole(context.em, administrator(context), userId, role, context.origin),
    );
  }

  @Mutation(() => UserType, { description: 'Enables or disables an account; disabling ends its sessions' })
  async setUserActive(
    @Ctx() context: SubgraphContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('isActive') isActive: boolean,
  ): Promise<UserType> {
    return UserType.from(
      await this.userAdmin.setActive(context.em, administrator(context), userId, isActive, context.origin),
    );
  }

  @Mutation(() => UserType, {
    description:
      "Removes a user's authenticator and backup codes, for one who lost them, and ends the user's sessions; " +
      'the user signs in with the password and may enroll again (not your own: disableTotp)',
  })
  async removeUserAuthenticator(
    @Ctx() context: SubgraphContext,
    @Arg('userId', () => ID) userId: string,
  ): Promise<UserType> {
    return UserType.from(
      await this.userAdmin.removeAuthenticator(context.em, administrator(context), userId, context.origin),
    );
  }

  @Mutation(() => Boolean, {
    description:
      'Deletes an account: its personal data, password and second factor are erased and its sessions end ' +
      '(a group admin: its own tenant, not system admins; nobody deletes themselves or the last system admin)',
  })
  async deleteUser(@Ctx() context: SubgraphContext, @Arg('userId', () => ID) userId: string): Promise<boolean> {
    await this.userAdmin.delete(context.em, administrator(context), userId, context.origin);
    return true;
  }

  @Query(() => [TenantType], { description: 'Every tenant (system administrators)' })
  async tenants(@Ctx() context: SubgraphContext): Promise<TenantType[]> {
    return (await this.tenantAdmin.list(context.em)).map((t) => TenantType.from(t));
  }

  @Mutation(() => TenantType, { description: 'Creates a tenant (system administrators)' })
  async createTenant(@Ctx() context: SubgraphContext, @Arg('input') input: CreateTenantInput): Promise<TenantType> {
    return TenantType.from(await this.tenantAdmin.create(context.em, administrator(context), input, context.origin));
  }

  @Mutation(() => UserType, {
    description: 'Moves a user to another tenant; the user signs in again (system administrators)',
  })
  async moveUserToTenant(
    @Ctx() context: SubgraphContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('tenantId', () => ID) tenantId: string,
  ): Promise<UserType> {
    return UserType.from(
      await this.userAdmin.moveToTenant(context.em, administrator(context), userId, tenantId, context.origin),
    );
  }
}
