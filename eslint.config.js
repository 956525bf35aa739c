// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerBoundaries } from './eslint/layer-boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.start/',
      '.data/',
      'coverage/',
      'vendor/',
      '**/generated/**',
      '**/migrations/Migration*.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Apollo plugin hooks and resolver signatures are async by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
      // type-graphql resolvers and MikroORM entities are classes whose members are read by decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // The layers (eslint/layer-boundaries.js); test/lint-boundaries.test.ts shows the rule bites.
    files: ['**/*.ts'],
    plugins: { membergraph: { rules: { 'layer-boundaries': layerBoundaries } } },
    rules: {
      'membergraph/layer-boundaries': [
        'error',
        { root: import.meta.dirname, composers: ['gateway/src/stack.ts', 'gateway/src/migrated-template.ts'] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    // Plain Node scripts: Node's globals are known to Node, not to a browser-minded no-undef.
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'off' },
  },
);
