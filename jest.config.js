/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: true }] },
  testTimeout: 120000,
  // the notebook and kernel tests start kernel processes: two cores, keep it to two workers
  maxWorkers: 2,
};
