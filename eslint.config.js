// Lint rules, including the module boundaries of DESIGN.md: controller twins and clocks are pure
// logic on an injected clock, so they must never reach for processes, platforms or reporters.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const forbiddenForPureLogic = {
  patterns: [
    {
      group: ["**/exec", "**/exec/**", "**/platforms", "**/platforms/**", "**/report", "**/report/**"],
      message: "controllers/ and clock/ are pure logic: they must not import exec/, platforms/ or report/ (DESIGN.md §3).",
    },
    {
      group: ["node:child_process", "child_process", "execa"],
      message: "Only harness/exec/ spawns processes.",
    },
  ],
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "reports/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["harness/**/*.ts"],
    ignores: ["harness/exec/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:child_process", "child_process", "execa"], message: "Only harness/exec/ spawns processes." }] },
      ],
    },
  },
  {
    // The pure-logic rule must come after the generic one: the later config wins for a file.
    files: ["harness/controllers/**/*.ts", "harness/clock/**/*.ts"],
    rules: { "no-restricted-imports": ["error", forbiddenForPureLogic] },
  },
  {
    // Tests build deliberately malformed objects.
    files: ["**/*.test.ts", "**/test-support/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // k6 scripts run in k6's JavaScript runtime, which provides __ENV, __VU and __ITER.
    files: ["load/**/*.js"],
    languageOptions: { globals: { __ENV: "readonly", __VU: "readonly", __ITER: "readonly", console: "readonly" } },
    rules: { "@typescript-eslint/no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
  { files: ["bin/**/*.js", "scripts/**/*.mjs"], languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } } },
);
