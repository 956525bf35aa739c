import { ArrayNotEmpty, Length } from 'class-validator';
import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { ScopeType } from './permission-grant.entity.js';
import type { GrantRecord, GrantRequest } from './permission.service.js';

export enum ScopeTypeEnum {
  SITE = 'SITE',
  COMPANY = 'COMPANY',
}
registerEnumType(ScopeTypeEnum, { name: 'ScopeType' });

@ObjectType('Permission', { description: 'What a user may do on a module, within a site or company' })
export class PermissionType {
  @Field(() => ID)
  id!: string;

  @Field({ description: "The user's subject: external IdP subject, else the user id" })
  userSub!: string;

  @Field(() => ScopeTypeEnum)
  scopeType!: ScopeType;

  @Field({ description: 'Business key of the site or company' })
  scopeId!: string;

  @Field()
  systemKey!: string;

  @Field()
  moduleKey!: string;

  @Field(() => [String])
  actions!: string[];

  static from(row: GrantRecord): PermissionType {
    return Object.assign(new PermissionType(), {
      id: row.id,
      userSub: row.userSub,
      scopeType: row.scopeType,
      scopeId: row.scopeKey,
      systemKey: row.systemKey,
      moduleKey: row.moduleKey,
      actions: row.actions,
    });
  }
}

@ObjectType('PermissionSnapshot', { description: 'Every grant of one user, as the legacy snapshot serves it' })
export class PermissionSnapshotType {
  @Field()
  userSub!: string;

  @Field(() => [PermissionType])
  permissions!: PermissionType[];
}

@InputType('GrantPermissionInput')
export class GrantPermissionInput implements GrantRequest {
  @Field({ description: "The user's subject (User.sub)" })
  @Length(1, 255)
  userSub!: string;

  @Field(() => ScopeTypeEnum)
  scopeType!: ScopeType;

  @Field({ description: 'Business key of an existing site or company, per scopeType' })
  scopeId!: string;

  @Field({ description: 'Business key of an existing system' })
  systemKey!: string;

  @Field({ description: 'Business key of an existing module of that system' })
  moduleKey!: string;

  @Field(() => [String], { description: 'Non-empty; each ^[a-z][a-z0-9_.-]{0,63}$; duplicates dropped' })
  @ArrayNotEmpty()
  actions!: string[];
}

/**
 * Identity's User, extended here; `sub` names the user's grants, `tenantId` scopes admins. Both come
 * sealed by identity (`accessFacts`, lib/auth/user-facts.ts), never from what the caller claims.
 */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class CatalogUser {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @Directive('@external')
  accessFacts?: string | null;

  /** From the verified facts only (lib/graphql/user-reference.ts); not fields of this subgraph. */
  sub?: string;
  tenantId?: string;

  @Field(() => [PermissionType], { description: 'Permission grants held by this user' })
  @Directive('@requires(fields: "accessFacts")')
  permissions?: PermissionType[];
}
