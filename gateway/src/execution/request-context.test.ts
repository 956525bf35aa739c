import type { Request, Response } from 'express';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { anonymous } from '../../../lib/auth/principal.js';
import type { GatewayContext } from '../context.js';
import { gatewayContexts } from './request-context.js';

describe("the gateway's request context", () => {
  const setup = () => {
    const logger = pino({ level: 'silent' });
    let children = 0;
    const counting = Object.assign(Object.create(logger) as Logger, {
      child: (bindings: Record<string, unknown>) => {
        children += 1;
        return logger.child(bindings);
      },
    });
    const req = { headers: {} } as Request;
    const res = { locals: { requestId: 'req-7' } } as unknown as Response;
    const context = gatewayContexts(counting, () => ({ ipAddress: '203.0.113.9', userAgent: 'test' }))(req, res, {
      principal: anonymous,
      forward: 'Bearer abc',
    });
    return { context, children: () => children };
  };
  // What Apollo Server does to the context before each operation (ApolloServer.js cloneObject).
  const apolloCopy = (context: GatewayContext): GatewayContext =>
    Object.assign(Object.create(Object.getPrototypeOf(context) as object) as GatewayContext, context);

  it('carries the caller, the credential to forward, the request id and origin', () => {
    const { context } = setup();
    expect(context).toMatchObject({
      principal: anonymous,
      requestId: 'req-7',
      authorization: 'Bearer abc',
      origin: { ipAddress: '203.0.113.9', userAgent: 'test', uiLocales: null },
    });
  });

  it('makes no logger until something logs, not even when Apollo copies it', () => {
    const { context, children } = setup();
    apolloCopy(context);
    expect(children()).toBe(0);
  });

  it('makes one logger naming the request, shared by every copy', () => {
    const { context, children } = setup();
    const copy = apolloCopy(context);
    expect(copy.logger).toBe(context.logger);
    expect(context.logger.bindings()).toEqual({ requestId: 'req-7' });
    expect(children()).toBe(1);
  });
});
