import { postedStatus, startBenchScript, type BenchScript, type BenchScriptPlace } from './bench-script.js';

/** bench/bare-forwarder.ts: each POST to `url` reaches the target's URL. */
export type BareForwarder = BenchScript;

/**
 * Starts bench/bare-forwarder.ts in front of `target` (a GraphQL URL) on the production shape's Node,
 * and waits until it forwards (the target's answer to `{ __typename }` relayed). With `rateLimit`, each POST
 * first takes one from its caller's budget in Redis, as the gateway's shared rate limit does.
 */
export function startBareForwarder(
  options: BenchScriptPlace & {
    readonly target: string;
    readonly rateLimit?: { readonly redisUrl: string; readonly perMinute: number };
  },
): Promise<BareForwarder> {
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
    ready: async (url) => (await postedStatus(url, '{"query":"{ __typename }"}')) !== 502,
  });
}
