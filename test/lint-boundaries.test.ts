import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerBoundaries } from '../eslint/layer-boundaries.js';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const composers = ['gateway/src/stack.ts', 'gateway/src/migrated-template.ts'];

/** Lints one import line as if it were written in `file`, with only the layer rule on. */
async function problemsOf(file: string, importLine: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { membergraph: { rules: { 'layer-boundaries': layerBoundaries } } },
        rules: { 'membergraph/layer-boundaries': ['error', { root, composers }] },
      },
    ],
  });
  const [result] = await eslint.lintText(`${importLine}\n`, { filePath: `${root}/${file}` });
  return result!.messages.map((m) => m.message);
}

describe('the layer rule of the lint', () => {
  it('is on, as an error, for every TypeScript file of the repository', async () => {
    const config = (await new ESLint({ cwd: root }).calculateConfigForFile(`${root}/lib/db/orm.ts`)) as {
      rules: Record<string, unknown>;
    };
    expect(config.rules['membergraph/layer-boundaries']).toEqual([2, { root, composers }]);
  });

  it.each([
    ['lib/http/origin.ts', "import { x } from '../../subgraphs/registry.js';", /lib\/ is shared platform code/],
    ['lib/db/orm.ts', "import { x } from '../../gateway/src/server.js';", /lib\/ is shared platform code/],
    ['lib/db/orm.ts', "export { x } from '../../bin/migrate.js';", /lib\/ is shared platform code/],
    [
      'subgraphs/member/src/profile/profile.service.ts',
      "import type { X } from '../../../identity/src/user/user.entity.js';",
      /member subgraph may not import the identity subgraph/,
    ],
    [
      'subgraphs/admin/src/definition.ts',
      "const m = import('../../catalog/src/definition.js');",
      /admin subgraph may not import the catalog subgraph/,
    ],
    ['subgraphs/catalog/src/main.ts', "import { x } from '../../registry.js';", /only composition roots/],
    [
      'subgraphs/identity/src/schema.ts',
      "import { x } from '../../../gateway/src/server.js';",
      /may not import gateway/,
    ],
    [
      'gateway/src/rest/router.ts',
      "import { x } from '../../../subgraphs/identity/src/definition.js';",
      /gateway\/ imports subgraphs only where the all-in-one process composes them/,
    ],
  ])('refuses, in %s, %s', async (file, importLine, why) => {
    const problems = await problemsOf(file, importLine);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(why);
  });

  it.each([
    ['lib/db/orm.ts', "import { x } from '../errors/index.js';"],
    ['subgraphs/member/src/profile/profile.service.ts', "import { x } from '../../../../lib/db/orm.js';"],
    ['subgraphs/member/src/profile/profile.service.ts', "import { x } from '../sharing/sharing.service.js';"],
    ['gateway/src/stack.ts', "import { x } from '../../subgraphs/registry.js';"],
    ['bin/migrate.ts', "import { x } from '../subgraphs/registry.js';"],
    ['test/federation.test.ts', "import { x } from '../subgraphs/member/src/profile/member-profile.entity.js';"],
  ])('allows, in %s, %s', async (file, importLine) => {
    expect(await problemsOf(file, importLine)).toEqual([]);
  });
});
