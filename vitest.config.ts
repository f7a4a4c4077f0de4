import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["harness/**/*.test.ts", "fixtures/**/*.test.ts", "test/**/*.test.ts"],
    // Tests are pure logic or spawn the built CLI; none waits on wall time for a controller.
    testTimeout: 90_000,
  },
});
