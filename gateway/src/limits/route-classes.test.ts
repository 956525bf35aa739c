import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes } from '../routes.js';
import { legacyRoutes } from '../rest/routes.js';
import { expressPathPattern, routeClassifier } from './route-classes.js';

const routes = declaredRoutes(legacyRoutes);
const classOf = (method: string, path: string) => routeClassifier(routes)(method, path)?.rateLimit ?? 'general';

describe('the class each route declares', () => {
  it.each([
    ['/api/v1/auth/login', 'auth'],
    ['/api/v1/auth/refresh', 'auth'],
    ['/API/V1/Auth/Login/', 'auth'],
    ['/api/v1/users/me/password', 'auth'],
    ['/api/v1/members/me/totp/verify', 'auth'],
    ['/oauth/token', 'auth'],
    ['/oauth/revoke', 'auth'],
    ['/oauth/introspect', 'auth'],
    ['/oauth/userinfo', 'general'],
    ['/api/v1/admin/users', 'admin'],
    ['/api/v1/admin/users/42/role', 'admin'],
    ['/api/v1/users/me', 'general'],
    ['/api/v1/members/me', 'general'],
    ['/internal/systems', 'internal'],
    ['/INTERNAL/members/', 'internal'],
    ['/api/v1/authx', 'general'],
    ['/health', 'unlimited'],
    ['/ready', 'unlimited'],
    ['/metrics', 'unlimited'],
    ['/.well-known/jwks.json', 'unlimited'],
    ['/.well-known/openid-configuration', 'unlimited'],
    ['/media/profile-pictures/0b7f4a1e-0000-4000-8000-000000000000/abc', 'unlimited'],
    ['/openapi.json', 'unlimited'],
  ])('%s is %s, whatever the method', (path, expected) => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
      expect(classOf(method, path)).toBe(expected);
  });

  it('is what seed 004 gives each documented path: sign-in, tokens, passwords and codes draw on auth', () => {
    const auth = routes.filter((route) => route.rateLimit === 'auth').map((route) => route.path);
    expect(new Set(auth)).toEqual(
      new Set([
        '/api/v1/auth/login',
        '/api/v1/auth/logout',
        '/api/v1/auth/refresh',
        '/api/v1/auth/authorize',
        '/api/v1/auth/token',
        '/api/v1/users/me/password',
        '/api/v1/members/me/totp/verify',
        '/oauth/token',
        '/oauth/authorize',
        '/oauth/revoke',
        '/oauth/introspect',
        // The self-service pages: sign-up, verification and password reset spend the auth budget.
        '/oauth/sign-up',
        '/oauth/verify-email',
        '/oauth/forgot-password',
        '/oauth/reset-password',
      ]),
    );
    for (const route of routes) {
      const path = route.path.toLowerCase();
      if (path.startsWith('/api/v1/admin/')) expect(route.rateLimit, path).toBe('admin');
      else if (path.startsWith('/internal/')) expect(route.rateLimit, path).toBe('internal');
      else if (route.rateLimit === 'unlimited')
        expect(path, 'only the platform and the pictures are unlimited').toMatch(
          /^\/(health|ready|metrics|openapi\.json|\.well-known\/.+|media\/profile-pictures\/.+)$/,
        );
    }
  });

  it('refuses a path written with syntax it cannot match as Express does', () => {
    expect(() => expressPathPattern('/media/*file')).toThrow(/syntax/);
    expect(() => expressPathPattern('/api/v1/users{/:id}')).toThrow(/syntax/);
    expect(expressPathPattern('/api/v1/users/:user_id').test('/API/v1/users/42/')).toBe(true);
  });
});

describe('matching', () => {
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    // Express itself, with every declared route mounted in the gateway's order, names the route it runs.
    const app = express();
    for (const route of routes) {
      app[route.method as 'get'](route.path, (_req, res) => {
        res.set('x-route', `${route.method.toUpperCase()} ${route.path}`).status(204).end();
      });
    }
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  /** Spellings of each declared path: as routed, in other cases, with slashes, encodings and extra segments. */
  function spellings(path: string): string[] {
    const concrete = path.replace(/:[A-Za-z0-9_]+/g, 'x1');
    return [
      concrete,
      concrete.toUpperCase(),
      `${concrete}/`,
      `${concrete}//`,
      `${concrete}/more`,
      `/${concrete}`,
      concrete.replace(/x1/g, 'a%2Fb'),
      concrete.replace(/x1/g, ''),
      concrete.replace(/\/[^/]+$/, '/%61'),
    ];
  }

  it('finds the route Express runs for every spelling of every declared path', async () => {
    const classify = routeClassifier(routes);
    const disagreements: string[] = [];
    for (const route of routes) {
      const methods = route.method === 'get' ? ['GET', 'HEAD'] : [route.method.toUpperCase()];
      for (const method of methods) {
        for (const path of spellings(route.path)) {
          const answer = await fetch(`${url}${path}`, { method });
          const expressRan = answer.headers.get('x-route');
          const found = classify(method, path);
          const ours = found && found.method.toUpperCase() === (method === 'HEAD' ? 'GET' : method) ? found : undefined;
          const named = ours ? `${ours.method.toUpperCase()} ${ours.path}` : null;
          if (named !== expressRan) disagreements.push(`${method} ${path}: Express ${expressRan}, ours ${named}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
