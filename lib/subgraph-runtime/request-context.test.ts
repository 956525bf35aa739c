import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../auth/principal.js';
import type { UserFactsSeal } from '../auth/user-facts.js';
import type { EntityManager, SubgraphDatabase } from '../db/orm.js';
import { RequestContext } from './request-context.js';

describe('RequestContext', () => {
  const setup = () => {
    const forks: object[] = [];
    const database = {
      rows: {},
      fork: () => {
        const em = {};
        forks.push(em);
        return em as EntityManager;
      },
    } as unknown as SubgraphDatabase;
    const request = { principal: anonymous, requestId: 'r-1', origin: { ipAddress: null, userAgent: null } };
    const context = new RequestContext(request, database, {} as UserFactsSeal, pino({ level: 'silent' }));
    return { context, forks };
  };
  // What Apollo Server does to the context before each operation (ApolloServer.ts cloneObject).
  const apolloCopy = <T extends object>(object: T): T =>
    Object.assign(Object.create(Object.getPrototypeOf(object) as object) as T, object);

  it('forks no EntityManager until a resolver asks, not even when Apollo copies it', () => {
    const { context, forks } = setup();
    const copy = apolloCopy(context);
    expect(forks).toHaveLength(0);
    expect(copy.rows).toBe(context.rows);
    expect(copy.loaders).toBe(context.loaders);
  });

  it('forks once per request, shared by every copy', () => {
    const { context, forks } = setup();
    const copy = apolloCopy(context);
    expect(copy.em).toBe(context.em);
    expect(forks).toHaveLength(1);
    expect(copy.logger).toBe(context.logger);
    expect(context.logger.bindings()).toEqual({ requestId: 'r-1' });
  });
});
