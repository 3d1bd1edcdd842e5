import { describe, expect, it } from "vitest";
import { matchIntent } from "../../src/bots/core/intents.ts";
import type { IntentDefinition } from "../../src/bots/core/types.ts";

const intent = (name: string, phrases: string[]): IntentDefinition => ({ name, phrases, handle: async () => ({ cards: [] }) });
const intents = [intent("need.new", ["new need", "nytt behov"]), intent("need.mine", ["my needs", "mina behov"]), intent("help", ["help", "hjälp"])];

describe("intent matching", () => {
  it("matches phrases in either language, any case and punctuation", () => {
    expect(matchIntent(intents, "Nytt behov")?.intent.name).toBe("need.new");
    expect(matchIntent(intents, "  MY NEEDS! ")?.intent.name).toBe("need.mine");
    expect(matchIntent(intents, "hjälp?")?.intent.name).toBe("help");
  });

  it("hands on what follows the phrase, with the person's own casing", () => {
    expect(matchIntent(intents, "new need: Printers jam on floor 3")).toMatchObject({ rest: "Printers jam on floor 3" });
    expect(matchIntent(intents, "nytt behov Cykelställ")).toMatchObject({ rest: "Cykelställ" });
  });

  it("does not match a phrase inside other words", () => {
    expect(matchIntent(intents, "helpful people")).toBeUndefined();
    expect(matchIntent(intents, "I have a new need")).toBeUndefined();
  });
});
