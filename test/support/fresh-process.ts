import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs `script` (an ES module, TypeScript imports allowed, relative to the repository) in a Node
 * process of its own, and returns the JSON of its last line of output: for what a module does as
 * it loads, which a test process that has loaded everything already cannot show.
 */
export async function inFreshProcess(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', '--input-type=module', '-e', script],
    { cwd: process.cwd() },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/**
 * Script text that defines `files()`: how many files under `node_modules/<pattern>/` are in require's
 * cache (a deferred package's stand-in counts as one).
 */
export const loadedFilesOf = (pattern: string) => `
const { cache } = (await import('node:module')).createRequire(import.meta.url);
const files = () => Object.keys(cache).filter((file) => /node_modules[\\\\/]${pattern}[\\\\/]/.test(file)).length;
`;
