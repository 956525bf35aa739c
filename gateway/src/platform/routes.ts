import type { RequestHandler } from 'express';
import type { AppConfig, SubgraphName } from '../../../lib/config/env.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { serveMetadata } from '../discovery/metadata.js';
import { readiness } from '../observability/readiness.js';
import type { RawRouteDeclaration } from '../rest/raw-route.js';
import { serveJwks } from './jwks.js';

/** What the platform's own endpoints read. */
export interface PlatformContext {
  readonly config: Pick<AppConfig, 'metricsPort' | 'publicUrl'>;
  readonly logger: Logger;
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** GET /metrics: the process's registry (observability/metrics.ts). */
  readonly serveMetrics: RequestHandler;
  /**
   * /openapi.json, built from the route declarations (rest/openapi.ts) when first asked for, not at
   * every start (some 50 ms of it), and kept.
   */
  readonly openApiDocument: () => unknown;
}

type PlatformRoute = RawRouteDeclaration<PlatformContext> & { readonly rateLimit: 'unlimited' };

const discovery = (path: string): PlatformRoute => ({
  method: 'get',
  path,
  rateLimit: 'unlimited',
  handlers: ({ config }) => [serveMetadata(config.publicUrl)],
});

/**
 * The platform's own endpoints, in one place: health, readiness, metrics, the signing keys, OAuth
 * discovery (RFC 8414, at both names) and the OpenAPI document. Load balancers, scrapers and token
 * verifiers poll them and they carry no caller data, so none draws on a rate-limit budget.
 */
export const platformRoutes: readonly PlatformRoute[] = [
  {
    method: 'get',
    path: '/health',
    rateLimit: 'unlimited',
    handlers: () => [
      ((_req, res) => {
        res.json({ status: 'ok' });
      }) satisfies RequestHandler,
    ],
  },
  {
    method: 'get',
    path: '/ready',
    rateLimit: 'unlimited',
    handlers: ({ subgraphUrls, logger }) => [readiness(subgraphUrls, logger)],
  },
  {
    method: 'get',
    path: '/metrics',
    rateLimit: 'unlimited',
    // With METRICS_PORT, /metrics is served on that listener instead (main.ts, stack.ts).
    servedWhen: ({ config }) => config.metricsPort === undefined,
    handlers: ({ serveMetrics }) => [serveMetrics],
  },
  discovery('/.well-known/openid-configuration'),
  discovery('/.well-known/oauth-authorization-server'),
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    rateLimit: 'unlimited',
    handlers: ({ subgraphUrls }) => [serveJwks(subgraphUrls.identity)],
  },
  {
    method: 'get',
    path: '/openapi.json',
    rateLimit: 'unlimited',
    handlers: ({ openApiDocument }) => [
      ((_req, res) => {
        res.json(openApiDocument());
      }) satisfies RequestHandler,
    ],
  },
];
