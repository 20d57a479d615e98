// ESLint: typescript-eslint strict, React hooks, and the import boundaries of ARCHITECTURE.md as errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // shared → zod only
            zone('./src/shared', './src/client', 'src/shared must not import the client.'),
            zone('./src/shared', './src/server', 'src/shared must not import the server.'),
            // client and server never import each other
            zone('./src/client', './src/server', 'The client must not import the server.'),
            zone('./src/server', './src/client', 'The server must not import the client.'),
            // nothing imports tests
            zone('./src', './tests', 'Product code must not import tests.'),
            // inside client: app → features → db | sync | lib | ui → shared
            { target: './src/client/features', from: './src/client/app', except: ['./routes.ts'], message: 'Features must not import the app layer (app/routes.ts, the href registry, is the one exception).' },
            zone(['./src/client/db', './src/client/sync', './src/client/lib', './src/client/ui'], './src/client/features', 'Lower layers must not import features.'),
            zone(['./src/client/db', './src/client/sync', './src/client/lib', './src/client/ui'], './src/client/app', 'Lower layers must not import the app layer.'),
            zone('./src/client/ui', ['./src/client/db', './src/client/sync', './src/client/lib'], 'ui/ is presentational: it gets data and strings through props.'),
            zone('./src/client/db', ['./src/client/sync', './src/client/ui'], 'db/ depends only on shared.'),
            // one feature never imports another
            ...['area', 'households', 'visits', 'overview', 'settings', 'pwa', 'sync-status', 'auth', 'self-check', 'reports', 'team', 'guides', 'household-card'].map((f) =>
              ({ target: `./src/client/features/${f}`, from: './src/client/features', except: [`./${f}`], message: 'One feature must not import another: compose them in app/ and share data through db/.' }),
            ),
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/index', '**/index.ts'], message: 'No barrel files: import the module itself.' }] },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod(/|$)|\\.{1,2}/).*', message: 'src/shared imports zod only (and other shared modules).' },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.{ts,tsx,mjs}'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
