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
};
