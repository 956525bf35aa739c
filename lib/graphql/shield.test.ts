import 'reflect-metadata';
import { graphql } from 'graphql';
import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { anonymous, type Principal } from '../auth/principal.js';
import type { SubgraphContext } from './context.js';
import { roleIn, signedIn } from './shield.js';
import { buildFederatedSubgraph } from './subgraph-schema.js';

@ObjectType()
class Probe {
  @Field()
  allowedField!: string;

  @Field()
  forgottenField!: string;
}

@Resolver()
class ProbeResolver {
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

  it('keeps the federation fields the gateway needs open', async () => {
    const result = await run('{ _service { sdl } }', anonymous);
    expect(result.errors).toBeUndefined();
    expect((result.data as { _service: { sdl: string } })._service.sdl).toContain('type Probe');
  });
});
