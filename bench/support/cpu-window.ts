import { cpuMs, machineBusyMs, peakRssMiB } from './proc-stat.js';
import { runLoad, type HttpRequestSpec, type AnswerCheck, type LoadOptions, type LoadResult } from './http-load.js';

/** The processes whose CPU a run is charged to, by name (gateway, identity, ...). */
export type Processes = Readonly<Record<string, number>>;
/** What a run reads CPU of: processes, or single threads as `<pid>/task/<tid>` (proc-stat.ts threadOf). */
export type Watched = Readonly<Record<string, number | string>>;

export interface ProcessCost {
  readonly name: string;
  /** CPU ms per good answer in the measured window. */
  readonly cpuMsPerRequest: number;
  /** Share of one core the process used during the window. */
  readonly cores: number;
  readonly peakRssMiB: number | undefined;
}

export interface CostedLoad {
  readonly load: LoadResult;
  readonly processes: readonly ProcessCost[];
  /** Processes watched but not charged (PostgreSQL's backends of the bench database). */
  readonly informational: readonly ProcessCost[];
  /** Single threads of charged processes (a breakdown: already in their process's figure). */
  readonly threads: readonly ProcessCost[];
  /** Every charged process's CPU per request added up. */
  readonly totalCpuMsPerRequest: number;
  /** The bench's own CPU (load generator) per request: not charged to the servers. */
  readonly benchCpuMsPerRequest: number;
  /** Cores busy with anything else on the machine during the window (other users' work). */
  readonly otherCores: number;
}

/**
 * Runs `warmupSeconds` of the load (discarded: JIT, pools, caches, the query-plan cache), then the
 * measured load, reading each process's CPU just before and just after the measured part.
 */
export async function costedLoad(
  processes: Watched,
  options: LoadOptions & {
    readonly warmupSeconds: number;
    readonly informational?: () => Promise<Watched>;
    /** Threads of charged processes to read apart (`<pid>/task/<tid>`), e.g. a main thread. */
    readonly threads?: Watched;
    /** Runs between the warm-up and the measured part (a reading to compare with afterwards). */
    readonly beforeMeasure?: () => Promise<void>;
  },
): Promise<CostedLoad> {
  if (options.warmupSeconds > 0) await runLoad({ ...options, seconds: options.warmupSeconds });
  await options.beforeMeasure?.();
  // Looked up after the warm-up, when every pool has opened its connections.
  const watched = { charged: processes, informational: (await options.informational?.()) ?? {} };
  const before = {
    charged: readAll(watched.charged),
    informational: readAll(watched.informational),
    threads: readAll(options.threads ?? {}),
  };
  const benchBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const load = await runLoad(options);
  const machineAfter = machineBusyMs();
  const benchSpent = process.cpuUsage(benchBefore);
  const charged = costs(watched.charged, before.charged, load);
  const informational = costs(watched.informational, before.informational, load);
  const threads = costs(options.threads ?? {}, before.threads, load);
  const benchMs = (benchSpent.user + benchSpent.system) / 1000;
  const requests = Math.max(1, load.requests);
  const windowMs = load.seconds * 1000;
  const ours = [...charged, ...informational].reduce((sum, c) => sum + c.cores * windowMs, 0) + benchMs;
  return {
    load,
    processes: charged,
    informational,
    threads,
    totalCpuMsPerRequest: charged.reduce((sum, c) => sum + c.cpuMsPerRequest, 0),
    benchCpuMsPerRequest: benchMs / requests,
    otherCores: Math.max(0, machineAfter - machineBefore - ours) / windowMs,
  };
}

/** CPU so far per process; a process gone since (a backend that closed) reads as its last value. */
function readAll(processes: Watched): Map<string, number> {
  const read = new Map<string, number>();
  for (const [name, pid] of Object.entries(processes)) {
    try {
      read.set(name, cpuMs(pid));
    } catch {
      // exited before the window: not charged
    }
  }
  return read;
}

function costs(processes: Watched, before: Map<string, number>, load: LoadResult): ProcessCost[] {
  const after = readAll(processes);
  const requests = Math.max(1, load.requests);
  return [...before].map(([name, started]) => {
    const spent = (after.get(name) ?? started) - started;
    return {
      name,
      cpuMsPerRequest: spent / requests,
      cores: spent / (load.seconds * 1000),
      peakRssMiB: peakRssMiB(processes[name]!),
    };
  });
}

/**
 * Discarded load through each of several paths that share processes, before any of them is
 * measured. V8 goes on optimizing a process well past one load's few seconds of warm-up, so the
 * path measured first was charged for it: through our gateway the federated query cost 7.57 ms per
 * request measured first, then 4.35 ms measured again right after stock's (same build, quiet
 * machine), while stock had run on subgraphs ours had warmed.
 */
export const SETTLE_SECONDS = 10;

export async function settle(
  paths: readonly { readonly request: HttpRequestSpec; readonly check: AnswerCheck }[],
  options: Pick<LoadOptions, 'connections' | 'signal'>,
): Promise<void> {
  for (const path of paths) await runLoad({ ...options, ...path, seconds: SETTLE_SECONDS });
}
