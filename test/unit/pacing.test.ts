// The outbox's rate limiter: sliding windows as the platforms count them,
// checked at given times (no real clock).
import { describe, expect, it } from "vitest";
import { createDatabaseLimiter, createMemoryLimiter, PLATFORM_LIMITS, WINDOW_MARGIN_MS, windowWait, type KeyLog, type Reservation } from "../../src/jobs/pacing.ts";

const tenant = { key: "teams:tenant:t1", windows: PLATFORM_LIMITS.teamsTenant };
const conversation = (id: string) => ({ key: `teams:conversation:${id}`, windows: PLATFORM_LIMITS.teamsConversation });
/** The moment a turn reserved; a turn not taken fails the test. */
const reserved = (turn: Reservation) => {
  if (!turn.taken) throw new Error(`not taken: wait ${turn.wait}`);
  return turn.reserved;
};

describe("rate limiter", () => {
  it("lets 7 messages into a Teams conversation in a second, spread out, the 8th only when the first leaves the window", async () => {
    const limiter = createMemoryLimiter();
    // One every 1000/7 ms at the most.
    expect(await limiter.take([tenant, conversation("a")], 0, 0)).toMatchObject({ wait: 0 });
    expect(await limiter.take([tenant, conversation("a")], 100, 0)).toMatchObject({ wait: 43 });
    for (let i = 1; i < 7; i++) expect(await limiter.take([tenant, conversation("a")], i * 143, 0)).toMatchObject({ wait: 0 });
    expect(await limiter.take([tenant, conversation("a")], 1000, 0)).toMatchObject({ wait: WINDOW_MARGIN_MS });
    // Another conversation of the same tenant is not held up.
    expect(await limiter.take([tenant, conversation("b")], 1000, 0)).toMatchObject({ wait: 0 });
    expect(await limiter.take([tenant, conversation("a")], 1000 + WINDOW_MARGIN_MS, 0)).toMatchObject({ wait: 0 });
  });

  it("keeps the 2-second, 30-second and hourly windows of a conversation too", () => {
    const w = PLATFORM_LIMITS.teamsConversation;
    // 8 in 2 s: seven in the first second and one more right after it.
    const eight = [0, 143, 286, 429, 572, 715, 858, 1100];
    expect(windowWait(eight, w, 1300)).toBe(2000 + WINDOW_MARGIN_MS - 1300);
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
    expect(await limiter.take(channel, 0, 0)).toMatchObject({ wait: 0 });
    expect(await limiter.take(channel, 999, 0)).toMatchObject({ taken: false });
    expect(await limiter.take(channel, 1000 + WINDOW_MARGIN_MS, 0)).toMatchObject({ wait: 0 });
    await limiter.pause("slack:channel:C1", 10_000);
    expect(await limiter.take(channel, 5000, 0)).toMatchObject({ wait: 5000 });
    expect(await limiter.take(channel, 10_000, 0)).toMatchObject({ wait: 0 });
  });

  it("moves a late send's turn to when it starts where every window allows it, and only there", async () => {
    const limiter = createMemoryLimiter();
    const channel = { key: "slack:channel:C7", windows: PLATFORM_LIMITS.slackChannel };
    // A Slack channel's next turn is reserved after this send: the late start moves its turn, and the next counts from it.
    const first = await limiter.take([channel], 0, 0);
    expect(await limiter.move([channel], reserved(first), 80)).toBe(true);
    expect(await limiter.take([channel], 1000 + WINDOW_MARGIN_MS, 10_000)).toMatchObject({ wait: 80, reserved: 1000 + WINDOW_MARGIN_MS + 80 });
    // A busy tenant's later turns are reserved already: moving its turn 30 ms later
    // would put 51 requests in a window. All or nothing: the channel is not moved either.
    const c8 = { key: "slack:channel:C8", windows: PLATFORM_LIMITS.slackChannel };
    const both = await limiter.take([c8, tenant], 0, 0);
    const later = [];
    for (let i = 0; i < 50; i++) later.push(await limiter.take([tenant], 0, 10_000));
    expect(later.at(-1)).toMatchObject({ reserved: 1000 + WINDOW_MARGIN_MS });
    expect(await limiter.move([c8, tenant], reserved(both), 30)).toBe(false);
    expect(await limiter.take([c8], 1000 + WINDOW_MARGIN_MS, 0)).toMatchObject({ wait: 0 });
    // The last turn reserved may always move later.
    expect(await limiter.move([tenant], reserved(later.at(-1)!), 1000 + WINDOW_MARGIN_MS + 500)).toBe(true);
    // A reservation trimmed away, or never made, is not moved.
    expect(await limiter.move([channel], 12_345, 12_400)).toBe(false);
  });

  it("takes nothing from any key when one of them must wait", async () => {
    const limiter = createMemoryLimiter();
    for (let i = 0; i < 50; i++) expect(await limiter.take([tenant, conversation(`c${i}`)], i * 20, 0)).toMatchObject({ wait: 0 });
    expect(await limiter.take([tenant, conversation("fresh")], 1010, 0)).toMatchObject({ taken: false });
    // "fresh" was not charged: its first message can go at once.
    expect(await limiter.take([conversation("fresh")], 1010, 0)).toMatchObject({ wait: 0 });
  });

  it("reserves turns first come, first served: waiting senders get successive moments, not the same one", async () => {
    const limiter = createMemoryLimiter();
    const channel = [{ key: "slack:channel:C9", windows: PLATFORM_LIMITS.slackChannel }];
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiter.take(channel, 0, 10_000));
    const step = 1000 + WINDOW_MARGIN_MS;
    expect(waits).toEqual([0, step, 2 * step, 3 * step].map((wait) => ({ wait, taken: true, reserved: wait })));
    // Too far off: not reserved, and the next sender's turn is unchanged.
    expect(await limiter.take(channel, 0, 1000)).toEqual({ wait: 4 * step, taken: false });
    expect(await limiter.take(channel, 0, 10_000)).toEqual({ wait: 4 * step, taken: true, reserved: 4 * step });
  });

  it("ignores reservations and pauses from another clock (a test's fixed clock, a clock set back)", async () => {
    const limiter = createMemoryLimiter();
    const channel = [{ key: "slack:channel:C2", windows: PLATFORM_LIMITS.slackChannel }];
    const months = 200 * 86_400_000;
    expect(await limiter.take(channel, months, 0)).toMatchObject({ wait: 0 });
    await limiter.pause("slack:channel:C2", months + 60_000);
    // Months earlier: neither the reservation nor the pause holds the key.
    expect(await limiter.take(channel, 0, 0)).toMatchObject({ wait: 0, taken: true });
  });
});

describe("database limiter (its batching, over a stand-in for the rows)", () => {
  /** Rows in memory, one update at a time, as the database's lock would have it; counts the transactions. */
  function rows() {
    const logs = new Map<string, KeyLog>();
    let tail = Promise.resolve();
    const store = {
      transactions: 0,
      update(keys: string[], change: (logs: Map<string, KeyLog>) => void) {
        const run = tail.then(async () => {
          store.transactions++;
          const locked = new Map(keys.filter((k) => logs.has(k)).map((k) => [k, structuredClone(logs.get(k)!)]));
          await new Promise((resolve) => setImmediate(resolve));
          change(locked);
          for (const [k, log] of locked) logs.set(k, log);
        });
        tail = run;
        return run;
      },
    };
    return { store, logs };
  }

  it("reserves many requests in one transaction, first come, first served, spaced as the memory limiter spaces them", async () => {
    const { store, logs } = rows();
    const shared = createDatabaseLimiter(store);
    const memory = createMemoryLimiter();
    const channel = [{ key: "slack:channel:C3", windows: PLATFORM_LIMITS.slackChannel }];
    const at = 1_000_000;
    const [fromDb, fromMemory] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => shared.take(channel, at, 10_000))),
      Promise.all(Array.from({ length: 5 }, () => memory.take(channel, at, 10_000))),
    ]);
    expect(store.transactions).toBe(1);
    const step = 1000 + WINDOW_MARGIN_MS;
    expect(fromMemory.map((t) => t.wait)).toEqual([0, 1, 2, 3, 4].map((k) => k * step));
    // The same spacing in the row (which keeps only what a 1-per-second window
    // still needs: the last two), from the moment the transaction ran.
    const times = logs.get("slack:channel:C3")!.times;
    expect(times[1]! - times[0]!).toBe(step);
    expect(times[1]).toBeGreaterThanOrEqual(at + 4 * step);
    // Its waits count from its answer, a moment after `at`: never longer than
    // the memory limiter's, one step apart (± 2 ms: each request's
    // time since it was made is rounded to whole milliseconds).
    expect(fromDb.every((t, i) => t.taken && t.wait <= fromMemory[i]!.wait + 1)).toBe(true);
    expect(fromDb.slice(1).every((t, i) => Math.abs(t.wait - fromDb[i]!.wait - step) <= 2)).toBe(true);
  });

  it("fails the requests of a batch whose transaction fails, and serves the next batch", async () => {
    let fail = true;
    const { store } = rows();
    const limiter = createDatabaseLimiter({
      update: (keys, change) => (fail ? Promise.reject(new Error("database down")) : store.update(keys, change)),
    });
    const channel = [{ key: "slack:channel:C4", windows: PLATFORM_LIMITS.slackChannel }];
    await expect(limiter.take(channel, 0, 0)).rejects.toThrow("database down");
    fail = false;
    expect(await limiter.take(channel, 0, 0)).toMatchObject({ taken: true });
  });
});
