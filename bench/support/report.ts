import { availableParallelism, cpus, platform, arch } from 'node:os';
import type { Comparison, Scenario } from '../scenarios.js';
import type { Measurement } from './measure.js';
import type { BenchSettings } from './settings.js';

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly measurement: Measurement;
  /** False when the answer varies between requests, so wrong bodies under load could not be counted. */
  readonly bodyChecked: boolean;
}

export function machineContext(database: string, settings: BenchSettings): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- node ${process.version} on ${platform()}/${arch()}, ${availableParallelism()} CPUs (${model})`,
    `- database: ${database}`,
    `- load: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up (discarded) + ${settings.seconds} s measured per scenario;` +
      ' autocannon in a worker thread of the process that runs the whole stack',
  ].join('\n');
}

/** A markdown table, padded so it also reads well in a terminal. */
export function resultTable(results: readonly ScenarioResult[]): string {
  const rows = results.map(({ scenario, measurement: m, bodyChecked }) => [
    scenario.name,
    m.rps.toFixed(0),
    m.p50.toFixed(0),
    m.p99.toFixed(0),
    `${m.non2xx} / ${m.errors}${bodyChecked ? '' : ' (bodies unchecked)'}`,
  ]);
  const header = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx / errors'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const numeric = (i: number) => i > 0;
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Throughput ratio (higher is better) and p50 latency ratio (lower is better) against a baseline. */
export function ratioLines(results: readonly ScenarioResult[], comparisons: readonly Comparison[]): string[] {
  const byId = new Map(results.map((r) => [r.scenario.id, r.measurement]));
  return comparisons.flatMap(({ label, numerator, denominator }) => {
    const a = byId.get(numerator);
    const b = byId.get(denominator);
    if (!a || !b) return [];
    return [
      `- ${label} throughput: ${ratio(a.rps, b.rps)} (${a.rps.toFixed(0)} vs ${b.rps.toFixed(0)} req/s)`,
      `- ${label} p50 latency: ${ratio(a.p50, b.p50)} (${a.p50.toFixed(0)} vs ${b.p50.toFixed(0)} ms)`,
    ];
  });
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}
