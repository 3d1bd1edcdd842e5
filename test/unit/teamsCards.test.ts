// Every card as Teams receives it: Action.Execute with an Action.Submit
// fallback carrying the same data (verb included), still a valid card; a
// card's refresh (sent by Teams itself, no fallback) is for the viewer only.
import { describe, expect, it } from "vitest";
import { forDialog } from "../../src/bots/teams/messageAction.ts";
import { forTeams } from "../../src/bots/teams/replies.ts";
import { card as cardOf, execute, mapObjects } from "../../src/cards/elements.ts";
import { cardProblems, MAX_CARD_BYTES } from "../../src/cards/validate.ts";
import { everyCard } from "../fixtures/cards.ts";

function actions(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => actions(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "Action.Execute") out.push(o);
    Object.entries(o).forEach(([k, v]) => k !== "fallback" && k !== "refresh" && actions(v, out));
  }
  return out;
}

describe("cards sent to Teams", () => {
  it.each(everyCard().map((s) => [s.name, s.card] as const))("%s keeps its actions for clients without Universal Actions", (_name, card) => {
    const teams = forTeams(card, "29:viewer");
    expect(cardProblems(teams)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThan(MAX_CARD_BYTES);
    const found = actions(teams);
    expect(found.length).toBe(actions(card).length);
    for (const action of found) {
      expect(action.fallback).toEqual(expect.objectContaining({ type: "Action.Submit", title: action.title, data: action.data }));
      expect((action.data as { verb: string }).verb).toBe(action.verb);
    }
    if (card.refresh) {
      expect(teams.refresh).toEqual({ action: card.refresh.action, userIds: ["29:viewer"] });
      // Sent to nobody in particular (proactively), a card asks no one's client to refresh it.
      expect(forTeams(card).refresh).toBeUndefined();
    }
  });
});

describe("rewriting a card's JSON", () => {
  it("maps every object innermost first and keeps what it does not touch", () => {
    const seen: unknown[] = [];
    const out = mapObjects({ a: [{ b: 1 }, "x", null], c: { d: { e: 2 } } }, (o) => (seen.push(Object.keys(o)), { ...o, n: seen.length }));
    expect(seen).toEqual([["b"], ["e"], ["d"], ["a", "c"]]);
    expect(out).toEqual({ a: [{ b: 1, n: 1 }, "x", null], c: { d: { e: 2, n: 2 }, n: 3 }, n: 4 });
  });

  it("gives a Teams dialog Action.Submit buttons that carry the verb, nested ones too, and keeps the rest", () => {
    const send = execute("Send", "need.submit", { draft: 1 }, { style: "positive" });
    const json = cardOf([{ type: "ActionSet", actions: [{ type: "Action.ShowCard", title: "More", card: cardOf([], [execute("Ask", "need.ask")]) }] }], [send]);
    const dialog = forDialog(json);
    expect(dialog.actions).toEqual([{ type: "Action.Submit", title: "Send", style: "positive", data: { verb: "need.submit", draft: 1 } }]);
    expect(JSON.stringify(dialog)).not.toContain("Action.Execute");
    expect(dialog.body[0]).toMatchObject({ actions: [{ type: "Action.ShowCard", title: "More", card: { actions: [{ type: "Action.Submit", title: "Ask", data: { verb: "need.ask" } }] } }] });
    expect(json.actions).toEqual([send]);
  });
});
