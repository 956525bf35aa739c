import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every operation the tests and the REST layer send, generated from the
 * client-facing API schema (not the raw supergraph, which carries join__/link__ machinery).
 * `npm run compose` regenerates this after the schema; a test fails when the output is stale.
 */
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: ['gateway/src/**/*.graphql', 'test/operations/**/*.graphql'],
  generates: {
    'gateway/src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', ID: 'string' },
        avoidOptionals: { field: true, inputValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
