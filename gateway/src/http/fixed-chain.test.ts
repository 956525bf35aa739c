import type { RequestListener } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../lib/http/listen.js';
import { fixedChain } from './fixed-chain.js';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function answerOf(listener: RequestListener): Promise<{ status: number; body: string }> {
  const server = await listen(listener, 0, '127.0.0.1', { component: 'a test', variable: 'PORT' });
  servers.push(server);
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, { method: 'POST' });
  return { status: response.status, body: await response.text() };
}

/** What each handler saw, written into the answer: the chain must see what express's router shows. */
function chainOf(mode: 'answers' | 'throws' | 'rejects' | 'falls through') {
  const seen: string[] = [];
  const note =
    (name: string): RequestHandler =>
    (req, _res, next) => {
      seen.push(`${name} ${req.url} ${req.baseUrl} ${req.originalUrl} ${req.path}`);
      next();
    };
  const last: RequestHandler = (req, res, next) => {
    if (mode === 'throws') throw new Error('thrown');
    if (mode === 'rejects') return Promise.reject(new Error('rejected'));
    if (mode === 'falls through') return next();
    res.json({ seen, locals: Object.keys(res.locals), ip: req.ip });
    return undefined;
  };
  const skipped: ErrorRequestHandler = (_error, _req, _res, next) => next(new Error('wrong handler'));
  const mounted: (RequestHandler | ErrorRequestHandler)[] = [note('mounted'), last];
  const caught: ErrorRequestHandler = (error: Error, req, res, next) => {
    if (error.message === 'wrong handler') return next(error);
    res.status(500).json({ seen, error: error.message, url: req.url, baseUrl: req.baseUrl });
  };
  const after: RequestHandler = (req, res) => {
    res.status(404).json({ seen, notFound: `${req.url} ${req.baseUrl}` });
  };
  return {
    before: [note('front'), (_req, res, next) => ((res.locals['id'] = 1), next())] as RequestHandler[],
    skipped,
    mounted,
    after: [after, caught],
  };
}

describe('fixedChain', () => {
  for (const mode of ['answers', 'throws', 'rejects', 'falls through'] as const) {
    it(`runs a mounted chain as express does when its handler ${mode}`, async () => {
      const viaExpress = chainOf(mode);
      const app = express();
      for (const handler of viaExpress.before) app.use(handler);
      app.use(viaExpress.skipped);
      app.use('/graphql', ...viaExpress.mounted);
      for (const handler of viaExpress.after) app.use(handler);

      const direct = chainOf(mode);
      const chain = fixedChain(app, [
        ...direct.before.map((handle) => ({ handle })),
        { handle: direct.skipped },
        ...direct.mounted.map((handle) => ({ handle, mountedAt: '/graphql' })),
        ...direct.after.map((handle) => ({ handle })),
      ]);

      const expected = await answerOf(app);
      expect(await answerOf(chain)).toEqual(expected);
      expect(expected.status).toBe({ answers: 200, throws: 500, rejects: 500, 'falls through': 404 }[mode]);
    });
  }
});
