import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Role } from '../../../../lib/auth/principal.js';
import { authenticatedHolder } from '../../../../lib/graphql/shield.js';
import type { UserAccount } from './user.entity.js';

export enum RoleEnum {
  SYSTEM_ADMIN = 'SYSTEM_ADMIN',
  GROUP_ADMIN = 'GROUP_ADMIN',
  USER = 'USER',
}
registerEnumType(RoleEnum, { name: 'Role', description: 'What a user may administer' });

/** What a User is built from besides its tenant: the account's public columns. */
export type AccountColumns = Pick<
  UserAccount,
  | 'id'
  | 'email'
  | 'emailVerifiedAt'
  | 'username'
  | 'displayName'
  | 'role'
  | 'isActive'
  | 'createdAt'
  | 'lastLoginAt'
  | 'externalSub'
>;

/** The public face of an account: no secret column can reach it. */
@ObjectType('User', { description: 'A person who can sign in' })
@Directive('@key(fields: "id")')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field({ description: "Subject identifier: the external identity provider's when provisioned from one, else the id" })
  sub!: string;

  @Field()
  email!: string;

  @Field({
    description:
      'Whether the person proved they receive mail at email (a verification link or code, or a password reset)',
  })
  emailVerified!: boolean;

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID)
  tenantId!: string;

  @Field()
  isActive!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;

  /** Set only on a User returned to the person who just authenticated as it (see shield). */
  [authenticatedHolder]?: true;

  static from(account: UserAccount): UserType {
    return UserType.of(account, account.tenant.id);
  }

  /** From the account's columns, whether read as an entity (from) or as a row (UserDirectory). */
  static of(account: AccountColumns, tenantId: string): UserType {
    return Object.assign(new UserType(), {
      id: account.id,
      sub: account.externalSub ?? account.id,
      email: account.email,
      emailVerified: Boolean(account.emailVerifiedAt),
      username: account.username ?? null,
      displayName: account.displayName ?? null,
      role: account.role,
      tenantId,
      isActive: account.isActive,
      createdAt: account.createdAt,
      lastLoginAt: account.lastLoginAt ?? null,
    });
  }

  /** The user of an AuthPayload: readable by its caller, who holds no token yet. */
  static forHolder(account: AccountColumns & { readonly tenant: { readonly id: string } }): UserType {
    return Object.assign(UserType.of(account, account.tenant.id), { [authenticatedHolder]: true as const });
  }
}
