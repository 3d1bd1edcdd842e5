// The outbox pacer: bursts up to the bucket size, then the platform's rate.
import { describe, expect, it } from "vitest";
import { createPacer, PLATFORM_RATES } from "../../src/jobs/pacing.ts";

describe("pacer", () => {
  it("lets a Teams conversation burst 7 messages, then waits for the next token", async () => {
    const pacer = createPacer();
    const keys = [
      { key: "teams:tenant:t1", rate: PLATFORM_RATES.teamsTenant },
      { key: "teams:conversation:a", rate: PLATFORM_RATES.teamsConversation },
    ];
    const start = performance.now();
    for (let i = 0; i < 7; i++) await pacer.take(keys);
    expect(performance.now() - start).toBeLessThan(140); // no wait (the 8th needs 1/7 s)
    await pacer.take(keys);
    expect(performance.now() - start).toBeGreaterThanOrEqual(130); // 1/7 s
    // Another conversation of the same tenant is not held up.
    const other = performance.now();
    await pacer.take([keys[0]!, { key: "teams:conversation:b", rate: PLATFORM_RATES.teamsConversation }]);
    expect(performance.now() - other).toBeLessThan(100);
  });

  it("sends about one message per second to a Slack channel", async () => {
    const pacer = createPacer();
    const channel = [{ key: "slack:channel:C1", rate: PLATFORM_RATES.slackChannel }];
    const start = performance.now();
    await pacer.take(channel);
    await pacer.take(channel);
    expect(performance.now() - start).toBeGreaterThanOrEqual(950);
  });
});
