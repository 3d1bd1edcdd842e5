// The typed card model: any card JSON read the way an Adaptive Card host reads
// it, unknown elements and actions kept as their own variant (with the
// author's fallback) so channels can show a fallback line and log them.
import { describe, expect, it } from "vitest";
import { card, choiceInput, execute, heading, textInput } from "../../src/cards/elements.ts";
import { parseCard, submitted, walk, walkCard, type CardElement } from "../../src/cards/model.ts";

describe("parseCard", () => {
  it("reads the builders' cards as the typed union, with nothing unknown", () => {
    const json = card(
      [heading("Report a need"), textInput({ id: "title", label: "Title", maxLength: 120 }), choiceInput({ id: "dept", label: "Dept", choices: [{ title: "IT", value: "it" }] })],
      [execute("Send", "need.submit", { draft: 1 })],
    );
    const { card: parsed, unknown } = parseCard(json);
    expect(unknown).toEqual([]);
    expect(parsed.body.map((el) => el.type)).toEqual(["TextBlock", "Input.Text", "Input.ChoiceSet"]);
    const [title, input, choice] = parsed.body;
    expect(title.type === "TextBlock" && title.style).toBe("heading");
    expect(input.type === "Input.Text" && [input.id, input.label, input.maxLength, input.isMultiline]).toEqual(["title", "Title", 120, false]);
    expect(choice.type === "Input.ChoiceSet" && choice.choices).toEqual([{ title: "IT", value: "it" }]);
    expect(submitted(parsed.actions[0])).toEqual({ verb: "need.submit", draft: 1 });
  });

  it("keeps an unknown element as the unknown variant, with its fallback element or 'drop', and names it", () => {
    const { card: parsed, unknown } = parseCard({
      type: "AdaptiveCard",
      body: [
        { type: "Carousel", fallback: { type: "TextBlock", text: "instead" } },
        { type: "Rating", fallback: "drop" },
        { type: "CodeBlock" },
      ],
      actions: [{ type: "Action.Popover", title: "More" }],
    });
    expect(unknown).toEqual(["Carousel", "Rating", "CodeBlock", "Action.Popover"]);
    const [carousel, rating, code] = parsed.body;
    expect(carousel).toMatchObject({ type: "unknown", elementType: "Carousel", fallback: { type: "TextBlock", text: "instead" } });
    expect(rating).toMatchObject({ type: "unknown", elementType: "Rating", fallback: "drop" });
    expect(code.type === "unknown" && code.fallback).toBeUndefined();
    expect(parsed.actions[0]).toMatchObject({ type: "unknown", actionType: "Action.Popover", title: "More" });
  });

  it("reads properties of the wrong type as a host does instead of failing the card", () => {
    const { card: parsed } = parseCard({
      body: [
        "not an element",
        { type: "TextBlock", text: 42, isSubtle: "yes", isVisible: 0 },
        { type: "Input.Number", id: "n", min: "1", max: 5, value: 3 },
        { type: "Input.Toggle", id: "ok", title: "Agree" },
        { type: "FactSet", facts: [{ title: "A" }, null] },
      ],
      actions: [{ type: "Action.Execute", title: "No verb", data: { x: 1 } }, { type: "Action.Submit", data: { verb: "v" } }],
    });
    expect(parsed.body).toHaveLength(4);
    expect(parsed.body[0]).toMatchObject({ type: "TextBlock", text: "42", isSubtle: false, isVisible: true });
    expect(parsed.body[1]).toMatchObject({ type: "Input.Number", min: undefined, max: 5, value: "3" });
    expect(parsed.body[2]).toMatchObject({ valueOn: "true", valueOff: "false" });
    expect(parsed.body[3]).toMatchObject({ facts: [{ title: "A", value: "" }] });
    expect(parsed.actions.map(submitted)).toEqual([undefined, { verb: "v" }]);
  });

  it("parses a ShowCard's card and keeps its JSON as it came; walks into it", () => {
    const inner = { type: "AdaptiveCard", body: [{ type: "Input.Text", id: "comment", label: "Comment", extra: "kept" }] };
    const { card: parsed } = parseCard({ body: [{ type: "ActionSet", actions: [{ type: "Action.ShowCard", title: "Comment", card: inner }] }] });
    const set = parsed.body[0];
    const show = set.type === "ActionSet" ? set.actions[0] : undefined;
    expect(show?.type === "Action.ShowCard" && show.json).toBe(inner);
    const seen: CardElement["type"][] = [];
    walk(parsed.body, (el) => seen.push(el.type));
    expect(seen).toEqual(["ActionSet", "Input.Text"]);
  });

  it("walks a whole card, body then actions, and tells which elements are inside a ShowCard", () => {
    const nested = { type: "Action.ShowCard", title: "Deeper", card: { body: [{ type: "Input.Text", id: "deep" }] } };
    const { card: parsed } = parseCard({
      body: [
        { type: "Container", items: [{ type: "Input.Text", id: "a" }] },
        { type: "ActionSet", actions: [{ type: "Action.ShowCard", title: "More", card: { body: [{ type: "Input.Date", id: "b" }], actions: [nested] } }] },
        { type: "Input.Number", id: "c" },
      ],
      actions: [{ type: "Action.ShowCard", title: "Other", card: { body: [{ type: "Input.Toggle", id: "d" }] } }],
    });
    const seen: string[] = [];
    const actions: string[] = [];
    walkCard(parsed, (el, inShowCard) => seen.push(`${el.id ?? el.type}${inShowCard ? " (ShowCard)" : ""}`), (a) => actions.push(a.title ?? a.type));
    expect(seen).toEqual(["Container", "a", "ActionSet", "b (ShowCard)", "deep (ShowCard)", "c", "d (ShowCard)"]);
    expect(actions).toEqual(["More", "Deeper", "Other"]);
  });

  it("reads an input's rules (regex, errorMessage, a date's or time's bounds) only when they are strings", () => {
    const { card: parsed } = parseCard({
      body: [
        { type: "Input.Text", id: "code", regex: "[A-Z]{3}", errorMessage: "Three capitals" },
        { type: "Input.Text", id: "odd", regex: 3, errorMessage: { text: "no" } },
        { type: "Input.Date", id: "on", min: "2026-01-01", max: 20261231 },
        { type: "Input.Time", id: "at", min: "08:00", max: "17:00" },
      ],
    });
    expect(parsed.body[0]).toMatchObject({ regex: "[A-Z]{3}", errorMessage: "Three capitals" });
    expect(parsed.body[1]).toMatchObject({ regex: undefined, errorMessage: undefined });
    expect(parsed.body[2]).toMatchObject({ type: "Input.Date", min: "2026-01-01", max: undefined });
    expect(parsed.body[3]).toMatchObject({ type: "Input.Time", min: "08:00", max: "17:00" });
  });
});
