module.exports = {
  extends: '../.eslintrc.cjs',
  rules: {
    '@typescript-eslint/no-unused-expressions': 'off',
    '@typescript-eslint/explicit-function-return-type': 'off',
    '@typescript-eslint/no-empty-function': 'off',
    '@typescript-eslint/require-await': 'off',
    'no-await-in-loop': 'off',
    'class-methods-use-this': 'off',
  },
};
