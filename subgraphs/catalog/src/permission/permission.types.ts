import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { PermissionGrant, ScopeType } from './permission-grant.entity.js';

export enum ScopeTypeEnum {
  SITE = 'SITE',
  COMPANY = 'COMPANY',
}
registerEnumType(ScopeTypeEnum, { name: 'ScopeType' });

@ObjectType('Permission', { description: 'What a user may do on a module, within a site or company' })
export class PermissionType {
  @Field(() => ID)
  id!: string;

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

  static from(row: PermissionGrant): PermissionType {
    return Object.assign(new PermissionType(), {
      id: row.id,
      scopeType: row.scopeType,
      scopeId: row.scopeKey,
      systemKey: row.systemKey,
      moduleKey: row.moduleKey,
      actions: row.actions,
    });
  }
}

@ObjectType('User')
@Directive('@key(fields: "id")')
export class CatalogUser {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  @Directive('@external')
  tenantId!: string;

  @Field(() => [PermissionType], { description: 'Permission grants held by this user' })
  @Directive('@requires(fields: "tenantId")')
  permissions?: PermissionType[];
}
