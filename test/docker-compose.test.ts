import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, subgraphUrl, type AppConfig, type SubgraphName } from '../lib/config/env.js';

/**
 * No Docker engine runs in CI, so the container setup is checked by its structure: the compose file,
 * the Dockerfile and the application's own configuration contract have to agree with each other.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const readRepoFile = (path: string): string => readFileSync(join(root, path), 'utf8');

// ---- docker-compose.yml ----

type EnvironmentValue = string | number | boolean | null;

interface ComposeService {
  readonly image?: string;
  readonly build?: string | { readonly context?: string; readonly dockerfile?: string };
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, EnvironmentValue>> | readonly string[];
  readonly ports?: readonly (string | number | { readonly target?: number })[];
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;
  readonly restart?: string;
}

interface ComposeFile {
  readonly version?: string;
  readonly services?: Readonly<Record<string, ComposeService>>;
}

// Compose resolves YAML merge keys (`<<: *anchor`); YAML 1.2 leaves them off unless asked.
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services ?? {};

const subgraphServices: readonly SubgraphName[] = ['identity', 'member', 'catalog', 'admin'];
const appServices = [...subgraphServices, 'gateway'] as const;
type AppService = (typeof appServices)[number];

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** The environment as written (before interpolation), in either of compose's two notations. */
function rawEnvironment(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(environment)
    ? environment.map((entry: string) => {
        const separator = entry.indexOf('=');
        return separator === -1 ? [entry, ''] : [entry.slice(0, separator), entry.slice(separator + 1)];
      })
    : Object.entries(environment as Record<string, EnvironmentValue>).map(([key, value]) => [key, String(value ?? '')]);
  return Object.fromEntries(entries);
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation, and `$$` escapes. */
function interpolate(value: string, shell: Readonly<Record<string, string>>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (match, name: string | undefined, operator: string | undefined, argument: string | undefined) => {
      if (match === '$$' || name === undefined) return '$';
      const set = operator?.startsWith(':') ? Boolean(shell[name]) : shell[name] !== undefined;
      if (set) return shell[name] ?? '';
      if (operator?.endsWith('?')) throw new Error(`${name}: ${argument ?? 'required'}`);
      return argument ?? '';
    },
  );
}

function resolvedEnvironment(name: string, shell: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rawEnvironment(name)).map(([key, value]) => [key, interpolate(value, shell)]),
  );
}

/** What an operator provides in the shell or in .env: the only source of secrets. */
const operatorShell: Readonly<Record<string, string>> = {
  SECRET_KEY: 'k'.repeat(48),
  POSTGRES_PASSWORD: 'operator-chosen-password',
  PUBLIC_URL: 'https://api.example.test',
};

function configOf(name: AppService): AppConfig {
  return loadConfig(resolvedEnvironment(name, operatorShell));
}

/** The port the process listens on, according to its own configuration. */
function listeningPort(name: AppService, config: AppConfig): number {
  return name === 'gateway' ? config.port : config.subgraphs[name].port;
}

function commandWords(name: string): string[] {
  const command = service(name).command;
  if (command === undefined) return [];
  return typeof command === 'string' ? command.split(/\s+/) : [...command];
}

function healthcheckText(name: string): string {
  const test = service(name).healthcheck?.test;
  if (test === undefined) return '';
  return typeof test === 'string' ? test : test.join(' ');
}

function dependencies(name: string): Record<string, string | undefined> {
  const dependsOn = service(name).depends_on ?? [];
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((dependency: string) => [dependency, undefined]))
    : Object.fromEntries(
        Object.entries(dependsOn as Record<string, { condition?: string }>).map(([dependency, options]) => [
          dependency,
          options.condition,
        ]),
      );
}

function buildContext(name: string): { context: string; dockerfile: string } {
  const build = service(name).build;
  const context = resolve(root, typeof build === 'string' ? build : (build?.context ?? '.'));
  const dockerfile = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
  return { context, dockerfile: resolve(context, dockerfile) };
}

/**
 * Variable names the configuration schema declares: the keys of the zod object in lib/config/env.ts,
 * read from the `const envSchema` statement up to the next line that starts at column 0.
 */
const acceptedVariables: ReadonlySet<string> = (() => {
  const source = readRepoFile('lib/config/env.ts');
  const start = source.indexOf('const envSchema');
  const end = source.slice(start).search(/\n(?=\S)/);
  const declaration = source.slice(start, end === -1 ? undefined : start + end);
  return new Set([...declaration.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] ?? ''));
})();

const secretName = /SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$/;
/** The whole value is one interpolation with no default, e.g. `${SECRET_KEY:?set it}` or `${X:-}`. */
const wholeInterpolationWithoutDefault = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*|:?-)?\}$/;

describe('docker-compose.yml', () => {
  it('uses the compose specification (no obsolete version key) and declares the seven services', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual(
      ['admin', 'catalog', 'gateway', 'identity', 'member', 'postgres', 'redis'].sort(),
    );
  });

  it('builds the five app services as one image from the Dockerfile at the repository root', () => {
    const dockerfile = join(root, 'Dockerfile');
    expect(existsSync(dockerfile)).toBe(true);
    for (const name of appServices) {
      expect(buildContext(name), name).toEqual({ context: resolve(root), dockerfile });
    }
    expect(new Set(appServices.map((name) => service(name).image))).toEqual(new Set(['membergraph:latest']));
  });

  it.each(appServices)('runs %s from a compiled entry point whose source exists and is built', (name) => {
    const words = commandWords(name);
    expect(words.slice(0, 1)).toEqual(['node']);
    const entry = words.find((word) => /^dist\/.+\.js$/.test(word));
    expect(entry, `${name} command: ${words.join(' ')}`).toBeDefined();
    const source = entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(join(root, source)), `${source} exists`).toBe(true);
    // tsconfig.build.json decides what lands in dist/: the entry's top folder must be included.
    const { include } = JSON.parse(readRepoFile('tsconfig.build.json')) as { include: string[] };
    expect(include).toContain(source.split('/')[0]);
    const expected = name === 'gateway' ? 'gateway/src/main.ts' : `subgraphs/${name}/src/main.ts`;
    expect(source).toBe(expected);
  });

  it('restarts every service unless stopped', () => {
    for (const [name, definition] of Object.entries(services)) {
      expect(definition.restart, name).toBe('unless-stopped');
    }
  });

  it.each(appServices)('health-checks %s on the port it listens on', (name) => {
    const port = listeningPort(name, configOf(name));
    expect(service(name).healthcheck?.disable).not.toBe(true);
    expect(healthcheckText(name)).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}/(health|ready)\\b`));
  });

  it('health-checks postgres and redis with their own tools', () => {
    expect(healthcheckText('postgres')).toContain('pg_isready');
    expect(healthcheckText('redis')).toContain('redis-cli ping');
  });

  it('starts each app service only once what it needs is healthy', () => {
    expect(dependencies('identity')).toMatchObject({ postgres: 'service_healthy' });
    // Tokens are verified against identity's JWKS, so the other subgraphs wait for identity.
    for (const name of ['member', 'catalog', 'admin']) {
      expect(dependencies(name), name).toMatchObject({ postgres: 'service_healthy', identity: 'service_healthy' });
    }
    expect(dependencies('gateway')).toMatchObject(
      Object.fromEntries(subgraphServices.map((name) => [name, 'service_healthy'])),
    );
    for (const name of appServices) {
      const conditions = dependencies(name);
      expect(Object.keys(conditions).length, name).toBeGreaterThan(0);
      for (const [dependency, condition] of Object.entries(conditions)) {
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        // service_healthy never becomes true for a service without a healthcheck.
        expect(healthcheckText(dependency), `${dependency} healthcheck`).not.toBe('');
      }
    }
  });

  it('publishes only the gateway, on the port the gateway listens on', () => {
    for (const [name, definition] of Object.entries(services)) {
      if (name !== 'gateway') expect(definition.ports ?? [], name).toEqual([]);
    }
    const published = (service('gateway').ports ?? []).map((port) =>
      typeof port === 'object' ? String(port.target) : String(port).split(':').at(-1),
    );
    expect(published).toEqual([String(configOf('gateway').port)]);
  });

  it('sets only environment variables the configuration accepts', () => {
    expect(acceptedVariables).toContain('SECRET_KEY'); // the extraction itself still works
    for (const name of appServices) {
      const unknown = Object.keys(rawEnvironment(name)).filter((key) => !acceptedVariables.has(key));
      expect(unknown, name).toEqual([]);
    }
  });

  it('passes every variable of the configuration contract through, or is set apart for a reason', () => {
    // Set per service (PORT, bootstrap secrets on identity only), or meaningless here (no embedded
    // database in the image: DATABASE_URL is always set).
    const perService = new Set(['PORT', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD', 'DATA_DIR']);
    const shared = rawEnvironment('member');
    const missing = [...acceptedVariables].filter((name) => !perService.has(name) && !(name in shared));
    expect(missing).toEqual([]);
    expect(rawEnvironment('identity')).toHaveProperty('BOOTSTRAP_ADMIN_EMAIL');
    expect(rawEnvironment('gateway')).toHaveProperty('PORT');
    // Unset options arrive empty and mean the documented default.
    expect(configOf('gateway').rateLimits).toEqual(loadConfig({}).rateLimits);
    expect(configOf('identity').signingKeyRotationDays).toBe(90);
  });

  it('configures every app service as a valid production process reachable on the compose network', () => {
    for (const name of appServices) {
      const environment = rawEnvironment(name);
      expect(environment['NODE_ENV'], name).toBe('production');
      for (const required of ['SECRET_KEY', 'PUBLIC_URL', 'DATABASE_URL']) {
        expect(environment[required], `${name} ${required}`).toBeTruthy();
      }
      const config = configOf(name);
      expect(config.isProduction).toBe(true);
      expect(config.host).toBe('0.0.0.0');
      expect(config.databaseUrl).toMatch(/@postgres:5432\//);
      expect(config.redisUrl).toMatch(/^redis:\/\/redis:/);
      for (const subgraph of subgraphServices) {
        expect(subgraphUrl(config, subgraph)).toBe(`http://${subgraph}:${config.subgraphs[subgraph].port}/graphql`);
      }
    }
    for (const name of ['member', 'catalog', 'admin', 'gateway']) {
      expect(rawEnvironment(name)['IDENTITY_URL'], name).toBe('http://identity:4001/graphql');
    }
  });

  it('gives every app service the same PUBLIC_URL and SECRET_KEY, which tokens depend on', () => {
    const shared = appServices.map((name) => {
      const environment = rawEnvironment(name);
      return [environment['PUBLIC_URL'], environment['SECRET_KEY'], environment['DATABASE_URL']];
    });
    expect(new Set(shared.map((values) => JSON.stringify(values))).size).toBe(1);
  });

  it('refuses to start without the secrets instead of falling back to a default', () => {
    for (const missing of Object.keys(operatorShell)) {
      const shell = Object.fromEntries(Object.entries(operatorShell).filter(([key]) => key !== missing));
      for (const name of appServices) {
        expect(() => resolvedEnvironment(name, shell), `${name} without ${missing}`).toThrow(missing);
      }
    }
  });

  it('contains no literal secret', () => {
    for (const name of Object.keys(services)) {
      for (const [key, value] of Object.entries(rawEnvironment(name))) {
        if (secretName.test(key)) expect(value, `${name} ${key}`).toMatch(wholeInterpolationWithoutDefault);
        // A URL may carry credentials only through interpolation (DATABASE_URL's password).
        const literal = value.replace(/\$\{[^}]*\}/g, '');
        expect(literal, `${name} ${key}`).not.toMatch(/:\/\/[^\s/@]*:[^\s/@]+@/);
      }
    }
    expect(rawEnvironment('gateway')['DATABASE_URL']).toMatch(/:\$\{POSTGRES_PASSWORD:\?[^}]*\}@/);
  });
});

// ---- Dockerfile ----

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Splits the Dockerfile into build stages of instructions, joining `\` continuations. */
function dockerfileStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(line)?.[1], instructions: [] });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const stages = dockerfileStages(readRepoFile('Dockerfile'));
const runtime = stages.at(-1);
const argsOf = (stage: Stage | undefined, keyword: string): string[] =>
  (stage?.instructions ?? []).filter((instruction) => instruction.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('compiles in a build stage that installs every dependency and runs the build', () => {
    const build = stages.find((stage) => argsOf(stage, 'RUN').some((run) => run.includes('npm run build')));
    expect(build, 'a stage running `npm run build`').toBeDefined();
    expect(build).not.toBe(runtime);
    const installs = argsOf(build, 'RUN').filter((run) => /\bnpm ci\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((run) => !run.includes('--omit=dev'))).toBe(true);
    // The runtime takes the compiled output from that stage, not from the build context.
    expect(argsOf(runtime, 'COPY')).toContainEqual(
      expect.stringMatching(new RegExp(`--from=${build?.name}\\s+\\S*dist`)),
    );
  });

  it('ships production dependencies only', () => {
    const installsProduction = (stage: Stage | undefined) =>
      argsOf(stage, 'RUN').some((run) => /\bnpm ci\b.*--omit=dev/.test(run));
    const copiedFrom = argsOf(runtime, 'COPY')
      .filter((copy) => copy.includes('node_modules'))
      .map((copy) => /--from=(\S+)/.exec(copy)?.[1]);
    const sources = stages.filter((stage) => stage === runtime || copiedFrom.includes(stage.name));
    expect(sources.some(installsProduction)).toBe(true);
  });

  it('copies the schema the gateway reads at runtime, and package.json for ES module loading', () => {
    const copies = argsOf(runtime, 'COPY').filter((copy) => !copy.includes('--from='));
    expect(copies).toContainEqual(expect.stringMatching(/^schema\//));
    expect(copies).toContainEqual(expect.stringMatching(/\bpackage\.json\b/));
  });

  it('copies only sources that exist in the repository', () => {
    for (const stage of stages) {
      for (const copy of argsOf(stage, 'COPY')) {
        if (copy.includes('--from=')) continue;
        const sources = copy
          .split(/\s+/)
          .filter((word) => !word.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) {
          const exists = source.includes('*')
            ? readdirSync(join(root, dirname(source))).some((file) =>
                new RegExp(`^${source.split('/').at(-1)!.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(file),
              )
            : existsSync(join(root, source));
          expect(exists, `COPY ${source}`).toBe(true);
        }
      }
    }
  });

  it('runs the gateway in production as a non-root user, listening on all interfaces', () => {
    const users = argsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const environment = argsOf(runtime, 'ENV').join(' ');
    expect(environment).toMatch(/\bNODE_ENV=production\b/);
    expect(environment).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(argsOf(runtime, 'CMD').at(-1)).toContain('dist/gateway/src/main.js');
  });

  it('has the vendored packages the lockfile links wherever it installs, and at runtime', () => {
    const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, { link?: boolean }> };
    const linked = Object.values(lock.packages).some((entry) => entry.link);
    expect(linked, 'package-lock.json links vendor/graphql-shield').toBe(true);
    for (const stage of stages.filter((s) => argsOf(s, 'RUN').some((run) => /\bnpm ci\b/.test(run))))
      expect(argsOf(stage, 'COPY'), stage.name).toContainEqual(expect.stringMatching(/^vendor\b/));
    expect(argsOf(runtime, 'COPY')).toContainEqual(expect.stringMatching(/--from=\S+\s+\S*vendor/));
  });

  it('keeps local installs, builds and data out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.git']) expect(ignored, entry).toContain(entry);
  });
});

// ---- router.yaml (Apollo Router in place of the gateway) ----

describe('router.yaml', () => {
  interface RouterConfig {
    readonly override_subgraph_url?: Record<string, string>;
    readonly headers?: { readonly all?: { readonly request?: readonly { propagate?: { named?: string } }[] } };
    readonly include_subgraph_errors?: { readonly all?: boolean };
  }
  const router = parse(readRepoFile('router.yaml')) as RouterConfig;

  it('sends Router to the subgraph URLs docker-compose gives the gateway', () => {
    const gatewayEnvironment = resolvedEnvironment('gateway', operatorShell);
    for (const name of subgraphServices)
      expect(router.override_subgraph_url?.[name], name).toBe(gatewayEnvironment[`${name.toUpperCase()}_URL`]);
  });

  it('passes the caller’s token and request id on, and subgraph error codes back', () => {
    const propagated = (router.headers?.all?.request ?? []).map((rule) => rule.propagate?.named);
    expect(propagated).toEqual(expect.arrayContaining(['authorization', 'x-request-id']));
    expect(router.include_subgraph_errors?.all).toBe(true);
  });
});
