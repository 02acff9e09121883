/** Unit specs beside the code; end-to-end specs in test/ against the built apps (npm test builds first). */
const aliases = {
  '^@argus/(contracts|oauth|platform|persistence|events|clients|keys|token|introspection|gateway|testing|authorization)$': '<rootDir>/libs/$1/src',
  '^@argus/testing/unit$': '<rootDir>/libs/testing/src/unit',
};
// Transpile only (types are checked by `npm run typecheck`); decorator metadata comes from tsconfig.json.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
};
const common = { testEnvironment: 'node', moduleNameMapper: aliases, transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/libs', '<rootDir>/apps'], testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts', '**/*.spec.ts'] },
  ],
};
