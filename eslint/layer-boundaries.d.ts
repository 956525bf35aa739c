import type { Rule } from 'eslint';

/** Why `from` may not import `to` (repository-relative paths), or undefined when it may. */
export declare function forbiddenImport(from: string, to: string, composers: readonly string[]): string | undefined;
export declare const layerBoundaries: Rule.RuleModule;
