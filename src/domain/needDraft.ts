// What a need form may contain, checked the same way on every platform.
// Errors name the field and an i18n key, so the form comes back marked.
import { parseId } from "./ids.ts";
import { ValidationError, type FieldError } from "./errors.ts";
import { isBlank, normaliseText, singleLine } from "./text.ts";
import { SUSTAINABILITY_AREAS, URGENCIES, type NeedDraft, type SustainabilityArea, type Urgency } from "./types.ts";

export const NEED_LIMITS = {
  title: { min: 3, max: 120 },
  problem: { min: 10, max: 4000 },
  affected: { max: 1000 },
  benefit: { max: 1000 },
} as const;

/** Form values as they arrive from a card (strings; multi-selects comma-separated). */
export type NeedFormValues = Record<string, unknown>;

function fieldText(values: NeedFormValues, key: string): string {
  const v = values[key];
  return typeof v === "string" ? normaliseText(v).trim() : "";
}

/** The fields of a form as the person typed them, for re-rendering it with errors. */
export function needFormInput(values: NeedFormValues) {
  return {
    title: fieldText(values, "title"),
    problem: fieldText(values, "problem"),
    affected: fieldText(values, "affected"),
    benefit: fieldText(values, "benefit"),
    sustainability: fieldText(values, "sustainability"),
    urgency: fieldText(values, "urgency"),
    department: fieldText(values, "department"),
    /** "show" when the reporter ticked "show my name" (a one-choice multi-select). */
    showName: fieldText(values, "showName"),
  };
}
export type NeedFormInput = ReturnType<typeof needFormInput>;

export function parseNeedDraft(values: NeedFormValues, departmentIds: number[]): NeedDraft {
  const input = { ...needFormInput(values), title: singleLine(fieldText(values, "title")) };
  const errors: Record<string, FieldError> = {};
  const length = (field: "title" | "problem" | "affected" | "benefit", required: boolean) => {
    const value = isBlank(input[field]) ? "" : input[field];
    const limit = NEED_LIMITS[field];
    if (!value) {
      if (required) errors[field] = { key: "validation.required" };
    } else if ("min" in limit && value.length < limit.min) errors[field] = { key: "validation.tooShort", params: { min: limit.min } };
    else if (value.length > limit.max) errors[field] = { key: "validation.tooLong", params: { max: limit.max } };
  };
  length("title", true);
  length("problem", true);
  length("affected", false);
  length("benefit", false);

  const areas = input.sustainability ? input.sustainability.split(",").map((s) => s.trim()).filter(Boolean) : [];
  if (areas.some((a) => !SUSTAINABILITY_AREAS.includes(a as SustainabilityArea))) errors.sustainability = { key: "validation.invalidChoice" };

  if (!input.urgency) errors.urgency = { key: "validation.required" };
  else if (!URGENCIES.includes(input.urgency as Urgency)) errors.urgency = { key: "validation.invalidChoice" };

  let departmentId: number | null = null;
  if (input.department) {
    departmentId = parseId(input.department);
    if (!departmentId || !departmentIds.includes(departmentId)) errors.department = { key: "validation.invalidChoice" };
  }

  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return {
    title: input.title,
    problem: input.problem,
    affected: input.affected,
    benefit: input.benefit,
    sustainability: [...new Set(areas)] as SustainabilityArea[],
    urgency: input.urgency as Urgency,
    departmentId,
    showReporterName: input.showName === "show",
  };
}

/** Prefill for the form from free text: the first line (shortened) as title, all of it as problem. */
export function draftFromText(text: string): { title: string; problem: string } {
  const clean = text.trim();
  const firstLine = clean.split(/\r?\n/)[0] ?? "";
  const title = firstLine.length > NEED_LIMITS.title.max ? `${firstLine.slice(0, NEED_LIMITS.title.max - 1)}…` : firstLine;
  return { title, problem: clean.slice(0, NEED_LIMITS.problem.max) };
}
