// A form's own rules, checked on the server for every channel: what an
// Adaptive Card input declares (isRequired, maxLength, regex, style Email/Url,
// Input.Number/Date/Time min and max, the choices of a ChoiceSet, a toggle's
// two values). Clients check some of these themselves, Slack only some and
// web chat none, so the core router checks all of them before a handler runs.
// The rules are read from the typed card model (model.ts `parseCard`), leniently
// as a host reads them: a rule of the wrong type is no rule.
import type { FieldError } from "../domain/errors.ts";
import { withError, type AdaptiveCard, type Element } from "./elements.ts";
import { INPUT_TYPES, isInput, parseCard, walkCard, type Input } from "./model.ts";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An input that can be submitted: one with an id. */
export type FormInput = Input & { id: string };

/** Every input of a card's body (hidden containers and columns included; ShowCard inputs too, not required there). */
export function cardInputs(card: AdaptiveCard): { input: FormInput; inShowCard: boolean }[] {
  const found: { input: FormInput; inShowCard: boolean }[] = [];
  walkCard(parseCard(card).card, (el, inShowCard) => {
    if (isInput(el) && el.id !== undefined) found.push({ input: { ...el, id: el.id }, inShowCard });
  });
  return found;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/** A submitted regex is the card author's; one that does not compile is skipped, not applied. */
function regexOf(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return undefined;
  }
}

/** The first rule of `input` that `raw` breaks, or undefined. */
export function checkInput(input: Input, raw: unknown, required = input.isRequired): FieldError | undefined {
  const value = asText(raw).trim();
  if (!value) return required ? { key: "validation.required" } : undefined;
  switch (input.type) {
    case "Input.Text": {
      if (input.maxLength !== undefined && input.maxLength > 0 && asText(raw).length > input.maxLength) return { key: "validation.tooLong", params: { max: input.maxLength } };
      if (input.style === "Email" && !EMAIL.test(value)) return { key: "validation.email" };
      if (input.style === "Url" && !/^https?:\/\/\S+$/.test(value)) return { key: "validation.url" };
      const regex = regexOf(input.regex);
      if (regex && !regex.test(asText(raw))) {
        return input.errorMessage ? { key: "validation.message", params: { message: input.errorMessage } } : { key: "validation.pattern" };
      }
      return undefined;
    }
    case "Input.Number": {
      const n = Number(value);
      if (!Number.isFinite(n)) return { key: "validation.number" };
      if (input.min !== undefined && n < input.min) return { key: "validation.min", params: { min: input.min } };
      if (input.max !== undefined && n > input.max) return { key: "validation.max", params: { max: input.max } };
      return undefined;
    }
    case "Input.Date":
    case "Input.Time": {
      const date = input.type === "Input.Date";
      const valid = date ? DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) : TIME.test(value);
      if (!valid) return { key: date ? "validation.date" : "validation.time" };
      // Same-format strings compare in time order.
      if (input.min && value < input.min) return { key: "validation.min", params: { min: input.min } };
      if (input.max && value > input.max) return { key: "validation.max", params: { max: input.max } };
      return undefined;
    }
    case "Input.ChoiceSet": {
      const allowed = new Set(input.choices.map((c) => c.value));
      if (allowed.size === 0) return undefined;
      const picked = input.isMultiSelect ? value.split(",").map((v) => v.trim()).filter(Boolean) : [value];
      return picked.every((v) => allowed.has(v)) ? undefined : { key: "validation.invalidChoice" };
    }
    case "Input.Toggle":
      return [input.valueOn, input.valueOff].includes(value) ? undefined : { key: "validation.invalidChoice" };
  }
}

/** Field errors of submitted `data` against the card's inputs: input id → error. Empty when valid. */
export function validateInputs(card: AdaptiveCard, data: Record<string, unknown>): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const { input, inShowCard } of cardInputs(card)) {
    const { id } = input;
    // A ShowCard's inputs are sent only by its own actions: required there only when something was sent.
    const error = checkInput(input, data[id], input.isRequired && (!inShowCard || id in data));
    if (error) errors[id] = error;
  }
  return errors;
}

/** The entries of a JSON list property that can be elements (objects); anything else is dropped. */
const elementsOf = (v: unknown[]): Element[] => v.filter((x): x is Element => !!x && typeof x === "object");

/**
 * The form again with the person's values kept and each invalid input marked
 * (its errorMessage and a red line under it), as the card builders do.
 *
 * This writes the card, so it goes through the card's JSON rather than the
 * typed model: every property the model does not carry (wrap, spacing, the
 * author's own) must come out as it went in.
 */
export function markInvalid(card: AdaptiveCard, data: Record<string, unknown>, errors: Record<string, FieldError>, t: (key: string, params?: Record<string, string | number>) => string): AdaptiveCard {
  const mark = (elements: Element[]): Element[] =>
    elements.map((el) => {
      if (INPUT_TYPES.has(el.type) && typeof el.id === "string") {
        const kept = el.id in data ? { ...el, value: asText(data[el.id]) } : el;
        const error = errors[el.id];
        return error ? withError(kept, t(error.key, error.params)) : kept;
      }
      const next: Element = { ...el };
      if (Array.isArray(el.items)) next.items = mark(elementsOf(el.items));
      if (Array.isArray(el.columns)) next.columns = mark(elementsOf(el.columns));
      return next;
    });
  return { ...card, body: mark(card.body) };
}
