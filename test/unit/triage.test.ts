import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { availableActions, DECISIONS, parseTriageInput } from "../../src/domain/triage.ts";
import type { NeedStatus } from "../../src/domain/types.ts";
import { sampleNeed } from "../fixtures/cards.ts";

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, v.key]));
    throw err;
  }
  return {};
};

describe("triage transitions", () => {
  it.each<[NeedStatus, boolean, string[]]>([
    ["submitted", false, ["accept", "decline", "duplicate", "ask"]],
    ["submitted", true, ["accept", "decline", "duplicate"]],
    ["accepted", false, ["start", "done", "decline", "duplicate"]],
    ["in_progress", false, ["done", "decline"]],
    ["done", false, []],
    ["declined", false, []],
    ["duplicate", false, []],
    ["withdrawn", false, []],
  ])("from %s (awaiting reply: %s) allows %j", (status, awaitingReply, actions) => {
    expect(availableActions(sampleNeed({ status, awaitingReply }))).toEqual(actions);
  });

  it("never leads back to submitted except by asking", () => {
    for (const [action, rule] of Object.entries(DECISIONS)) if (action !== "ask") expect(rule.to).not.toBe("submitted");
  });
});

describe("triage input", () => {
  it("requires what each decision needs", () => {
    expect(fieldsOf(() => parseTriageInput("accept", {}))).toEqual({ assignTo: "triage.error.assignTo" });
    expect(fieldsOf(() => parseTriageInput("decline", { note: "   " }))).toEqual({ note: "triage.error.reason" });
    expect(fieldsOf(() => parseTriageInput("done", {}))).toEqual({ note: "triage.error.outcome" });
    expect(fieldsOf(() => parseTriageInput("ask", {}))).toEqual({ note: "triage.error.question" });
    expect(fieldsOf(() => parseTriageInput("duplicate", { original: "N-2026-0001" }))).toEqual({ original: "triage.error.original" });
    expect(fieldsOf(() => parseTriageInput("start", { assignTo: "wp:x" }))).toEqual({ assignTo: "validation.invalidChoice" });
    expect(fieldsOf(() => parseTriageInput("decline", { note: "x".repeat(2001) }))).toEqual({ note: "validation.tooLong" });
  });

  it("reads assignment, note and original", () => {
    expect(parseTriageInput("accept", { assignTo: "init:4", note: " ok " })).toEqual({ assignTo: { kind: "init", id: 4 }, note: "ok" });
    expect(parseTriageInput("duplicate", { original: "17" })).toEqual({ originalId: 17 });
    expect(parseTriageInput("start", {})).toEqual({});
  });
});
