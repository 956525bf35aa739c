/**
 * Figures of the "before" run (bench/BASELINE.md) that a goal is stated against: issue #15 asks for
 * "≥ 5× today's throughput", so today's figure has to live somewhere the bench can read it. Measured
 * on this project's 2-core machine; a run on another machine compares with these at its own risk.
 */
export const BEFORE = {
  /**
   * `/internal/permissions/{sub}/snapshot`, 1,000 grants, 10 connections, production shape (req/s):
   * 7.8, 7.9 and 7.8 in the three baseline runs of commit 9e88a5d.
   */
  snapshotRpsAt10Connections: 7.8 as number | undefined,
} as const;
