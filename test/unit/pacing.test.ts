// The outbox's rate limiter: sliding windows as the platforms count them,
// checked at given times (no real clock).
import { describe, expect, it } from "vitest";
import { createMemoryLimiter, PLATFORM_LIMITS, WINDOW_MARGIN_MS, windowWait } from "../../src/jobs/pacing.ts";

const tenant = { key: "teams:tenant:t1", windows: PLATFORM_LIMITS.teamsTenant };
const conversation = (id: string) => ({ key: `teams:conversation:${id}`, windows: PLATFORM_LIMITS.teamsConversation });

describe("rate limiter", () => {
  it("lets 7 messages into a Teams conversation in a second, the 8th only when the first leaves the window", async () => {
    const limiter = createMemoryLimiter();
    for (let i = 0; i < 7; i++) expect(await limiter.tryTake([tenant, conversation("a")], i * 10)).toBe(0);
    expect(await limiter.tryTake([tenant, conversation("a")], 70)).toBe(1000 + WINDOW_MARGIN_MS - 70);
    // Another conversation of the same tenant is not held up.
    expect(await limiter.tryTake([tenant, conversation("b")], 70)).toBe(0);
    expect(await limiter.tryTake([tenant, conversation("a")], 1000 + WINDOW_MARGIN_MS)).toBe(0);
  });

  it("keeps the 2-second, 30-second and hourly windows of a conversation too", () => {
    const w = PLATFORM_LIMITS.teamsConversation;
    // 8 in 2 s: seven in the first second and one more right after it.
    const eight = [0, 1, 2, 3, 4, 5, 6, 1100];
    expect(windowWait(eight, w, 1200)).toBe(2000 + WINDOW_MARGIN_MS - 1200);
    // 60 in 30 s, spread so no shorter window is full.
    const sixty = Array.from({ length: 60 }, (_, i) => i * 400);
    expect(windowWait(sixty, w, 24_000)).toBe(30_000 + WINDOW_MARGIN_MS - 24_000);
    // 1,800 in an hour, one every 1.9 s.
    const hour = Array.from({ length: 1800 }, (_, i) => i * 1900);
    expect(windowWait(hour, w, 1800 * 1900)).toBe(3_600_000 + WINDOW_MARGIN_MS - 1800 * 1900);
  });

  it("never lets a Slack channel have two messages within a second, and a 429 pauses the key", async () => {
    const limiter = createMemoryLimiter();
    const channel = [{ key: "slack:channel:C1", windows: PLATFORM_LIMITS.slackChannel }];
    expect(await limiter.tryTake(channel, 0)).toBe(0);
    expect(await limiter.tryTake(channel, 999)).toBeGreaterThan(0);
    expect(await limiter.tryTake(channel, 1000 + WINDOW_MARGIN_MS)).toBe(0);
    await limiter.pause("slack:channel:C1", 10_000);
    expect(await limiter.tryTake(channel, 5000)).toBe(5000);
    expect(await limiter.tryTake(channel, 10_000)).toBe(0);
  });

  it("takes nothing from any key when one of them must wait", async () => {
    const limiter = createMemoryLimiter();
    for (let i = 0; i < 50; i++) expect(await limiter.tryTake([tenant, conversation(`c${i}`)], i)).toBe(0);
    expect(await limiter.tryTake([tenant, conversation("fresh")], 100)).toBeGreaterThan(0);
    // "fresh" was not charged: it can take 7 at once in the next second.
    for (let i = 0; i < 7; i++) expect(await limiter.tryTake([conversation("fresh")], 200 + i)).toBe(0);
  });
});
