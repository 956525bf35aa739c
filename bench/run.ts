import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArguments, USAGE, type Arguments } from './arguments.js';
import { embeddedGoals } from './goals/embedded.js';
import { goalTable, type GoalContext, type GoalResult } from './goals/goal.js';
import { PRODUCTION_GOALS, productionGoals, type Environment } from './goals/production.js';
import { profileRun } from './profile.js';
import { stopAll } from './support/processes.js';
import { loadAverage } from './support/proc-stat.js';
import { productionRuntime } from './support/runtime.js';

/**
 * `npm run bench`: issue #15's goals, each stated with its target, the measured figure and PASS or
 * FAIL, against a build of the current code: the production shape (each subgraph and the gateway
 * their own process from dist/, PostgreSQL, Redis, stock @apollo/gateway beside ours) and `npm start`
 * itself. `npm run bench -- --help` lists the options; BENCH_SCENARIOS=<ids> runs the earlier
 * in-process scenarios instead (bench/in-process.ts).
 */
const run = promisify(execFile);
const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(args: Arguments, signal: AbortSignal): Promise<void> {
  const root = resolve(args.root ?? benchRoot);
  const print = (...lines: string[]) => console.log(lines.length ? lines.join('\n') : '');
  const progress = (line: string) => console.error(line);
  const context: GoalContext = { settings: args.settings, signal, print, progress };

  print(`# membergraph bench, issue #15 (${new Date().toISOString()})`, '', ...(await machine(root)));
  const runtime = await productionRuntime(root, args.runtime);
  print(
    `- production shape on node ${runtime.version}: ${runtime.source}; \`npm start\` on node ${process.version}`,
    '',
  );
  if (args.build) {
    progress(`building ${root} (npm run build)…`);
    const began = performance.now();
    await run('npm', ['run', 'build'], { cwd: root, signal, maxBuffer: 16 * 1024 * 1024 }).catch((error: unknown) => {
      const output = error as { stdout?: string; stderr?: string };
      // A shared tree may hold someone's half-done edit: a worktree of a commit measures that commit.
      throw new Error(
        `npm run build failed in ${root} (to measure a commit instead: git worktree add --detach <dir> <commit>, ` +
          `link node_modules into it, then --root=<dir>):\n${output.stdout ?? ''}${output.stderr ?? ''}`,
        { cause: error },
      );
    });
    progress(`  built in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  }

  const workDir = await mkdtemp(join(tmpdir(), 'membergraph-bench-'));
  let kept = false;
  try {
    const environment: Environment = {
      root,
      benchRoot,
      workDir,
      postgresUrl: args.postgresUrl,
      redisUrl: args.redisUrl,
      logLevel: args.logLevel,
      runtime,
    };
    if (args.profile) {
      await profileRun(environment, args.profile, context);
      return;
    }
    const results: GoalResult[] = [];
    if (PRODUCTION_GOALS.some((goal) => args.goals.has(goal))) {
      results.push(...(await productionGoals(environment, args.goals, context)));
    }
    if (args.goals.has('6') || args.goals.has('8')) {
      results.push(...(await embeddedGoals(environment, args.goals, context)));
    }
    print('## Issue #15 goals', '', ...goalTable(results), '', `- load average at the end: ${loadAverage()}`);
  } catch (error) {
    // The servers' logs tell why a start or a load failed: keep them (not when asked to stop).
    if (!signal.aborted) {
      kept = true;
      progress(`(server logs kept in ${workDir})`);
    }
    throw error;
  } finally {
    await stopAll();
    if (!kept) await rm(workDir, { recursive: true, force: true });
  }
}

/** What the figures were measured on. */
async function machine(root: string): Promise<string[]> {
  const git = async (...gitArgs: string[]) =>
    (await run('git', gitArgs, { cwd: root }).catch(() => ({ stdout: '?' }))).stdout.trim();
  const commit = await git('rev-parse', '--short', 'HEAD');
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) ? ' with uncommitted changes' : '';
  return [
    `- code: ${root} at ${commit}${dirty}`,
    `- machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? '?'}), node ${process.version}, ` +
      `load average ${loadAverage()}`,
  ];
}

// Ctrl-C stops the load, then every server, then drops the bench database. A second Ctrl-C leaves at
// once (children are killed on the way out; the database may then be left behind, and is named).
const interrupt = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new Error(`interrupted by ${name}`));
  });
}

try {
  if (process.env['BENCH_SCENARIOS']) {
    const { runInProcess } = await import('./in-process.js');
    await runInProcess(interrupt.signal);
  } else {
    const args = parseArguments(process.argv.slice(2), process.env);
    if (args.help) console.log(USAGE);
    else await main(args, interrupt.signal);
  }
} catch (error) {
  console.error(`\nbench aborted: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = interrupt.signal.aborted ? 130 : 1;
}
