import { join } from 'node:path';
import { freePorts } from './ports.js';
import { baseEnv, startChild, waitUntil, type Child } from './processes.js';
import type { Runtime } from './runtime.js';

export interface BareForwarder {
  /** Where to POST: each POST reaches the target's URL. */
  readonly url: string;
  readonly child: Child;
}

/**
 * Starts bench/bare-forwarder.ts in front of `target` (a GraphQL URL) on the production shape's Node,
 * and waits until it forwards (`{ __typename }` answered through it).
 */
export async function startBareForwarder(options: {
  readonly target: string;
  readonly benchRoot: string;
  readonly workDir: string;
  readonly runtime: Runtime;
  readonly signal?: AbortSignal;
}): Promise<BareForwarder> {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}/`;
  const child = startChild({
    name: 'bare forwarder',
    command: options.runtime.execPath,
    args: ['--import', '@swc-node/register/esm-register', join(options.benchRoot, 'bench/bare-forwarder.ts')],
    cwd: options.benchRoot,
    env: { ...baseEnv(), NODE_ENV: 'production', FORWARD_PORT: String(port), FORWARD_TARGET: options.target },
    logFile: join(options.workDir, 'bare-forwarder.log'),
  });
  try {
    const ready = async () =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(2000),
        })
      ).ok;
    await waitUntil(child, ready, { timeoutMs: 60_000, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, child };
}
