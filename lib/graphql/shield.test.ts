import 'reflect-metadata';
import { graphql, GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { anonymous, type Principal } from '../auth/principal.js';
import type { SubgraphContext } from './context.js';
import { AppError } from '../errors/index.js';
import { allow, roleIn, signedIn } from './shield.js';
import { buildFederatedSubgraph } from './subgraph-schema.js';

@ObjectType()
class Probe {
  @Field()
  allowedField!: string;

  @Field()
  forgottenField!: string;
}

/** A type opened with `allow` but for one field, and one opened whole, as catalog's grants are. */
@ObjectType()
class Listed {
  @Field()
  open!: string;

  @Field()
  adminOnly!: string;

  @Field()
  failing!: string;
}

@ObjectType()
class Leaf {
  @Field()
  value!: string;
}

@Resolver(() => Listed)
class ListedResolver {
  @FieldResolver(() => String)
  failing(): string {
    throw new AppError('CONFLICT', 'a resolver error');
  }
}

@Resolver()
class ProbeResolver {
  @Query(() => [Listed])
  listed(): Listed[] {
    return [{ open: 'o', adminOnly: 'a', failing: '' }];
  }

  @Query(() => [Leaf])
  leaves(): Leaf[] {
    return [{ value: 'v' }];
  }

  @Query(() => Probe)
  probe(@Ctx() _context: SubgraphContext): Probe {
    return { allowedField: 'yes', forgottenField: 'should never be readable' };
  }

  @Query(() => String)
  adminsOnly(): string {
    return 'admin data';
  }

  @Query(() => String)
  unguarded(): string {
    return 'nobody wrote a rule for this';
  }
}

const user = (role: 'USER' | 'SYSTEM_ADMIN'): Principal => ({
  kind: 'user',
  userId: 'u1',
  tenantId: 't1',
  role,
  scopes: [],
  sessionId: 's',
  tokenId: 'j',
  amr: ['pwd'],
  authTime: 0,
  issuedAt: 0,
  expiresAt: 0,
});

describe('subgraph shield (fallbackRule: deny)', async () => {
  const { schema } = await buildFederatedSubgraph({
    resolvers: [ProbeResolver],
    referenceResolvers: {},
    permissions: {
      Query: { probe: signedIn, adminsOnly: roleIn('SYSTEM_ADMIN') },
      Probe: { allowedField: signedIn },
    },
  });
  const run = (source: string, principal: Principal) =>
    graphql({ schema, source, contextValue: { principal, loaders: new Map() } });

  it('denies fields nobody wrote a rule for, even to admins', async () => {
    const result = await run('{ unguarded }', user('SYSTEM_ADMIN'));
    expect(result.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const nested = await run('{ probe { forgottenField } }', user('SYSTEM_ADMIN'));
    expect(nested.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('answers UNAUTHENTICATED to anonymous callers and FORBIDDEN to the wrong role', async () => {
    expect((await run('{ probe { allowedField } }', anonymous)).errors?.[0]?.extensions?.['code']).toBe(
      'UNAUTHENTICATED',
    );
    expect((await run('{ adminsOnly }', user('USER'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await run('{ adminsOnly }', user('SYSTEM_ADMIN'))).data).toEqual({ adminsOnly: 'admin data' });
    expect((await run('{ probe { allowedField } }', user('USER'))).data).toEqual({ probe: { allowedField: 'yes' } });
  });

  describe('fields whose rule is allow', async () => {
    const { schema: openSchema } = await buildFederatedSubgraph({
      resolvers: [ProbeResolver, ListedResolver],
      referenceResolvers: {},
      permissions: {
        Query: { listed: signedIn, leaves: signedIn },
        Listed: { '*': allow, adminOnly: roleIn('SYSTEM_ADMIN') },
        Leaf: allow,
      },
    });
    const open = (source: string, principal: Principal) =>
      graphql({ schema: openSchema, source, contextValue: { principal, loaders: new Map() } });

    it('are answered without shield, others of the same type stay guarded', async () => {
      expect((await open('{ listed { open } leaves { value } }', user('USER'))).data).toEqual({
        listed: [{ open: 'o' }],
        leaves: [{ value: 'v' }],
      });
      const denied = await open('{ listed { adminOnly } }', user('USER'));
      expect(denied.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect((await open('{ listed { adminOnly } }', user('SYSTEM_ADMIN'))).data).toEqual({
        listed: [{ adminOnly: 'a' }],
      });
      // The root field's rule still runs before any of them.
      expect((await open('{ leaves { value } }', anonymous)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    });

    it("pass their resolver's errors through as shield did", async () => {
      const result = await open('{ listed { failing } }', user('USER'));
      expect(result.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    });

    it('resolve synchronously: no promise per field of a long list', () => {
      const fieldOf = (type: string, field: string) =>
        (openSchema.getType(type) as GraphQLObjectType).getFields()[field]!;
      const info = {} as GraphQLResolveInfo;
      const context = { principal: user('USER'), loaders: new Map() };
      const resolved = fieldOf('Leaf', 'value').resolve?.({ value: 'v' }, {}, context, info);
      expect(resolved).toBe('v');
      const guarded = fieldOf('Listed', 'adminOnly').resolve?.({ adminOnly: 'a' }, {}, context, info);
      expect(guarded).toBeInstanceOf(Promise);
    });
  });

  it('keeps the federation fields the gateway needs open', async () => {
    const result = await run('{ _service { sdl } }', anonymous);
    expect(result.errors).toBeUndefined();
    expect((result.data as { _service: { sdl: string } })._service.sdl).toContain('type Probe');
  });
});
