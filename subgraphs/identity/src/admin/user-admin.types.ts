import { Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { numberedPageOf } from '../../../../lib/graphql/numbered-page.js';
import type { Tenant } from '../tenant/tenant.entity.js';
import { UserType } from '../user/user.types.js';

@ObjectType('UserPage', { description: 'One page of users, newest last' })
export class UserPageType extends numberedPageOf(UserType, { total: 'Users matching the filters, across all pages' }) {}

@ObjectType('Tenant', { description: 'An organisation; every user belongs to exactly one' })
export class TenantType {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  static from(tenant: Tenant): TenantType {
    return Object.assign(new TenantType(), {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      createdAt: tenant.createdAt,
    });
  }
}

@InputType()
export class CreateTenantInput {
  @Field({ description: 'Lower-case letters, digits and dashes; unique' })
  @Length(2, 63)
  @Matches(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { message: 'must be lower-case letters, digits and inner dashes' })
  slug!: string;

  @Field()
  @Length(1, 200)
  name!: string;
}
