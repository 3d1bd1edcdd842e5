// A form's own input rules, checked on the server for every channel, and the
// core router's form gate: an invalid submission never reaches the handler.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createRouter } from "../../src/bots/core/router.ts";
import { cardInputs, markInvalid, validateInputs } from "../../src/cards/inputRules.ts";
import { card, execute, type AdaptiveCard } from "../../src/cards/elements.ts";
import { translator } from "../../src/i18n/index.ts";
import type { Person } from "../../src/domain/types.ts";

const form: AdaptiveCard = card(
  [
    { type: "Input.Text", id: "title", label: "Title", isRequired: true, maxLength: 5 },
    { type: "Input.Text", id: "code", label: "Code", regex: "[A-Z]{3}", errorMessage: "Three capitals" },
    { type: "Input.Text", id: "mail", label: "Mail", style: "Email" },
    { type: "Input.Number", id: "n", label: "N", min: 1, max: 10 },
    { type: "Input.Date", id: "on", label: "On", min: "2026-01-01", max: "2026-12-31" },
    { type: "Input.Time", id: "at", label: "At", min: "08:00", max: "17:00" },
    { type: "Container", isVisible: false, items: [{ type: "Input.ChoiceSet", id: "pick", label: "Pick", isMultiSelect: true, choices: [{ title: "A", value: "a" }, { title: "B", value: "b" }] }] },
    { type: "Input.Toggle", id: "ok", title: "OK", valueOn: "yes", valueOff: "no" },
  ],
  [execute("Send", "demo.send"), { type: "Action.ShowCard", title: "More", card: card([{ type: "Input.Text", id: "extra", label: "Extra", isRequired: true }]) }],
);

describe("input rules", () => {
  it("finds every input, hidden and in ShowCards too", () => {
    expect(cardInputs(form).map((i) => i.input.id)).toEqual(["title", "code", "mail", "n", "on", "at", "pick", "ok", "extra"]);
  });

  it("accepts valid data and names each broken rule", () => {
    expect(validateInputs(form, { title: "abc", code: "ABC", mail: "a@b.se", n: "10", on: "2026-02-28", at: "08:00", pick: "a,b", ok: "yes" })).toEqual({});
    expect(validateInputs(form, { title: "", code: "abc", mail: "nope", n: "11", on: "2026-02-30", at: "18:00", pick: "a,c", ok: "maybe" })).toEqual({
      title: { key: "validation.required" },
      code: { key: "validation.message", params: { message: "Three capitals" } },
      mail: { key: "validation.email" },
      n: { key: "validation.max", params: { max: 10 } },
      on: { key: "validation.date" },
      at: { key: "validation.max", params: { max: "17:00" } },
      pick: { key: "validation.invalidChoice" },
      ok: { key: "validation.invalidChoice" },
    });
    expect(validateInputs(form, { title: "toolong", n: "x", on: "2025-12-31" })).toEqual({
      title: { key: "validation.tooLong", params: { max: 5 } },
      n: { key: "validation.number" },
      on: { key: "validation.min", params: { min: "2026-01-01" } },
    });
    // A ShowCard's required input counts only when its own action sent it.
    expect(validateInputs(form, { title: "a", extra: "" })).toEqual({ extra: { key: "validation.required" } });
  });

  it("marks the invalid inputs and keeps the person's values", () => {
    const t = translator("en");
    const marked = JSON.stringify(markInvalid(form, { title: "", n: "11" }, { n: { key: "validation.max", params: { max: 10 } } }, t));
    expect(marked).toContain('"errorMessage":"At most 10."');
    expect(marked).toContain('"value":"11"');
  });

  it("gates a form's verb in the router on every channel: the handler never sees invalid data", async () => {
    const seen: unknown[] = [];
    const router = createRouter(
      [{ forms: { "demo.send": { form: async () => form } }, actions: { "demo.send": async (_ctx, data) => (seen.push(data), { cards: [] }) } }],
      { log: pino({ level: "silent" }), zone: "Europe/Stockholm", fallback: async () => ({ cards: [] }) },
    );
    const person = { id: 1, name: "P", email: null, locale: "sv", roles: [], departmentId: null } as unknown as Person;
    for (const platform of ["teams", "web", "slack"] as const) {
      const reply = await router.handle({ person, platform, personal: true, action: { verb: "demo.send", data: { title: "abc", n: "0" } } });
      expect(reply.fieldErrors).toEqual({ n: "Minst 1." });
      expect(JSON.stringify(reply.replace)).toContain('"errorMessage":"Minst 1."');
    }
    expect(seen).toEqual([]);
    await router.handle({ person, platform: "web", personal: true, action: { verb: "demo.send", data: { title: "abc", n: "2" } } });
    expect(seen).toEqual([{ title: "abc", n: "2" }]);
    const choices = await router.choices({ person, platform: "slack", personal: true }, { verb: "demo.send", data: {} }, "pick", "b", 100);
    expect(choices).toEqual([{ title: "B", value: "b" }]);
  });

  it("finds inputs in table cells and nested ShowCards; a ShowCard's required input counts only when sent", () => {
    const nested = card([
      { type: "Table", rows: [{ cells: [{ type: "TableCell", items: [{ type: "Input.Text", id: "cell", label: "Cell", isRequired: true }] }] }] },
      { type: "ActionSet", actions: [{ type: "Action.ShowCard", title: "More", card: card([{ type: "Input.Text", id: "inner", label: "Inner", isRequired: true }]) }] },
      { type: "Input.Text", label: "No id, never submitted", isRequired: true },
    ]);
    expect(cardInputs(nested).map((i) => [i.input.id, i.inShowCard])).toEqual([
      ["cell", false],
      ["inner", true],
    ]);
    expect(validateInputs(nested, {})).toEqual({ cell: { key: "validation.required" } });
    expect(validateInputs(nested, { cell: "x", inner: " " })).toEqual({ inner: { key: "validation.required" } });
  });

  it("reads a rule of the wrong type as no rule, as a host does", () => {
    const odd = card([
      { type: "Input.Text", id: "text", label: "T", maxLength: "2", regex: 5, isRequired: "true" },
      { type: "Input.Text", id: "code", label: "C", regex: "[a-z]+", errorMessage: 7 },
      { type: "Input.Number", id: "n", label: "N", min: "5", max: null },
      { type: "Input.Date", id: "on", label: "On", min: 20260101 },
      { type: "Input.ChoiceSet", id: "pick", label: "P", isMultiSelect: "yes", choices: [{ title: "One", value: 1 }, "two", { title: "Two, too", value: "2,3" }] },
      { type: "Input.Toggle", id: "ok", title: "OK", valueOn: 1, valueOff: null },
    ]);
    expect(validateInputs(odd, { text: "long text", n: "1", on: "2000-01-01", pick: "1", ok: "1" })).toEqual({});
    expect(validateInputs(odd, { code: "ABC", pick: "1,2", ok: "true" })).toEqual({
      code: { key: "validation.pattern" },
      pick: { key: "validation.invalidChoice" },
      ok: { key: "validation.invalidChoice" },
    });
    expect(validateInputs(odd, { ok: "false", pick: "2,3" })).toEqual({});
  });

  it("serves a form's choices by title or exact value, the title falling back to the value", async () => {
    const picks = card([
      { type: "Input.Text", id: "pick", label: "Not the choice set" },
      { type: "Input.ChoiceSet", id: "pick", label: "Pick", choices: [{ title: "Alpha", value: "a" }, { value: "beta" }, { title: "Gamma", value: "g" }] },
    ]);
    const router = createRouter([{ forms: { "demo.pick": { form: async () => picks } }, actions: { "demo.pick": async () => ({ cards: [] }) } }], {
      log: pino({ level: "silent" }),
      zone: "Europe/Stockholm",
      fallback: async () => ({ cards: [] }),
    });
    const person = { id: 1, name: "P", email: null, locale: "sv", roles: [], departmentId: null } as unknown as Person;
    const turn = { person, platform: "slack" as const, personal: true };
    expect(await router.choices(turn, { verb: "demo.pick", data: {} }, "pick", "", 2)).toEqual([
      { title: "Alpha", value: "a" },
      { title: "beta", value: "beta" },
    ]);
    expect(await router.choices(turn, { verb: "demo.pick", data: {} }, "pick", "G", 10)).toEqual([{ title: "Gamma", value: "g" }]);
    expect(await router.choices(turn, { verb: "demo.pick", data: {} }, "nope", "", 10)).toEqual([]);
  });
});
