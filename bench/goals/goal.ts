import type { CostedLoad } from '../support/cpu-window.js';
import type { LoadResult } from '../support/http-load.js';

/** One goal of issue #15 as the bench judged it. */
export interface GoalResult {
  /** "1" … "8" (a goal with two conditions has "8a", "8b"). */
  readonly id: string;
  readonly title: string;
  readonly target: string;
  readonly measured: string;
  /** Undefined when the run could not judge it (no baseline to compare with, a broken measurement). */
  readonly pass: boolean | undefined;
}

export interface RunSettings {
  /** Measured seconds of each load (after the warm-up). */
  readonly seconds: number;
  /** Discarded seconds before each load's measured part. */
  readonly warmupSeconds: number;
  /** Concurrent connections of the issue's loads (20). */
  readonly connections: number;
  /** How long the stack is watched idle (goal 7). */
  readonly idleSeconds: number;
}

export interface GoalContext {
  readonly settings: RunSettings;
  readonly signal: AbortSignal;
  /** Writes detail lines of the report (stdout); none: an empty line. */
  readonly print: (...lines: string[]) => void;
  /** Writes a progress line (stderr). */
  readonly progress: (line: string) => void;
}

/** A load whose answers were wrong more than rarely measures the wrong thing: the goal is not judged. */
export function trustworthy(load: LoadResult): boolean {
  return load.requests > 0 && load.errors <= load.requests * 0.01;
}

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;

export function loadLine(label: string, load: LoadResult): string {
  const errors = load.errors ? `, ${load.errors} wrong answers (first: ${load.firstError})` : '';
  return (
    `- ${label}: ${load.rps.toFixed(0)} req/s, p50 ${ms(load.p50)}, p99 ${ms(load.p99)} ` +
    `(${load.requests} requests in ${load.seconds.toFixed(1)} s${errors})`
  );
}

/** Cores used by other work during a run beyond which its throughput and latency are flagged. */
const BUSY_MACHINE_CORES = 0.3;

/** Other work kept enough of the machine busy to understate a run's throughput. */
export function busyMachine(otherCores: number): boolean {
  return otherCores >= BUSY_MACHINE_CORES;
}

/** The per-process table of a costed load (markdown, padded for the terminal). */
export function costTable(label: string, costed: CostedLoad): string[] {
  const rows = [...costed.processes, ...costed.informational].map((p) => [
    p.name,
    p.cpuMsPerRequest.toFixed(2),
    p.cores.toFixed(2),
    p.peakRssMiB === undefined ? '–' : p.peakRssMiB.toFixed(0),
  ]);
  const postgres = costed.informational.reduce((sum, p) => sum + p.cpuMsPerRequest, 0);
  const summary = [
    ['**charged total**', costed.totalCpuMsPerRequest.toFixed(2), '', ''],
    ...(costed.informational.length ? [['(PostgreSQL backends, not charged)', postgres.toFixed(2), '', '']] : []),
    ['(load generator, not charged)', costed.benchCpuMsPerRequest.toFixed(2), '', ''],
  ];
  const informational = new Set(costed.informational.map((p) => p.name));
  // Backends are many and small: summed in the line above, not listed one by one.
  const listed = rows.filter((row) => !informational.has(row[0]!));
  // Others' work (tests, builds) shares the two cores: it slows throughput and latency, and CPU per
  // request less so (each process is charged only its own time), so it is stated with each run.
  const busy = busyMachine(costed.otherCores) ? ': a busy machine, req/s and latency understated' : '';
  return [
    loadLine(label, costed.load),
    `  other work on the machine meanwhile: ${costed.otherCores.toFixed(2)} cores busy${busy}`,
    '',
    ...table(['process', 'CPU ms/request', 'cores busy', 'peak RSS MiB'], [...listed, ...summary]),
    '',
  ];
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const numeric = (i: number) => i > 0;
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}

export function goalTable(results: readonly GoalResult[]): string[] {
  const verdict = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
  const widths = [4, 0, 0, 0, 4];
  const rows = results.map((r) => [r.id, r.title, r.target, r.measured, verdict(r.pass)]);
  const header = ['goal', 'what', 'target', 'measured', 'verdict'];
  header.forEach((h, i) => (widths[i] = Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
