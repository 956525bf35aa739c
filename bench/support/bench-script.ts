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

export interface BenchScriptOptions {
  /** The process's name in reports and logs. */
  readonly name: string;
  /** The script, relative to `benchRoot` (TypeScript, run through @swc-node/register). */
  readonly script: string;
  /** Its environment beyond the base one, given the port it is to listen on. */
  readonly env: (port: number) => Record<string, string>;
  /** True once the server at `url` answers as it should. */
  readonly ready: (url: string) => Promise<boolean>;
  readonly benchRoot: string;
  readonly workDir: string;
  /** The Node it runs on: the production shape's. */
  readonly runtime: Runtime;
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
