import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { draftFromText, parseNeedDraft } from "../../src/domain/needDraft.ts";

const valid = { title: "Bättre cykelparkering", problem: "Cykelställen är fulla varje morgon.", urgency: "low" };

function fieldsOf(values: Record<string, unknown>, departments = [1, 2]) {
  try {
    parseNeedDraft(values, departments);
  } catch (err) {
    if (err instanceof ValidationError) return Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, v.key]));
    throw err;
  }
  return {};
}

describe("need drafts", () => {
  it("accepts a complete draft and trims it", () => {
    const draft = parseNeedDraft({ ...valid, title: "  Bättre cykelparkering ", sustainability: "social,environmental,social", department: "2" }, [1, 2]);
    expect(draft).toEqual({
      title: "Bättre cykelparkering",
      problem: valid.problem,
      affected: "",
      benefit: "",
      sustainability: ["social", "environmental"],
      urgency: "low",
      departmentId: 2,
      showReporterName: false,
    });
    expect(parseNeedDraft({ ...valid, showName: "show" }, []).showReporterName).toBe(true);
  });

  it("marks each invalid field", () => {
    expect(fieldsOf({})).toEqual({ title: "validation.required", problem: "validation.required", urgency: "validation.required" });
    expect(fieldsOf({ ...valid, title: "ab", problem: "short" })).toEqual({ title: "validation.tooShort", problem: "validation.tooShort" });
    expect(fieldsOf({ ...valid, title: "x".repeat(121), affected: "y".repeat(1001) })).toEqual({
      title: "validation.tooLong",
      affected: "validation.tooLong",
    });
    expect(fieldsOf({ ...valid, urgency: "asap", sustainability: "social,cosmic", department: "7" })).toEqual({
      urgency: "validation.invalidChoice",
      sustainability: "validation.invalidChoice",
      department: "validation.invalidChoice",
    });
    expect(fieldsOf({ ...valid, title: 42, problem: ["x"] })).toEqual({ title: "validation.required", problem: "validation.required" });
  });

  it("prefills from free text", () => {
    expect(draftFromText("Första raden\nmer text")).toEqual({ title: "Första raden", problem: "Första raden\nmer text" });
    expect(draftFromText("z".repeat(300)).title).toHaveLength(120);
  });
});
