import { startBenchScript, type BenchScript } from './bench-script.js';
import type { Runtime } from './runtime.js';

/** bench/bare-forwarder.ts: each POST to `url` reaches the target's URL. */
export type BareForwarder = BenchScript;

/**
 * Starts bench/bare-forwarder.ts in front of `target` (a GraphQL URL) on the production shape's Node,
 * and waits until it forwards (`{ __typename }` answered through it).
 */
export function startBareForwarder(options: {
  readonly target: string;
  readonly benchRoot: string;
  readonly workDir: string;
  readonly runtime: Runtime;
  readonly signal?: AbortSignal;
}): Promise<BareForwarder> {
  return startBenchScript({
    ...options,
    name: 'bare forwarder',
    script: 'bench/bare-forwarder.ts',
    env: (port) => ({ FORWARD_PORT: String(port), FORWARD_TARGET: options.target }),
    ready: async (url) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(2000),
        })
      ).ok,
  });
}
