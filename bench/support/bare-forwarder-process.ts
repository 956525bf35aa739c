import { startBenchScript, type BenchScript } from './bench-script.js';
import type { Runtime } from './runtime.js';

/** bench/bare-forwarder.ts: each POST to `url` reaches the target's URL. */
export type BareForwarder = BenchScript;

/**
 * Starts bench/bare-forwarder.ts in front of `target` (a GraphQL URL) on the production shape's Node,
 * and waits until it forwards (the target's answer to `{ __typename }` relayed). With `rateLimit`, each POST
 * first takes one from its caller's budget in Redis, as the gateway's shared rate limit does.
 */
export function startBareForwarder(options: {
  readonly target: string;
  readonly rateLimit?: { readonly redisUrl: string; readonly perMinute: number };
  readonly benchRoot: string;
  readonly workDir: string;
  readonly runtime: Runtime;
  readonly signal?: AbortSignal;
}): Promise<BareForwarder> {
  return startBenchScript({
    ...options,
    script: 'bench/bare-forwarder.ts',
    name: options.rateLimit ? 'bare forwarder, rate limited' : 'bare forwarder',
    env: (port) => ({
      FORWARD_PORT: String(port),
      FORWARD_TARGET: options.target,
      ...(options.rateLimit
        ? {
            FORWARD_RATE_LIMIT_REDIS: options.rateLimit.redisUrl,
            FORWARD_RATE_LIMIT_PER_MINUTE: String(options.rateLimit.perMinute),
          }
        : {}),
    }),
    // Forwarding once the target's answer comes back through it, whatever it says; 502 is the forwarder's own.
    ready: async (url) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(2000),
        })
      ).status !== 502,
  });
}
