import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Node that runs the production shape's processes (ours and stock @apollo/gateway alike). */
export interface Runtime {
  readonly execPath: string;
  readonly version: string;
  /** Why this one: the image's, this machine's, or the one --node named. */
  readonly source: string;
}

/** `--node`: the Node major of the Dockerfile's image (default), this process's, or a binary. */
export type RuntimeChoice = 'image' | 'current' | { readonly path: string };

const current = (source: string): Runtime => ({ execPath: process.execPath, version: process.version, source });

/**
 * The production shape is what the image runs, so its processes run on the image's Node major
 * (Dockerfile `ARG NODE_IMAGE=node:<major>-…`): this machine's Node when it is that major, else one
 * fetched once by npx (`npx -p node@<major>`, from the npm registry). `npm start` and the bench
 * itself stay on this machine's Node.
 */
export async function productionRuntime(root: string, choice: RuntimeChoice): Promise<Runtime> {
  if (choice === 'current') return current("this machine's (--node=current)");
  if (typeof choice === 'object') return { ...(await versionOf(choice.path)), source: `--node=${choice.path}` };
  const dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8');
  const image = /^ARG NODE_IMAGE=(node:(\d+)\S*)/m.exec(dockerfile);
  if (!image) throw new Error(`no "ARG NODE_IMAGE=node:<major>…" in ${join(root, 'Dockerfile')}: pass --node`);
  const [, name, major] = image;
  const source = `the image's (Dockerfile ${name})`;
  if (process.versions.node.split('.')[0] === major) return current(source);
  let execPath: string;
  try {
    const { stdout } = await run('npx', ['-y', '-p', `node@${major}`, '--', 'node', '-p', 'process.execPath'], {
      timeout: 300_000,
    });
    execPath = stdout.trim();
  } catch (error) {
    throw new Error(`could not get Node ${major} with npx (${String(error)}): pass --node=current or --node=<path>`, {
      cause: error,
    });
  }
  return { ...(await versionOf(execPath)), source };
}

async function versionOf(execPath: string): Promise<Omit<Runtime, 'source'>> {
  const { stdout } = await run(execPath, ['-p', 'process.version']);
  return { execPath, version: stdout.trim() };
}
