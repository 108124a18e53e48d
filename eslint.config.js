import tseslint from 'typescript-eslint';

// Apps meet through packages: only the CLI, which starts every process, may import other apps. These
// patterns catch both a workspace import (`@ortfleet/agent`) and a relative path into another app's source.
const APPS = ['agent', 'cli', 'dashboard', 'orchestrator'];
const noImportOf = (apps, why) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: `^@ortfleet/(${apps.join('|')})(/|$)`, message: why },
        { regex: `^(\\.\\./)+(apps/)?(${apps.join('|')})/src(/|$)`, message: why },
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.ortfleet/**', 'packages/db/drizzle/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: noImportOf(APPS, 'packages never import apps: move what both need into a package'),
  },
  ...APPS.filter((app) => app !== 'cli').map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: noImportOf(
      APPS.filter((other) => other !== app),
      'apps never import other apps (only the CLI launcher does): share through a package such as @ortfleet/contracts',
    ),
  })),
);
