// ESLint flat config for the whole workspace: packages/server, packages/client,
// packages/console, packages/portal and the cross-package tests in test/.
//
// typescript-eslint needs the classic TypeScript compiler API: every package is on
// TypeScript 5.9 (docs/architecture.md, "One TypeScript").
//
// Only rules that need no type information are enabled, so the whole repository lints
// in seconds.
//
// Prettier lays the code out (`.prettierrc.json`); `pnpm lint` checks it after ESLint, and
// `pnpm format` writes it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import prettier from 'eslint-config-prettier/flat';

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/dist-check/**', '**/coverage/**', '**/.data/**', 'packages/client/src/**/generated*'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // A leading underscore marks a value left unused on purpose (e.g. a key taken out of an object by a rest destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['packages/console/**/*.{ts,vue}', 'packages/portal/**/*.{ts,vue}', 'packages/client/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.vue'],
        sourceType: 'module',
      },
    },
  },
  {
    // The page measurements pass functions to page.evaluate(), which run in the browser.
    files: ['test/bench/**/*.mjs'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    // Tests and benchmarks read arbitrary GraphQL JSON and SQL rows; typing every response would add nothing.
    files: ['packages/*/test/**', '**/__tests__/**', '**/*.test.ts', 'packages/server/src/bench/**', 'test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Layout is Prettier's (`.prettierrc.json`, checked by `pnpm lint`): the layout rules of the sets above are off.
  prettier,
  {
    files: ['**/*.vue'],
    rules: {
      // Left on by eslint-config-prettier; Prettier decides where attributes break.
      'vue/first-attribute-linebreak': 'off',
      // Not layout: empty elements and components close themselves (`<input />`, `<NSpin />`), which Prettier leaves as written.
      'vue/html-self-closing': ['warn', { html: { void: 'always', normal: 'always', component: 'always' }, svg: 'always', math: 'always' }],
    },
  },
);
