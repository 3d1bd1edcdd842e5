import { describe, expect, it } from "vitest";
import { cardProblems, MAX_CARD_BYTES } from "../../src/cards/validate.ts";
import { everyCard } from "../fixtures/cards.ts";

describe("every card the bot can send", () => {
  const samples = everyCard();
  it.each(samples.map((s) => [s.name, s.card] as const))("%s parses cleanly as Adaptive Card 1.5 under 40 KB", (_name, card) => {
    expect(cardProblems(card)).toEqual([]);
    expect(card.version).toBe("1.5");
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
  });

  it("the checker itself catches what a client would reject", () => {
    const problems = cardProblems({ type: "AdaptiveCard", $schema: "", version: "1.6", body: [{ type: "Bogus" }, { type: "TextBlock", text: "x".repeat(50_000) }] });
    expect(problems.join("\n")).toMatch(/version 1.6/);
    expect(problems.join("\n")).toMatch(/Unknown element type "Bogus"/);
    expect(problems.join("\n")).toMatch(/above 40960/);
  });
});
