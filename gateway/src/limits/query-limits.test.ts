import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, print, validate, type DocumentNode, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, QUERY_LIMIT_FLOORS } from '../../../lib/config/env.js';
import * as generated from '../generated/graphql.js';
import { queryLimits } from './query-limits.js';

const apiSchema = buildSchema(readFileSync(new URL('../../../schema/api.graphql', import.meta.url), 'utf8'));

/** Every operation the gateway runs in-process (the REST layer, the token endpoint, the pages). */
const ownOperations = Object.entries(generated).filter(
  (entry): entry is [string, DocumentNode] => (entry[1] as Partial<DocumentNode>).kind === Kind.DOCUMENT,
);

const atFloors = {
  MAX_QUERY_DEPTH: String(QUERY_LIMIT_FLOORS.depth),
  MAX_QUERY_ALIASES: String(QUERY_LIMIT_FLOORS.aliases),
  MAX_QUERY_TOKENS: String(QUERY_LIMIT_FLOORS.tokens),
  MAX_QUERY_COST: String(QUERY_LIMIT_FLOORS.cost),
  MAX_QUERY_DIRECTIVES: String(QUERY_LIMIT_FLOORS.directives),
};

/** What the gateway's limits say of `text`: its parse (the token limit), then its validation rules. */
function refusals(text: string, limits: ReturnType<typeof queryLimits>): readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(text, limits.parseOptions);
  } catch (error) {
    return [error as GraphQLError];
  }
  return validate(apiSchema, document, limits.validationRules);
}

describe('the lowest query limits the configuration accepts', () => {
  const limits = queryLimits(loadConfig(atFloors));

  it("admit every one of the gateway's own operations", () => {
    expect(ownOperations.length).toBeGreaterThan(50);
    for (const [name, document] of ownOperations) {
      expect({ name, refusals: refusals(print(document), limits).map((e) => e.message) }).toEqual({
        name,
        refusals: [],
      });
    }
  });

  it('still refuse a client document beyond them', () => {
    const deep =
      '{ me { ...U } } fragment U on User { memberProfile { ...P } } fragment P on MemberProfile { language }';
    expect(refusals(deep, limits).map((e) => e.message)).toEqual([expect.stringMatching(/depth limit of 5/i)]);
    expect(refusals('{ a: me { id } b: me { id } }', limits).map((e) => e.message)).toEqual([
      expect.stringMatching(/aliases/i),
    ]);
  });

  it('refuse a configuration below them at start, naming the variable and the least value', () => {
    const below = Object.fromEntries(
      Object.entries(atFloors).map(([name, value]) => [name, String(Number(value) - 1)]),
    );
    let refused: unknown;
    try {
      loadConfig(below);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    const problems = (refused as ConfigError).problems;
    for (const [name, value] of Object.entries(atFloors)) {
      // MAX_QUERY_ALIASES=0 is refused as not positive, the others as below what the routes need.
      const expected = value === '1' ? /too small|positive|greater than/i : new RegExp(`at least ${value}:`);
      expect(problems.find((problem) => problem.startsWith(`${name}:`))).toMatch(expected);
    }
  });
});
