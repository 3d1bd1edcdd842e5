import { describe, expect, it } from "vitest";
import { cardContext } from "../../src/cards/context.ts";
import { digestCard, digestText } from "../../src/cards/digestCard.ts";
import { countByArea, isQuiet, median, scheduledPeriod, trend } from "../../src/domain/digests.ts";
import { channelTargets } from "../../src/domain/settings.ts";
import { cardText } from "../helpers/server.ts";
import { sampleDigest } from "../fixtures/cards.ts";

describe("digest aggregation", () => {
  it("computes the trend of a work package's health", () => {
    expect(trend("on_track", "at_risk")).toBe("up");
    expect(trend("blocked", "at_risk")).toBe("down");
    expect(trend("at_risk", "at_risk")).toBe("same");
    expect(trend("at_risk", null)).toBe("new");
    expect(trend(null, null)).toBe("none");
  });

  it("takes the median", () => {
    expect(median([])).toBeNull();
    expect(median([7, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("sums open needs per sustainability area from stored combinations", () => {
    expect(
      countByArea([
        { sustainability: ["social", "economic"], count: 3 },
        { sustainability: ["social"], count: 2 },
        { sustainability: [], count: 9 },
      ]),
    ).toEqual([
      { area: "social", count: 5 },
      { area: "economic", count: 3 },
      { area: "environmental", count: 0 },
    ]);
  });

  it("finds the scheduled period in the configured zone, across daylight saving", () => {
    // Friday 27 Nov 2026, 14:00 in Stockholm is 13:00 UTC.
    expect(scheduledPeriod("0 14 * * 5", "Europe/Stockholm", new Date("2026-11-27T13:00:00Z"))).toEqual({
      from: new Date("2026-11-20T13:00:00Z"),
      to: new Date("2026-11-27T13:00:00Z"),
      key: "2026-11-27T13:00:00.000Z",
    });
    const before = scheduledPeriod("0 14 * * 5", "Europe/Stockholm", new Date("2026-11-27T12:59:00Z"));
    expect(before.to).toEqual(new Date("2026-11-20T13:00:00Z"));
    // Summer time: 14:00 is 12:00 UTC; the period before crosses the change on 25 Oct.
    const summer = scheduledPeriod("0 14 * * 5", "Europe/Stockholm", new Date("2026-10-30T13:30:00Z"));
    expect(summer).toMatchObject({ from: new Date("2026-10-23T12:00:00Z"), to: new Date("2026-10-30T13:00:00Z") });
    expect(() => scheduledPeriod("every friday", "Europe/Stockholm", new Date())).toThrow(/digest.cadence/);
  });

  it("accepts only platform-prefixed channel targets", () => {
    expect(channelTargets(["teams:19:abc@thread.tacv2", "slack:C123", "slack:C123", "bogus", 4, "email:x@y", "web:3"])).toEqual(["teams:19:abc@thread.tacv2", "slack:C123"]);
    expect(channelTargets("slack:C1")).toEqual([]);
  });
});

describe("digest rendering", () => {
  it("shows the top items, then 'and N more'", () => {
    const data = sampleDigest();
    const text = cardText(digestCard(cardContext("en", "Europe/Stockholm"), data));
    expect(text).toContain("New needs (12)");
    expect(text).toContain("… and 7 more");
    expect(text).toContain("⚠ 6 past the target of 10 working days");
    expect(text).toMatch(/🟢 \*\*WP1\*\* Styrning: on track ↗ \(was 🟡 at risk\)/);
    expect(text).toContain("⚪ **WP5** Följeforskning · no status update yet");
    expect(text).toContain("Median time to triage");
    expect(text).toContain("3.5 working days (12 needs, last 90 days)");
  });

  it("keeps a quiet week short and friendly", () => {
    const data = sampleDigest({ quiet: true });
    expect(isQuiet(data)).toBe(true);
    const card = digestCard(cardContext("sv", "Europe/Stockholm"), data);
    expect(cardText(card)).toContain("En lugn vecka");
    expect(cardText(card)).not.toContain("Nyckeltal");
    expect(card.body.length).toBeLessThanOrEqual(3);
  });

  it("renders the same content as plain text for the terminal", () => {
    const text = digestText(cardContext("sv", "Europe/Stockholm"), sampleDigest());
    expect(text.split("\n")[0]).toMatch(/^Sammanfattning /);
    expect(text).toContain("Nya behov (12)");
    expect(text).toContain("  - N-2026-0001 Behov nummer 1");
    expect(text).not.toContain("**");
  });
});
