import { readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries (tests/unit/eslint-boundaries.test.ts keeps them working):
 * - an app (`functions/<app>/`, the platform's own functions included) imports from `shared/`
 *   only the contract, the views, the provider client, a few leaf helpers (errors, validation, timeout,
 *   random) and, as types
 *   only, the ports and the config; it reaches drivers and the runtime through `ctx`, never by
 *   importing them; and it never imports another app, nor scripts or tests;
 * - platform code (`shared/`) and scripts never import an app: they find functions through the
 *   manifest (`functions/` scanned at run time).
 * Imports are relative, so each pattern matches any number of leading `../`.
 */
const UP = String.raw`^(?:\.\./)+`;
// Paths inside shared/.
const DRIVERS = String.raw`(?:queue/(?:memory|rabbitmq|sqs)|db/(?:pg|pglite)|cache/(?:memory|redis))(?:\.ts$|/)`;
const TYPES_ONLY = String.raw`(?:(?:db|queue|cache)/port|config)\.ts$`;
const OPEN_TO_APPS = String.raw`(?:contract/|http/views/|provider/|(?:errors|validation|timeout|random)\.ts$)`;

const APPS = readdirSync(path.join(import.meta.dirname, 'functions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const restrict = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { patterns: patterns.map((pattern) => ({ caseSensitive: true, ...pattern })) },
  ],
});

/** One block per app, since "another app" depends on which app the file is in. */
const appBoundaries = (app) => {
  const others = APPS.filter((other) => other !== app);
  return {
    files: [`functions/${app}/**`],
    rules: restrict([
      {
        regex: `${UP}shared/${DRIVERS}`,
        message: 'An app reaches the queue, the database and the cache through ctx, never a driver.',
      },
      {
        regex: `${UP}shared/(?!${OPEN_TO_APPS}|${TYPES_ONLY}|${DRIVERS})`,
        message:
          'Platform internals are not for apps: use shared/contract (defineHttp, ctx, responses), ' +
          'shared/http/views, or ask for what is missing to be added to ctx.',
      },
      {
        regex: `${UP}shared/${TYPES_ONLY}`,
        allowTypeImports: true,
        message: 'Ports and the config are types for an app (`import type`); the values come through ctx.',
      },
      {
        regex: `${UP}(?:scripts|tests)/`,
        message: 'An app does not import scripts or tests.',
      },
      ...(others.length > 0
        ? [
            {
              regex: `${UP}(?:functions/)?(?:${others.join('|')})(?:/|$)`,
              message: `Apps do not import each other (${app} is one app): share through shared/ or a message.`,
            },
          ]
        : []),
    ]),
  };
};

const noAppImports = (message) => restrict([{ regex: `${UP}functions(?:/|$)`, message }]);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'functions/gradcafe/data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['scripts/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  ...APPS.map(appBoundaries),
  {
    // An app's benchmark (a section of `npm run bench`) is tooling beside the app, not app code:
    // it builds runners and drivers as the bench harness does. No function imports it.
    files: ['functions/*/bench/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off', 'no-console': 'off' },
  },
  {
    files: ['shared/**'],
    rules: noAppImports('Platform code does not import an app: it finds functions through the manifest.'),
  },
  {
    files: ['scripts/**'],
    // The bundled GradCafe data is generated from the app's own entry generator.
    // An app's own tooling: its sample-data generator.
    ignores: ['scripts/generate-gradcafe-data.ts', 'scripts/generate-imports-data.ts'],
    rules: noAppImports('A script does not import an app: it finds functions through the manifest.'),
  },
);
