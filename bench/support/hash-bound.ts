import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { machineBusyMs } from './proc-stat.js';

const run = promisify(execFile);

/** The part of identity's password module the bound needs: its hash, made with its parameters. */
interface PasswordModule {
  readonly hashPassword: (password: string) => Promise<string>;
}

export interface HashBound {
  readonly perSecond: number;
  /** CPU of one verification (the measuring process did nothing else meanwhile). */
  readonly cpuMs: number;
  /** Verifications in flight: one per core, on as many hashing threads. */
  readonly inFlight: number;
  readonly cores: number;
  /** Cores busy with other work on the machine meanwhile. */
  readonly otherCores: number;
}

/** What the measuring process reports on its stdout (JSON). */
interface HashLoopReport {
  readonly done: number;
  readonly elapsedMs: number;
  readonly cpuMs: number;
  /** The whole machine's busy CPU over the same time. */
  readonly machineMs: number;
}

const PASSWORD = 'bench-harness-passphrase-42';

/**
 * The ceiling the password hash puts on sign-ins: argon2id verifications per second with the given
 * password module (the build's own parameters), one verification per core on one hashing thread per
 * core, in a process of its own that does nothing else. No sign-in can beat it.
 *
 * Not in the bench's own process: libuv's pool there has 4 threads, and 4 verifications on 2 cores
 * cost about 15% more CPU each than 2 (threads preempting each other over 19 MiB of memory each, and
 * each thread's allocator faulting its pages in again): that reading understated the ceiling.
 */
export async function argon2Bound(passwordModuleUrl: string, seconds: number): Promise<HashBound> {
  const cores = availableParallelism();
  // The bench's own execArgv: the loop below is TypeScript, and so may the password module be.
  const { stdout } = await run(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), passwordModuleUrl, String(seconds), String(cores)],
    { env: { ...process.env, UV_THREADPOOL_SIZE: String(cores) }, timeout: (seconds + 60) * 1000 },
  );
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HashLoopReport;
  return {
    perSecond: report.done / (report.elapsedMs / 1000),
    cpuMs: report.cpuMs / report.done,
    inFlight: cores,
    cores,
    otherCores: Math.max(0, report.machineMs - report.cpuMs) / report.elapsedMs,
  };
}

/** The measuring process: verifications in a loop, `inFlight` at a time, for `seconds`. */
async function hashLoop(moduleUrl: string, seconds: number, inFlight: number): Promise<HashLoopReport> {
  const { hashPassword } = (await import(moduleUrl)) as PasswordModule;
  const stored = await hashPassword(PASSWORD);
  // argon2 itself, not the module's verifyPassword: that one takes a hash slot, which leaves a pool
  // thread free and would hold this process to one verification on a pool of one per core.
  const { verify: verifyPassword } = await import('@node-rs/argon2');
  const began = performance.now();
  const deadline = began + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        if (!(await verifyPassword(stored, PASSWORD))) throw new Error('argon2 verify failed');
        done += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    done,
    elapsedMs: performance.now() - began,
    cpuMs: (cpu.user + cpu.system) / 1000,
    machineMs: machineBusyMs() - machineBefore,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [moduleUrl, seconds, inFlight] = process.argv.slice(2);
  const report = await hashLoop(moduleUrl!, Number(seconds), Number(inFlight));
  console.log(JSON.stringify(report));
}
