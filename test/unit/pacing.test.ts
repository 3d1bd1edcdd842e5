// The outbox pacer: bursts up to the bucket size, then the platform's rate.
// A virtual clock that only the pacer's own waits move: what is measured is
// the pacing, not how busy the machine is.
import { describe, expect, it } from "vitest";
import { createPacer, PLATFORM_RATES } from "../../src/jobs/pacing.ts";

function virtualPacer() {
  let t = 0;
  const pacer = createPacer(
    () => t,
    async (ms) => {
      t += ms;
    },
  );
  return { pacer, elapsed: () => t };
}

describe("pacer", () => {
  it("lets a Teams conversation burst 7 messages, then waits for the next token", async () => {
    const { pacer, elapsed } = virtualPacer();
    const keys = [
      { key: "teams:tenant:t1", rate: PLATFORM_RATES.teamsTenant },
      { key: "teams:conversation:a", rate: PLATFORM_RATES.teamsConversation },
    ];
    for (let i = 0; i < 7; i++) await pacer.take(keys);
    // The conversation's burst of 7 holds nobody up; only the tenant's rate spaces them (3 at once, then 47/s).
    expect(elapsed()).toBeGreaterThan(0);
    expect(elapsed()).toBeLessThan(1000 / 7);
    await pacer.take(keys);
    expect(elapsed()).toBeGreaterThanOrEqual(1000 / 7); // the 8th waits for the conversation's next token
    // Another conversation of the same tenant waits at most for the tenant's next token.
    const before = elapsed();
    await pacer.take([keys[0]!, { key: "teams:conversation:b", rate: PLATFORM_RATES.teamsConversation }]);
    expect(elapsed() - before).toBeLessThanOrEqual(Math.ceil(1000 / PLATFORM_RATES.teamsTenant.perSecond));
  });

  it("sends about one message per second to a Slack channel", async () => {
    const { pacer, elapsed } = virtualPacer();
    const channel = [{ key: "slack:channel:C1", rate: PLATFORM_RATES.slackChannel }];
    await pacer.take(channel);
    await pacer.take(channel);
    expect(elapsed()).toBe(Math.ceil(1000 / PLATFORM_RATES.slackChannel.perSecond));
  });
});
