import { describe, expect, it } from "vitest";
import { createReadCache, transactionView, TtlCache } from "../../src/store/cache.ts";

describe("TtlCache", () => {
  it("answers from memory until the time to live has passed", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(5_000, () => now);
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    now = 4_999;
    expect(await cache.get("k", load)).toBe(1);
    now = 5_000;
    expect(await cache.get("k", load)).toBe(2);
  });

  it("shares one load between concurrent misses and keeps no failed load", async () => {
    const cache = new TtlCache<string>(5_000, () => 0);
    let release!: (v: string) => void;
    let loads = 0;
    const slow = () => {
      loads++;
      return new Promise<string>((r) => (release = r));
    };
    const a = cache.get("k", slow);
    const b = cache.get("k", slow);
    release("value");
    expect([await a, await b, loads]).toEqual(["value", "value", 1]);

    await expect(cache.get("bad", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.get("bad", async () => "recovered")).toBe("recovered");
  });
});

describe("read cache", () => {
  it("a write drops every cached read; a transaction reads around the cache and marks it dirty", async () => {
    const cache = createReadCache(60_000, () => 0);
    let version = 1;
    const read = () => cache.departments.get("active", async () => version);
    expect(await read()).toBe(1);
    version = 2;
    expect(await read()).toBe(1);
    const tx = transactionView(cache);
    expect(tx.enabled).toBe(false);
    expect(tx.dirty).toBe(false);
    tx.invalidate();
    expect(tx.dirty).toBe(true);
    expect(await read()).toBe(2);
  });
});
