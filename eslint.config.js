// typescript-eslint's recommended rules (flat config) over the project's TypeScript and its few
// CommonJS files. `npm run lint`, also in .ci/run. Formatting is prettier's job, not the linter's.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** Node's globals, for the plain JavaScript files (bin/, configuration files). */
const nodeGlobals = Object.fromEntries(['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console'].map((g) => [g, 'readonly']));

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'client/dist/**', 'client/src/generated/**', 'bench/postgraphile/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose (a GraphQL argument the
      // subscription filter reads, a key left out of a rest copy).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // prom-client calls a metric's collect() with the metric as `this`; the hub's metrics object is kept as `metrics`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['metrics'] }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and benchmarks read JSON answers of the API, whose shape the assertions themselves check;
    // they load built artefacts (the generated SDK) with require().
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
