import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../../lib/logging/logger.js';

/** Whether some application registered this origin (`allowed_origins`). */
export type OriginRegistry = (origin: string) => Promise<boolean>;

/** A path browser applications may call, with its methods. */
export interface BrowserPath {
  readonly path: string;
  readonly methods: readonly string[];
}

/** Bearer tokens and JSON bodies; seed 003's X-Tenant-ID/X-UID fallback is not for browsers. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Request-Id';
/** What an application needs to read beyond the CORS-safelisted headers (rate limits, refusals). */
const EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'WWW-Authenticate',
  'X-Request-Id',
].join(', ');
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * The registered origins, read from identity (`GET /applications/origins`) at most every `cacheMs`,
 * so a new or removed origin takes effect within seconds. While identity cannot answer, the last
 * list stands; with none yet, no origin is allowed (CORS fails closed).
 */
export function createOriginRegistry(options: { url: string; logger: Logger; cacheMs?: number }): OriginRegistry {
  const cacheMs = options.cacheMs ?? 5_000;
  let known: { origins: ReadonlySet<string>; at: number } | undefined;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    try {
      const answer = await fetch(options.url, { signal: AbortSignal.timeout(5_000) });
      if (!answer.ok) throw new Error(`identity answered ${answer.status}`);
      const { origins } = (await answer.json()) as { origins: string[] };
      known = { origins: new Set(origins), at: Date.now() };
    } catch (error) {
      options.logger.warn({ err: error }, 'registered application origins are unavailable');
    }
  }

  return async (origin) => {
    if (!known || Date.now() - known.at >= cacheMs) {
      // One request to identity at a time, however many browsers ask.
      loading ??= load().finally(() => {
        loading = undefined;
      });
      await loading;
    }
    return known?.origins.has(origin) ?? false;
  };
}

/** The caller's origin, when a registered one: only then is anything said to the browser. */
async function registeredOrigin(req: Request, isRegistered: OriginRegistry): Promise<string | undefined> {
  const origin = req.get('origin');
  return origin && (await isRegistered(origin)) ? origin : undefined;
}

/**
 * CORS for browser applications on `paths`: a preflight is answered at once (before rate limits),
 * and every answer, refusals included, tells a registered origin it may read it. The exact origin is
 * echoed with `Vary: Origin`, never `*`, and no credentials are allowed: these routes take bearer
 * tokens, not cookies. An origin no application registered gets no CORS header at all.
 */
export function browserCors(paths: readonly BrowserPath[], isRegistered: OriginRegistry): Router {
  const router = express.Router();
  for (const { path, methods } of paths) {
    const allowed = methods.map((method) => method.toUpperCase()).join(', ');
    router.options(path, async (req, res, next) => {
      try {
        res.vary('Origin').vary('Access-Control-Request-Method').vary('Access-Control-Request-Headers');
        const origin = await registeredOrigin(req, isRegistered);
        if (origin && req.get('access-control-request-method')) {
          res.set({
            'Access-Control-Allow-Origin': origin,
            'Access-Control-Allow-Methods': allowed,
            'Access-Control-Allow-Headers': ALLOWED_HEADERS,
            'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
          });
        }
        res.set('Allow', `${allowed}, OPTIONS`).status(204).end();
      } catch (error) {
        next(error);
      }
    });
    router.all(path, async (req, res, next) => {
      try {
        res.vary('Origin');
        const origin = await registeredOrigin(req, isRegistered);
        if (origin)
          res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS });
        next();
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}

/**
 * Narrows one answer to the origins of the application it belongs to (a token endpoint's tokens): an
 * origin another application registered may call the path, but not read this answer.
 */
export function readableOnlyBy(req: Request, res: Response, origins: readonly string[]): void {
  const origin = req.get('origin');
  if (origin && !origins.includes(origin)) {
    res.removeHeader('Access-Control-Allow-Origin');
    res.removeHeader('Access-Control-Expose-Headers');
  }
}
