import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of other processes, read from /proc (Linux only). CPU per request is steadier than
 * requests per second on a small, shared machine (TOOLCHAIN.md trap 14): the kernel charges each
 * process for its own time whatever else runs beside it.
 */

/** Kernel clock ticks per second (`getconf CLK_TCK`): the unit of utime and stime. */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User + system CPU used so far, in ms: by a process, every thread included (libuv's pool too), or
 * by one of its threads when given as `<pid>/task/<tid>` (threadOf).
 */
export function cpuMs(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the whole line are the 12th and 13th after the name (state is the first).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The `/proc` name of the process's thread called `name` (its comm), if it has one. */
export function threadOf(pid: number, name: string): string | undefined {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name) return `${pid}/task/${tid}`;
    }
  } catch {
    // exited
  }
  return undefined;
}

/** The process's peak resident set so far (VmHWM), in MiB (a thread: its process's); undefined once it has exited. */
export function peakRssMiB(pid: number | string): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU of the whole machine (all cores, every process) so far, in ms: to tell how loaded it was. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice: guest time is already in
  // user, so only the first eight count; everything but idle and iowait is busy.
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = values.reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + (v || 0)), 0);
  return (busy * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** 1-minute load average, for the report's context. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
