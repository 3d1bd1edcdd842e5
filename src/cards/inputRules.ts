// A form's own rules, checked on the server for every channel: what an
// Adaptive Card input declares (isRequired, maxLength, regex, style Email/Url,
// Input.Number/Date/Time min and max, the choices of a ChoiceSet, a toggle's
// two values). Clients check some of these themselves, Slack only some and
// web chat none, so the core router checks all of them before a handler runs.
import type { FieldError } from "../domain/errors.ts";
import { withError, type AdaptiveCard, type Element } from "./elements.ts";

const INPUT = /^Input\.(Text|Number|Date|Time|ChoiceSet|Toggle)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const list = (v: unknown): Element[] => (Array.isArray(v) ? (v as Element[]).filter((x) => x && typeof x === "object") : []);

/** Every input of a card's body (hidden containers and columns included; ShowCard inputs too, not required there). */
export function cardInputs(card: AdaptiveCard): { input: Element; inShowCard: boolean }[] {
  const found: { input: Element; inShowCard: boolean }[] = [];
  const visit = (elements: unknown, inShowCard: boolean) => {
    for (const el of list(elements)) {
      if (INPUT.test(el.type) && typeof el.id === "string") found.push({ input: el, inShowCard });
      visit([...list(el.items), ...list(el.columns), ...list(el.rows).flatMap((r) => list(r.cells))], inShowCard);
      for (const a of list(el.actions)) showCard(a);
    }
  };
  const showCard = (a: Element) => {
    const inner = a.card as AdaptiveCard | undefined;
    if (a.type === "Action.ShowCard" && inner && typeof inner === "object") {
      visit(inner.body, true);
      for (const b of list(inner.actions)) showCard(b);
    }
  };
  visit(card.body, false);
  for (const a of list(card.actions)) showCard(a);
  return found;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/** A submitted regex is the card author's; one that does not compile is skipped, not applied. */
function regexOf(pattern: unknown): RegExp | undefined {
  if (typeof pattern !== "string" || !pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return undefined;
  }
}

/** The first rule of `input` that `raw` breaks, or undefined. */
export function checkInput(input: Element, raw: unknown, required = input.isRequired === true): FieldError | undefined {
  const value = asText(raw).trim();
  if (!value) return required ? { key: "validation.required" } : undefined;
  switch (input.type) {
    case "Input.Text": {
      if (typeof input.maxLength === "number" && input.maxLength > 0 && asText(raw).length > input.maxLength) return { key: "validation.tooLong", params: { max: input.maxLength } };
      if (input.style === "Email" && !EMAIL.test(value)) return { key: "validation.email" };
      if (input.style === "Url" && !/^https?:\/\/\S+$/.test(value)) return { key: "validation.url" };
      const regex = regexOf(input.regex);
      if (regex && !regex.test(asText(raw))) {
        return typeof input.errorMessage === "string" && input.errorMessage ? { key: "validation.message", params: { message: input.errorMessage } } : { key: "validation.pattern" };
      }
      return undefined;
    }
    case "Input.Number": {
      const n = Number(value);
      if (!Number.isFinite(n)) return { key: "validation.number" };
      if (typeof input.min === "number" && n < input.min) return { key: "validation.min", params: { min: input.min } };
      if (typeof input.max === "number" && n > input.max) return { key: "validation.max", params: { max: input.max } };
      return undefined;
    }
    case "Input.Date":
    case "Input.Time": {
      const date = input.type === "Input.Date";
      const valid = date ? DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) : TIME.test(value);
      if (!valid) return { key: date ? "validation.date" : "validation.time" };
      // Same-format strings compare in time order.
      if (typeof input.min === "string" && input.min && value < input.min) return { key: "validation.min", params: { min: input.min } };
      if (typeof input.max === "string" && input.max && value > input.max) return { key: "validation.max", params: { max: input.max } };
      return undefined;
    }
    case "Input.ChoiceSet": {
      const allowed = new Set(list(input.choices).map((c) => asText(c.value)));
      if (allowed.size === 0) return undefined;
      const picked = input.isMultiSelect === true ? value.split(",").map((v) => v.trim()).filter(Boolean) : [value];
      return picked.every((v) => allowed.has(v)) ? undefined : { key: "validation.invalidChoice" };
    }
    case "Input.Toggle": {
      const allowed = [asText(input.valueOn ?? "true"), asText(input.valueOff ?? "false")];
      return allowed.includes(value) ? undefined : { key: "validation.invalidChoice" };
    }
    default:
      return undefined;
  }
}

/** Field errors of submitted `data` against the card's inputs: input id → error. Empty when valid. */
export function validateInputs(card: AdaptiveCard, data: Record<string, unknown>): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const { input, inShowCard } of cardInputs(card)) {
    const id = input.id as string;
    // A ShowCard's inputs are sent only by its own actions: required there only when something was sent.
    const error = checkInput(input, data[id], input.isRequired === true && (!inShowCard || id in data));
    if (error) errors[id] = error;
  }
  return errors;
}

/**
 * The form again with the person's values kept and each invalid input marked
 * (its errorMessage and a red line under it), as the card builders do.
 */
export function markInvalid(card: AdaptiveCard, data: Record<string, unknown>, errors: Record<string, FieldError>, t: (key: string, params?: Record<string, string | number>) => string): AdaptiveCard {
  const mark = (elements: Element[]): Element[] =>
    elements.map((el) => {
      if (INPUT.test(el.type) && typeof el.id === "string") {
        const kept = el.id in data ? { ...el, value: asText(data[el.id]) } : el;
        const error = errors[el.id];
        return error ? withError(kept, t(error.key, error.params)) : kept;
      }
      const next: Element = { ...el };
      if (Array.isArray(el.items)) next.items = mark(list(el.items));
      if (Array.isArray(el.columns)) next.columns = mark(list(el.columns));
      return next;
    });
  return { ...card, body: mark(card.body) };
}
