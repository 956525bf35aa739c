import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Round trips each process made to a server port, from the kernel's TCP counters (`ss -ti`): a
 * database client sends one data segment per round trip and the server answers with one
 * (data_segs_out equals data_segs_in on every PostgreSQL connection of this stack), so the
 * segments a process sent to 5432 count its statements, BEGIN and COMMIT included, with nothing
 * added between the processes and the server.
 */
export type SegmentCounts = ReadonlyMap<string, { readonly pid: number; readonly segments: number }>;

/** Data segments sent so far on every connection to `port`, by connection (local address) with its pid. */
export async function segmentsTo(port: number): Promise<SegmentCounts> {
  const { stdout } = await run('ss', ['-tinpH', `dport = :${port}`]);
  const counts = new Map<string, { pid: number; segments: number }>();
  let current: { key: string; pid: number } | undefined;
  for (const line of stdout.split('\n')) {
    if (!/^\s/.test(line)) {
      // "ESTAB 0 0 127.0.0.1:33152 127.0.0.1:5432 users:(("node",pid=11482,fd=25))"
      const pid = /pid=(\d+)/.exec(line)?.[1];
      const local = line.trim().split(/\s+/)[3];
      current = pid && local ? { key: local, pid: Number(pid) } : undefined;
      continue;
    }
    if (!current) continue;
    // Absent while the connection has sent nothing.
    const segments = Number(/\bdata_segs_out:(\d+)/.exec(line)?.[1] ?? 0);
    counts.set(current.key, { pid: current.pid, segments });
    current = undefined;
  }
  return counts;
}

/**
 * Segments sent between two readings, per pid. A connection opened in between counts from zero; one
 * closed in between is lost (an undercount, small: pools keep their connections).
 */
export function segmentsByPid(before: SegmentCounts, after: SegmentCounts): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const [key, { pid, segments }] of after) {
    const earlier = before.get(key);
    const sent = earlier && earlier.pid === pid ? segments - earlier.segments : segments;
    byPid.set(pid, (byPid.get(pid) ?? 0) + sent);
  }
  return byPid;
}
