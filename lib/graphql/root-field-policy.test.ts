import 'reflect-metadata';
import { buildSchema as buildGraphQLSchema, graphql } from 'graphql';
import { Mutation, Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { anonymous, type Principal } from '../auth/principal.js';
import { limited, splitPermissions } from './root-field-policy.js';
import { allow, roleIn, signedIn } from './shield.js';
import { buildFederatedSubgraph } from './subgraph-schema.js';

@Resolver()
class LimitedProbeResolver {
  @Query(() => String)
  open(): string {
    return 'open';
  }

  @Query(() => String)
  adminReport(): string {
    return 'admin data';
  }

  @Mutation(() => String)
  signIn(): string {
    return 'token';
  }

  @Mutation(() => String)
  archive(): string {
    return 'archived';
  }

  @Mutation(() => String)
  restore(): string {
    return 'restored';
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

describe('root fields declared with their rate-limit class', async () => {
  const systemAdmins = roleIn('SYSTEM_ADMIN');
  const { schema, rootFieldClasses } = await buildFederatedSubgraph({
    resolvers: [LimitedProbeResolver],
    referenceResolvers: {},
    permissions: {
      Query: { open: signedIn, adminReport: limited('admin', systemAdmins) },
      Mutation: { signIn: limited('auth', allow), restore: signedIn, '*': limited('admin', systemAdmins) },
    },
  });
  const run = (source: string, principal: Principal) =>
    graphql({ schema, source, contextValue: { principal, loaders: new Map() } });

  it('lists each class beside its field, `*` as the fields not named, and leaves general unlisted', () => {
    expect(rootFieldClasses).toEqual({
      'Query.adminReport': 'admin',
      'Mutation.signIn': 'auth',
      'Mutation.archive': 'admin',
    });
  });

  it('still enforces the rule that `limited` carries', async () => {
    expect((await run('{ adminReport }', user('USER'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await run('{ adminReport }', user('SYSTEM_ADMIN'))).data).toEqual({ adminReport: 'admin data' });
    expect((await run('mutation { archive }', user('USER'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await run('mutation { signIn }', anonymous)).data).toEqual({ signIn: 'token' });
    expect((await run('mutation { restore }', anonymous)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses a class on a field the gateway does not budget (not a root field)', () => {
    const sdl = buildGraphQLSchema('type Query { a: Thing } type Thing { b: String }');
    expect(() => splitPermissions({ Thing: { b: limited('admin', allow) } }, sdl)).toThrow(/root field/);
  });

  it('accepts only a known class other than the default', () => {
    // @ts-expect-error -- not a rate-limit class
    limited('burst', allow);
    // @ts-expect-error -- general is what a field without `limited` gets: one way to say it
    limited('general', allow);
    expect(limited('internal', allow)).toBeDefined();
  });
});
