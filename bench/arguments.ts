import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSettings } from './goals/goal.js';
import type { RuntimeChoice } from './support/runtime.js';

export const USAGE = `npm run bench [-- options]

  --only=<goals>       comma-separated: 1 … 8, or federated (1), stock (2, with 1), me (3),
                       snapshot (4), sign-in (5), startup (6), idle (7), embedded (8); all by default
  --root=<dir>         measure that checkout's build instead of this one (e.g. a git worktree)
  --no-build           use <root>/dist as it is (default: npm run build first)
  --seconds=<n>        measured seconds per load (10)
  --warmup=<n>         discarded seconds before each load (3)
  --connections=<n>    concurrent connections of the issue's loads (20)
  --idle-seconds=<n>   idle window of goal 7 (15)
  --profile[=<n>]      instead of the goals: node --cpu-prof on the gateway and each subgraph under
                       <n> s (15) of the federated query (or, with --only=me, of goal 3's me
                       through the gateway; with --only=sign-in, of goal 5's sign-ins), then a
                       summary of each profile
  --profile-dir=<dir>  where the profiles go (a new directory under $TMPDIR by default)
  --node=<which>       the Node of the production shape's processes: image (default: the major of
                       the Dockerfile's NODE_IMAGE, fetched with npx when this machine has another),
                       current (this machine's), or the path of a node binary

  env: BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres: a database is created there
  and dropped), BENCH_REDIS_URL (redis://127.0.0.1:6379/13: a database index of the bench's own),
  BENCH_LOG_LEVEL (the servers' LOG_LEVEL, info as in production), BENCH_NODE_FLAGS (node flags for
  the production shape's processes: --perf-basic-prof-only-functions lets perf name what it samples,
  CPU only, where --cpu-prof also counts time preempted); BENCH_SCENARIOS=<ids> runs the
  earlier in-process scenarios (totp, events, token, …) instead.`;

/** The loads `--profile` can run: goal 1's federated query, goal 3's `me` through the gateway, or goal 5's sign-ins. */
export type ProfiledLoad = 'federated' | 'me' | 'sign-in';

export interface ProfileSettings {
  readonly seconds: number;
  readonly dir: string;
  readonly load: ProfiledLoad;
}

export interface Arguments {
  readonly help: boolean;
  readonly goals: ReadonlySet<string>;
  readonly root: string | undefined;
  readonly build: boolean;
  readonly settings: RunSettings;
  readonly profile: ProfileSettings | undefined;
  readonly postgresUrl: string;
  readonly redisUrl: string;
  readonly logLevel: string;
  readonly runtime: RuntimeChoice;
}

const ALL_GOALS = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;
const NAMES: Readonly<Record<string, readonly string[]>> = {
  federated: ['1'],
  stock: ['1', '2'],
  me: ['3'],
  snapshot: ['4'],
  'sign-in': ['5'],
  signin: ['5'],
  startup: ['6'],
  idle: ['7'],
  embedded: ['8'],
};

/** Checked before anything starts, so a typo fails at once rather than after a build. */
export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): Arguments {
  const options = new Map<string, string | true>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
    options.set(match[1]!, match[2] ?? true);
  }
  const known = [
    'help',
    'only',
    'root',
    'no-build',
    'seconds',
    'warmup',
    'connections',
    'idle-seconds',
    'profile',
    'profile-dir',
    'node',
  ];
  const unknown = [...options.keys()].filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown option(s) ${unknown.map((n) => `--${n}`).join(', ')}\n\n${USAGE}`);

  const text = (name: string) => {
    const value = options.get(name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const number = (name: string, fallback: number, integer = false) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!(value > 0) || (integer && !Number.isInteger(value))) {
      throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
    }
    return value;
  };
  const profile = options.get('profile');
  const goals = selectGoals(text('only'));
  return {
    help: options.has('help'),
    goals,
    root: text('root'),
    build: !options.has('no-build'),
    settings: {
      seconds: number('seconds', 10),
      warmupSeconds: number('warmup', 3),
      connections: number('connections', 20, true),
      idleSeconds: number('idle-seconds', 15),
    },
    profile:
      profile === undefined
        ? undefined
        : {
            seconds: number('profile', 15),
            load: profiledLoad(text('only'), goals),
            dir:
              text('profile-dir') ??
              join(tmpdir(), `membergraph-profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`),
          },
    postgresUrl: env['BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379/13',
    logLevel: env['BENCH_LOG_LEVEL'] || 'info',
    runtime: runtimeChoice(text('node')),
  };
}

function runtimeChoice(node: string | undefined): RuntimeChoice {
  if (node === undefined || node === 'image') return 'image';
  if (node === 'current') return 'current';
  return { path: node };
}

function selectGoals(only: string | undefined): ReadonlySet<string> {
  if (only === undefined) return new Set(ALL_GOALS);
  const goals = new Set<string>();
  for (const item of only.split(',').map((s) => s.trim().toLowerCase())) {
    const named = NAMES[item] ?? ((ALL_GOALS as readonly string[]).includes(item) ? [item] : undefined);
    if (!named) throw new Error(`unknown goal "${item}"; known: 1-8, ${Object.keys(NAMES).join(', ')}`);
    // Goal 2 is a ratio to goal 1's run: it needs it.
    for (const goal of named) goals.add(goal);
    if (named.includes('2')) goals.add('1');
  }
  return goals;
}

/** `--profile` runs one load: the federated query unless `--only` names sign-in alone. */
function profiledLoad(only: string | undefined, goals: ReadonlySet<string>): ProfiledLoad {
  if (only === undefined || (goals.size === 1 && goals.has('1'))) return 'federated';
  if (goals.size === 1 && goals.has('3')) return 'me';
  if (goals.size === 1 && goals.has('5')) return 'sign-in';
  throw new Error(
    `--profile runs the federated query (no --only, or --only=1), me (--only=3) or sign-in (--only=5), not --only=${only}`,
  );
}
