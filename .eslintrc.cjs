module.exports = {
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  root: true,
  ignorePatterns: ['lib/', 'node_modules/', 'bin/'],
  parserOptions: {
    project: ['./tsconfig.json', './test/tsconfig.json'],
  },
  rules: {
    // No licence headers in this project.
    header: 'off',
  },
  overrides: [
    {
      // The package users install is the release bundle (scripts/bundle.mjs): what src imports is inside it, so those
      // packages are devDependencies, and `dependencies` holds only what the bundle leaves external (pino), which
      // bundle.mjs checks. tsc still fails on an import of anything not installed.
      files: ['src/**'],
      rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: false }] },
    },
  ],
};
