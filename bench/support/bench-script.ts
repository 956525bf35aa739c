import { join } from 'node:path';
import { freePorts } from './ports.js';
import { baseEnv, startChild, waitUntil, type Child } from './processes.js';
import type { Runtime } from './runtime.js';

/** A server of the bench's own (bench/*.ts), listening on a port of its own. */
export interface BenchScript {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly child: Child;
}

/** Where the bench's own scripts are, where their logs go, and the Node they run on. */
export interface BenchScriptHome {
  readonly benchRoot: string;
  readonly workDir: string;
  /** The production shape's Node. */
  readonly runtime: Runtime;
}

/** How a launcher of one of the bench's servers is placed: its home, and what may abort the wait. */
export type BenchScriptPlace = BenchScriptHome & { readonly signal?: AbortSignal };

export interface BenchScriptOptions extends BenchScriptHome {
  /** The process's name in reports and logs. */
  readonly name: string;
  /** The script, relative to `benchRoot` (TypeScript, run through @swc-node/register). */
  readonly script: string;
  /** Its environment beyond the base one, given the port it is to listen on. */
  readonly env: (port: number) => Record<string, string>;
  /** True once the server at `url` answers as it should. */
  readonly ready: (url: string) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

/** Starts one of the bench's own servers and waits until it answers (`ready`), or stops it. */
export async function startBenchScript(options: BenchScriptOptions): Promise<BenchScript> {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}/`;
  const child = startChild({
    name: options.name,
    command: options.runtime.execPath,
    args: ['--import', '@swc-node/register/esm-register', join(options.benchRoot, options.script)],
    cwd: options.benchRoot,
    env: { ...baseEnv(), NODE_ENV: 'production', ...options.env(port!) },
    logFile: join(options.workDir, `${options.name.replaceAll(/[^a-z0-9]+/gi, '-')}.log`),
  });
  try {
    await waitUntil(child, () => options.ready(url), {
      timeoutMs: 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, child };
}

/** The status a JSON POST of `body` to `url` is answered with: a launcher's readiness probe. */
export async function postedStatus(url: string, body: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(2000),
  });
  await response.arrayBuffer();
  return response.status;
}
