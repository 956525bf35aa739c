import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Reads V8 `.cpuprofile` files (`node --cpu-prof`) and says where the time went: self time by
 * package and by function, and inclusive time by package (a sample counts once for every package on
 * its stack), plus the groups issue #15 names. Percentages are of the busy samples in the window
 * (`(idle)` left out; the root and the task queues, on every stack, are not listed inclusive). Alone: `node --import @swc-node/register/esm-register bench/cpuprofile-summary.ts
 * <file or directory> [--from=<µs> --to=<µs>]` (the monotonic clock of `process.hrtime`, as V8's);
 * a directory written by `npm run bench -- --profile` holds its load window in window.json.
 */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Entry {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly selfByPackage: readonly Entry[];
  readonly selfByFunction: readonly Entry[];
  readonly inclusiveByPackage: readonly Entry[];
  readonly issueGroups: readonly Entry[];
}

/** The groups issue #15's profile named, matched against packages on the stack (inclusive). */
const ISSUE_GROUPS: readonly (readonly [string, RegExp])[] = [
  [
    "@apollo/gateway's default fetcher (make-fetch-happen, minipass-fetch, agent-base)",
    /^(make-fetch-happen|minipass-fetch|agent-base|@npmcli\/agent|@gar\/promise-retry|promise-retry|minipass.*)$/,
  ],
  ['express + body parsing', /^(express|body-parser|raw-body|router|type-is|iconv-lite|finalhandler|send)$/],
  ['MikroORM + knex', /^(@mikro-orm\/.*|knex)$/],
  ['pg (driver)', /^(pg|pg-protocol|pg-pool|pg-types)$/],
  ['jose (token verification, on its own stack)', /^jose$/],
  // WebCrypto jobs finish off the caller's stack: jose's ES256 verify lands here, as does createHash
  // (object-hash's digests, the keyed hashes).
  ['node:internal/crypto (WebCrypto jobs, hashes)', /^node:internal\/crypto$/],
  ['graphql-shield + graphql-middleware', /^(graphql-shield|graphql-middleware)$/],
  ['object-hash', /^object-hash$/],
  ['pino (logging)', /^(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped)$/],
  ['graphql-js', /^graphql$/],
  ['@apollo/* (server, gateway, query planner)', /^@apollo\/.*$/],
  ['ioredis', /^ioredis$/],
  ['prom-client', /^prom-client$/],
  ['zod', /^zod$/],
];

/** Where `--profile` records its load window beside the profiles. */
export const WINDOW_FILE = 'window.json';

const IDLE = '(idle)';
/** Frames on nearly every stack (the root, the task queues): listed inclusive, they would hide the rest. */
const CARRIERS: ReadonlySet<string> = new Set([
  '(root)',
  'node:internal/process',
  'node:internal/timers',
  'node:internal/async_hooks',
]);

/** Which package a frame belongs to: an npm package, a node: module, the app's folder, or a V8 marker. */
export function packageOf(url: string): string | undefined {
  if (url === '') return undefined;
  if (url.startsWith('node:')) {
    const [first, second] = url.slice('node:'.length).split('/');
    return first === 'internal' ? `node:internal/${second ?? ''}` : `node:${first}`;
  }
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const modules = path.lastIndexOf('/node_modules/');
  const vendor = path.lastIndexOf('/vendor/');
  const at = modules >= 0 ? modules + '/node_modules/'.length : vendor >= 0 ? vendor + '/vendor/'.length : -1;
  if (at >= 0) {
    const [scope, name] = path.slice(at).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? path);
  }
  // Our own code: its folder, from the layer down (dist/lib/db/orm.js → app:lib/db).
  const app = /\/(?:dist\/)?((?:lib|gateway|subgraphs|bench|bin)\/.*)\/[^/]+$/.exec(path);
  return app ? `app:${app[1]}` : path;
}

export function summarizeProfile(profile: CpuProfile, window?: { from: number; to: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  /** A frame without a URL (a V8 builtin such as JSON.parse) is charged to the package that called it. */
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let owner = packageOf(url);
    if (owner === undefined) {
      const up = parent.get(id);
      owner = /^\(.*\)$/.test(functionName) || up === undefined ? functionName || '(anonymous)' : ownerOf(up);
    }
    ownerCache.set(id, owner);
    return owner;
  };
  const functionOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? ` ${basename(url)}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'}${where} [${ownerOf(id)}]`;
  };

  const selfPackage = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const groups = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let busyMs = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (window && (time < window.from || time > window.to)) return;
    const ms = delta / 1000;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === IDLE) return;
    busyMs += ms;
    add(selfPackage, ownerOf(id), ms);
    add(selfFunction, functionOf(id), ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(ownerOf(at));
    for (const name of onStack) add(inclusive, name, ms);
    for (const [group, pattern] of ISSUE_GROUPS) {
      if ([...onStack].some((name) => pattern.test(name))) add(groups, group, ms);
    }
  });
  const ranked = (map: Map<string, number>, keepAll = false): Entry[] =>
    [...map]
      .map(([name, ms]) => ({ name, ms, percent: busyMs > 0 ? (100 * ms) / busyMs : 0 }))
      .filter((entry) => keepAll || entry.percent >= 0.5)
      .sort((a, b) => b.ms - a.ms);
  return {
    busyMs,
    selfByPackage: ranked(selfPackage),
    selfByFunction: ranked(selfFunction),
    inclusiveByPackage: ranked(inclusive).filter((entry) => !CARRIERS.has(entry.name)),
    issueGroups: ranked(groups, true),
  };
}

export function formatSummary(title: string, summary: ProfileSummary, top = 12): string {
  const list = (heading: string, entries: readonly Entry[]) => [
    `  ${heading}:`,
    ...entries.slice(0, top).map((e) => `    ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`),
  ];
  return [
    // Samples are taken on the wall clock; a process waiting for a core is sampled where it stands.
    `### ${title} (${(summary.busyMs / 1000).toFixed(1)} s of samples, idle left out)`,
    ...list('self time by package', summary.selfByPackage),
    ...list('self time by function', summary.selfByFunction),
    ...list('inclusive time by package (on the stack)', summary.inclusiveByPackage),
    ...list("issue #15's groups (inclusive)", summary.issueGroups),
  ].join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** `.cpuprofile` files of a directory (or the one file given), by name. */
export function profileFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((name) => join(path, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [target, ...flags] = process.argv.slice(2);
  if (!target) {
    console.error('usage: cpuprofile-summary.ts <file.cpuprofile | directory> [--from=<µs> --to=<µs>]');
    process.exit(2);
  }
  const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1];
  const from = flag('from');
  const to = flag('to');
  const saved = join(target, WINDOW_FILE);
  const window =
    from && to
      ? { from: Number(from), to: Number(to) }
      : existsSync(saved)
        ? (JSON.parse(readFileSync(saved, 'utf8')) as { from: number; to: number })
        : undefined;
  for (const file of profileFiles(target)) {
    console.log(`${formatSummary(basename(file, '.cpuprofile'), summarizeProfile(readProfile(file), window))}\n`);
  }
}
