import { readFileSync } from 'node:fs';

/**
 * Docker and Kubernetes secrets arrive as files: `SECRET_KEY_FILE=/run/secrets/secret_key` stands
 * for `SECRET_KEY` with that file's content (one trailing newline dropped, as editors and
 * `echo` add one). Any variable of the contract may be given so; giving both forms is a mistake,
 * as is a file that cannot be read.
 */
export function withFileVariables(
  source: Record<string, string | undefined>,
  names: readonly string[],
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): { readonly values: Record<string, string | undefined>; readonly problems: readonly string[] } {
  const values = { ...source };
  const problems: string[] = [];
  for (const name of names) {
    const path = source[`${name}_FILE`];
    if (path === undefined || path.trim() === '') continue;
    if (source[name] !== undefined && source[name] !== '') {
      problems.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      values[name] = read(path).replace(/\r?\n$/, '');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      problems.push(`${name}_FILE: cannot read ${path} (${reason})`);
    }
  }
  return { values, problems };
}
