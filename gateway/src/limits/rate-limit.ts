import { isIP } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { anonymous, type Principal } from '../../../lib/auth/principal.js';
import { isAdmin } from '../../../lib/auth/policies.js';
import type { AppConfig } from '../../../lib/config/env.js';
import { AppError, formatGraphQLError } from '../../../lib/errors/index.js';
import { normaliseAddress } from '../../../lib/http/address-match.js';
import type { Logger } from '../../../lib/logging/logger.js';
import {
  createGraphQLClassifier,
  type GraphQLCharge,
  type RateLimitClass,
  type RateLimits,
} from './rate-limit-classes.js';
import { credentialReaderFor, type CredentialOwner, type CredentialReader } from './rate-limit-credentials.js';
import type { RateLimitOutcome, RateLimitPolicy } from './rate-limit-gcra.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import { routeClassifier, type RateLimitedRoute } from './route-classes.js';

/**
 * Per-client request budgets (seed 004 "Rate Limiting") for REST and GraphQL alike.
 *
 * - Budget: per class and client, `RATE_LIMIT_<CLASS>_PER_MINUTE` per minute: the class each route
 *   declares (route-classes.ts; a path no route declares is `general`), or for GraphQL its root
 *   fields' (rate-limit-classes.ts),
 *   spent with GCRA (rate-limit-gcra.ts): a burst of the whole budget, then one request per
 *   60 s / limit.
 * - Client: the user (`sub`) of a valid access token or the API client of valid keys; otherwise the
 *   address the gateway believes (TRUSTED_PROXIES), IPv6 by /64 as one host usually holds a whole
 *   /64. A credential that fails verification counts against the address: it is refused later anyway.
 * - The auth budget is the most specific owner the request proves (rate-limit-credentials.ts): a
 *   confidential client's token requests are the application's, a refresh is its session's, and a
 *   member's authorization approval is the member's general request. Sign-ins stay the address's (a
 *   bearer token attached must not open a fresh budget for password guessing per account the guesser
 *   owns; identity's per-account throttle counts the account), as does anything proving nothing.
 * - `/internal/*` is the internal budget of the API client calling it (batch jobs); a request without
 *   valid keys there costs its address general budget.
 * - Cost: one per request, except that a GraphQL operation pays one auth request per auth root field
 *   it runs (rate-limit-classes.ts), so aliased sign-ins in one document are not free guesses.
 * - The admin budget is for admins and API clients; anyone else's admin requests (refused by the
 *   subgraphs) draw on their general budget, so that nobody gets the larger budget by asking for
 *   admin fields.
 * - Headers (draft-ietf-httpapi-ratelimit-headers-06, the widely implemented form): every limited
 *   response carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the
 *   whole budget is back) and `RateLimit-Policy: <limit>;w=60`; a refusal adds `Retry-After`.
 * - Refusal: 429 in the family's dialect (REST) or a GraphQL error `RATE_LIMITED` (HTTP 429).
 * - Store unreachable (Redis down): fail open, with a logged warning. An identity platform that locks
 *   everyone out because a cache is down does more harm than one that is briefly unlimited; the
 *   per-account sign-in throttle in identity (PostgreSQL) still stands.
 */

export const RATE_LIMIT_WINDOW_MS = 60_000;

export interface RateLimiterOptions {
  readonly limits: RateLimits;
  readonly store: RateLimitStore;
  readonly logger: Logger;
  /** MAX_QUERY_TOKENS: the most of a GraphQL document worth parsing to classify it. */
  readonly maxQueryTokens: number;
  /** Who the request's credential proves it is; anonymous (or a throw) means keyed by address. */
  readonly identify: (req: Request) => Promise<Principal>;
  /** The client's address as the gateway determines it (TRUSTED_PROXIES). */
  readonly clientAddress: (req: Request) => string | null;
  /** Whose auth budget a token request or refresh is; without it, every one is the address's. */
  readonly credentialOwner?: CredentialOwner;
  /** Told of every refusal (metrics). */
  readonly onRefusal?: (cls: RateLimitClass) => void;
  /** Every route the gateway serves but `/graphql`, in mount order, with the budget each declares. */
  readonly routes: readonly RateLimitedRoute[];
  /** Answers a refused request to one of them (the REST layer's dialect of its path). */
  readonly refuseHttp: (req: Request, res: Response, error: AppError) => void;
}

export interface RateLimiter {
  /** Before every route: REST and everything else, except `/graphql` and the unlimited paths. */
  readonly http: RequestHandler;
  /** In the `/graphql` chain after its body parser: classified by the operation's root fields. */
  readonly graphql: RequestHandler;
  close(): Promise<void>;
}

/** The first four groups of an IPv6 address (its /64), e.g. `2001:db8:0:1::/64`. */
export function ipv6Prefix64(address: string): string {
  let text = address.toLowerCase();
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':');
    groups.push(...Array<string>(8 - groups.length - tailGroups.length).fill('0'), ...tailGroups);
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** The budget's owner: a user, an API client, or an address. */
export function clientKeyOf(principal: Principal, address: string | null): string {
  if (principal.kind === 'user') return `user:${principal.userId}`;
  if (principal.kind === 'service') return `client:${principal.clientId}`;
  if (!address) return 'ip:unknown';
  const plain = normaliseAddress(address.split('%')[0] ?? address);
  return isIP(plain) === 6 ? `ip:${ipv6Prefix64(plain)}` : `ip:${plain}`;
}

/**
 * Admins and API clients may use the admin budget, API clients the internal one; anyone else's
 * requests there count as general.
 */
export function effectiveClass(requested: RateLimitClass, principal: Principal): RateLimitClass {
  if (requested === 'internal') return principal.kind === 'service' ? 'internal' : 'general';
  return requested === 'admin' && !(isAdmin(principal) || principal.kind === 'service') ? 'general' : requested;
}

export function setRateLimitHeaders(res: Response, outcome: RateLimitOutcome): void {
  res.set({
    'RateLimit-Limit': String(outcome.limit),
    'RateLimit-Remaining': String(outcome.remaining),
    'RateLimit-Reset': String(Math.ceil(outcome.resetMs / 1000)),
    'RateLimit-Policy': `${outcome.limit};w=${RATE_LIMIT_WINDOW_MS / 1000}`,
  });
  if (!outcome.allowed) res.set('Retry-After', String(retryAfterSeconds(outcome)));
}

const retryAfterSeconds = (outcome: RateLimitOutcome) => Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));

function refusal(cls: RateLimitClass, outcome: RateLimitOutcome): AppError {
  const seconds = retryAfterSeconds(outcome);
  return new AppError(
    'RATE_LIMITED',
    `Too many ${cls} requests (${outcome.limit} per minute); retry after ${seconds} s`,
    { details: { retryAfterSeconds: seconds } },
  );
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limits, store, logger } = options;
  const classifyGraphQL = createGraphQLClassifier({ limits, maxTokens: options.maxQueryTokens });
  const routeOf = routeClassifier(options.routes);

  // One warning per interval while the store fails, not one per request.
  let failuresSinceWarning = 0;
  let lastWarning = 0;
  const warnStoreFailure = (error: unknown) => {
    failuresSinceWarning += 1;
    if (Date.now() - lastWarning < 30_000) return;
    logger.warn(
      { err: error, requestsLetThrough: failuresSinceWarning },
      'rate limit store unavailable: requests pass without rate limiting (fail open)',
    );
    lastWarning = Date.now();
    failuresSinceWarning = 0;
  };

  const identify = (req: Request) => options.identify(req).catch(() => anonymous);
  const addressOf = (req: Request) => clientKeyOf(anonymous, options.clientAddress(req));

  /** Which budget pays, and whose it is (`user:…`, `client:…`, `session:…`, `app:…`, `ip:…`). */
  async function budgetOf(req: Request, charge: GraphQLCharge): Promise<{ cls: RateLimitClass; owner: string }> {
    const { credential } = charge;
    if (charge.class !== 'auth') {
      const principal = await identify(req);
      return {
        cls: effectiveClass(charge.class, principal),
        owner: clientKeyOf(principal, options.clientAddress(req)),
      };
    }
    if (credential?.kind === 'approval') {
      const principal = await identify(req);
      return principal.kind === 'user'
        ? { cls: 'general', owner: clientKeyOf(principal, null) }
        : { cls: 'auth', owner: addressOf(req) };
    }
    const owner =
      credential && options.credentialOwner
        ? await options.credentialOwner(credential).catch((error: unknown) => {
            logger.warn({ err: error }, 'rate limit credential check failed; charging the address');
            return undefined;
          })
        : undefined;
    return { cls: 'auth', owner: owner ?? addressOf(req) };
  }

  /** Counts the request; undefined when the store failed (the request passes, without headers). */
  async function consume(req: Request, charge: GraphQLCharge) {
    const { cls, owner } = await budgetOf(req, charge);
    const policy: RateLimitPolicy = { limit: limits[cls], windowMs: RATE_LIMIT_WINDOW_MS };
    try {
      const outcome = await store.hit(`${cls}:${owner}`, policy, charge.cost);
      return { cls, outcome };
    } catch (error) {
      warnStoreFailure(error);
      return undefined;
    }
  }

  /** A charge, and for a path whose credential is in its body, how that body went (read-credentials). */
  interface Classified {
    readonly charge: GraphQLCharge;
    readonly reader?: CredentialReader;
    readonly unreadable?: unknown;
  }

  function limited(
    classify: (req: Request, res: Response) => Promise<Classified | 'unlimited'>,
    refuse: (req: Request, res: Response, error: AppError) => void,
  ): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      let classified: Classified | 'unlimited';
      try {
        classified = await classify(req, res);
      } catch (error) {
        // A classification bug must not take the API down: count it as general.
        logger.error({ err: error }, 'rate limit classification failed');
        classified = { charge: { class: 'general', cost: 1 } };
      }
      if (classified === 'unlimited') return next();
      const { reader, unreadable } = classified;
      // A body that could not be read proves nothing: charged to the address, then answered as its route would.
      const pass = () => (reader && unreadable ? reader.refuseUnreadable(req, res, next, unreadable) : next());
      const counted = await consume(req, classified.charge);
      if (!counted) return pass();
      setRateLimitHeaders(res, counted.outcome);
      if (counted.outcome.allowed) return pass();
      options.onRefusal?.(counted.cls);
      refuse(req, res, refusal(counted.cls, counted.outcome));
    };
  }

  const isGraphQLPath = (path: string) => /^\/graphql(\/|$)/i.test(path);

  return {
    http: limited(
      // `/graphql` is counted by the handler below, once its body tells the operation.
      async (req, res) => {
        if (isGraphQLPath(req.path)) return 'unlimited';
        const route = routeOf(req.method, req.path);
        const cls = route?.rateLimit ?? 'general';
        if (cls === 'unlimited') return cls;
        const reader = route && cls === 'auth' ? credentialReaderFor(req.method, route.path) : undefined;
        if (!reader) return { charge: { class: cls, cost: 1 } };
        // Token requests and refreshes carry their credential in the body: read it first, as the route would.
        const { credential, unreadable } = await reader.read(req, res);
        return { charge: { class: cls, cost: 1, credential }, reader, unreadable };
      },
      options.refuseHttp,
    ),
    graphql: limited(
      async (req) => ({ charge: classifyGraphQL(req.method === 'GET' ? graphqlGetRequest(req) : req.body) }),
      (_req, res, error) => {
        res.status(error.status).json({ errors: [formatGraphQLError(error.toJSON())] });
      },
    ),
    close: () => store.close(),
  };
}

/** GraphQL over GET: the operation in the query string, `extensions` as JSON (persisted queries). */
function graphqlGetRequest(req: Request): Record<string, unknown> {
  const param = (name: string) => {
    const value: unknown = req.query[name];
    return typeof value === 'string' ? value : undefined;
  };
  let extensions: unknown;
  try {
    extensions = JSON.parse(param('extensions') ?? 'null');
  } catch {
    extensions = undefined;
  }
  return { query: param('query'), operationName: param('operationName'), extensions };
}

/**
 * The gateway's limiter from its configuration: Redis when REDIS_URL is set (replicas share budgets;
 * the first connection is awaited briefly), else this process's memory.
 */
export async function createGatewayRateLimiter(
  config: Pick<AppConfig, 'rateLimits' | 'redisUrl' | 'queryLimits'>,
  logger: Logger,
  caller: Pick<
    RateLimiterOptions,
    'identify' | 'clientAddress' | 'credentialOwner' | 'onRefusal' | 'routes' | 'refuseHttp'
  >,
): Promise<RateLimiter> {
  let store: RateLimitStore;
  if (config.redisUrl) {
    const redis = new RedisRateLimitStore({ url: config.redisUrl, logger });
    await redis.ready();
    store = redis;
  } else {
    store = new MemoryRateLimitStore();
  }
  return createRateLimiter({
    limits: config.rateLimits,
    store,
    logger,
    maxQueryTokens: config.queryLimits.maxTokens,
    ...caller,
  });
}
