// @ts-check
// The project's layers, held by the lint rather than by habit:
//   lib/         shared platform code: imports nothing of gateway/, subgraphs/ or bin/;
//   subgraphs/X  one domain: imports lib/ and itself, never another subgraph, the gateway or bin/;
//   gateway/     imports subgraphs only where the all-in-one process composes them (stack.ts, and
//                migrated-template.ts, which migrates them all for npm start's cached cluster).
// Composition roots (subgraphs/registry.ts, bin/, schema/, bench/) and tests may import anything.
import { dirname, relative, resolve } from 'node:path';

/** @param {string} path repository-relative, with forward slashes */
function areaOf(path) {
  const [top, second] = path.split('/');
  if (top === 'lib' || top === 'gateway' || top === 'bin') return { top };
  if (top === 'subgraphs' && second && second.includes('.') === false) return { top, subgraph: second };
  return { top: top ?? '' };
}

/**
 * Why `from` may not import `to`, or undefined when it may.
 * @param {string} from @param {string} to repository-relative paths
 * @param {readonly string[]} composers files of gateway/ allowed to import subgraphs
 */
export function forbiddenImport(from, to, composers) {
  const source = areaOf(from);
  const target = areaOf(to);
  if (source.top === 'lib' && ['gateway', 'subgraphs', 'bin'].includes(target.top))
    return `lib/ is shared platform code: it may not import ${target.top}/`;
  if (source.subgraph) {
    if (target.subgraph && target.subgraph !== source.subgraph)
      return `the ${source.subgraph} subgraph may not import the ${target.subgraph} subgraph: data crosses through federation`;
    if (target.top === 'subgraphs' && !target.subgraph)
      return `the ${source.subgraph} subgraph may not import ${to}: only composition roots list every subgraph`;
    if (target.top === 'gateway' || target.top === 'bin')
      return `the ${source.subgraph} subgraph may not import ${target.top}/`;
  }
  if (source.top === 'gateway' && target.top === 'subgraphs' && !composers.includes(from))
    return `gateway/ imports subgraphs only where the all-in-one process composes them (${composers.join(', ')})`;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps lib/, each subgraph and the gateway within their layers' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          composers: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root = context.cwd, composers = [] } = context.options[0] ?? {};
    const from = relative(root, context.filename).split('\\').join('/');
    if (from.startsWith('..') || /\.test\.ts$/.test(from) || from.startsWith('test/')) return {};
    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const to = relative(root, resolve(dirname(context.filename), specifier))
        .split('\\')
        .join('/');
      const why = forbiddenImport(from, to, composers);
      if (why) context.report({ node: source, message: `${why} (${specifier})` });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
