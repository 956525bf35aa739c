import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A server process the bench started; its output goes to a log file, never through the bench. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for an error message. */
  tail(lines?: number): string;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment: nothing of the bench's own is inherited (a stray DATABASE_URL would leak). */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

/** Every child still running, so that any way out of the bench (error, Ctrl-C, crash) ends them. */
const running = new Set<ChildProcess>();

// A last resort when the bench dies without its cleanup: 'exit' handlers run synchronously, so
// SIGKILL is all that can be done here; the orderly path stops children with SIGTERM first.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Stops every child still running (the orderly cleanup). */
export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      clearTimeout(timer);
    }),
  );
}

/** The environment every child gets on top of its own variables: PATH and HOME only. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function startChild(options: SpawnOptions): Child {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', log, log],
    });
  } finally {
    // The child holds its own descriptor; ours is not needed once it is spawned.
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  running.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ?? String(code));
    });
  });
  const tail = (lines = 15) => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  return {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    tail,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `probe` until it answers true; fails early, with the log's tail, if the child exits first.
 * Resolves with the milliseconds from `since` to the first true answer.
 */
export async function waitUntil(
  child: Child,
  probe: () => Promise<boolean>,
  { since = performance.now(), timeoutMs = 60_000, everyMs = 50, signal }: WaitOptions = {},
): Promise<number> {
  let gone: string | undefined;
  void child.exited.then((how) => (gone = how));
  for (;;) {
    signal?.throwIfAborted();
    if (gone !== undefined) throw new Error(`${child.name} exited (${gone}) before it was ready:\n${child.tail()}`);
    if (await probe().catch(() => false)) return performance.now() - since;
    if (performance.now() - since > timeoutMs) {
      throw new Error(`${child.name} was not ready after ${timeoutMs / 1000} s:\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface WaitOptions {
  readonly since?: number;
  readonly timeoutMs?: number;
  readonly everyMs?: number;
  readonly signal?: AbortSignal;
}
