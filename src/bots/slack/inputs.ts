// Adaptive Card inputs → Block Kit input blocks. Block ids are the input ids,
// so the core's field errors become `response_action: errors` without a
// mapping; rules Slack's elements cannot express (a date's min and max, a
// regex) are checked on the server (src/cards/inputRules.ts).
import type { Choice, ChoiceInput, Input, TextInput } from "../../cards/model.ts";
import type { Translate } from "../../i18n/index.ts";
import { clip, contextBlock, LIMITS, plainTextObject, type Block, type PlainText } from "./mrkdwn.ts";

/** Action id of an input whose value is taken as is; toggles carry "t|on|off" so a submission maps back without state. */
export const INPUT_ACTION_ID = "v";
/** Prefix of an external select's action id; the rest is the card's source action (see choiceSource in blockKit.ts). */
export const EXTERNAL_PREFIX = "x|";

/** Called once per element or action that Slack cannot show as such; the channel logs it. */
export type Warn = (element: string, detail?: string) => void;

export interface InputContext {
  t: Translate;
  warn: Warn;
  /** The card's source action (verb and data), for external selects' option requests. */
  source?: string;
}

/** An input Slack cannot take (no id, or one too long): the renderer shows a fallback line naming `label`. */
export type Refused = { refused: string };

/** A choice as a Slack option: text within 75 characters, value within 150. */
export function choiceOption(c: Choice): { text: PlainText; value: string } {
  return { text: plainTextObject(c.title, LIMITS.optionText), value: clip(c.value, LIMITS.optionValue) };
}

/** The input block of `el`, with its notes (context lines) after it. */
export function inputBlocks(el: Input, ctx: InputContext): Block[] | Refused {
  const id = el.id ?? "";
  if (!id) return { refused: el.label ?? el.type };
  if (id.length > LIMITS.blockId) return { refused: el.label ?? id };
  const label = plainTextObject(el.label ?? el.title ?? id, LIMITS.label);
  const placeholder = el.placeholder ? { placeholder: plainTextObject(el.placeholder, LIMITS.placeholder) } : {};
  const value = el.value;
  const notes: string[] = [];
  let element: Block;
  switch (el.type) {
    case "Input.ChoiceSet":
      element = choices(el, ctx, placeholder, notes);
      break;
    case "Input.Date":
      // Slack's datepicker has no min/max: the server checks them (src/cards/inputRules.ts).
      element = { type: "datepicker", action_id: INPUT_ACTION_ID, ...placeholder, ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}) };
      break;
    case "Input.Time":
      element = { type: "timepicker", action_id: INPUT_ACTION_ID, ...placeholder, ...(value && /^\d{2}:\d{2}$/.test(value) ? { initial_time: value } : {}) };
      break;
    case "Input.Number":
      element = {
        type: "number_input",
        action_id: INPUT_ACTION_ID,
        is_decimal_allowed: true,
        ...placeholder,
        ...(el.min !== undefined ? { min_value: String(el.min) } : {}),
        ...(el.max !== undefined ? { max_value: String(el.max) } : {}),
        ...(value !== undefined && Number.isFinite(Number(value)) && value !== "" ? { initial_value: value } : {}),
      };
      break;
    case "Input.Toggle": {
      const { valueOn: on, valueOff: off } = el;
      const option = { text: plainTextObject(el.title ?? el.label ?? id, LIMITS.optionText), value: clip(on, LIMITS.optionValue) };
      const actionId = `t|${on}|${off}`;
      if (actionId.length > LIMITS.actionId || on.length > LIMITS.optionValue) return { refused: el.label ?? el.title ?? id };
      element = { type: "checkboxes", action_id: actionId, options: [option], ...(value === on ? { initial_options: [option] } : {}) };
      break;
    }
    case "Input.Text":
      element = textInputElement(el, ctx, placeholder, notes);
  }
  // Block ids are the input ids, so `response_action: errors` can name the field the core named.
  return [{ type: "input", block_id: id, label, optional: !el.isRequired, element }, ...notes.map(contextBlock)];
}

function textInputElement(el: TextInput, ctx: InputContext, placeholder: object, notes: string[]): Block {
  const value = el.value;
  const initial = (max: number) => (value ? { initial_value: value.slice(0, max) } : {});
  if (el.style === "Email" && !el.isMultiline) return { type: "email_text_input", action_id: INPUT_ACTION_ID, ...placeholder, ...initial(LIMITS.inputMaxLength) };
  if (el.style === "Url" && !el.isMultiline) return { type: "url_text_input", action_id: INPUT_ACTION_ID, ...placeholder, ...initial(LIMITS.inputMaxLength) };
  const max = Math.min(el.maxLength !== undefined && el.maxLength > 0 ? el.maxLength : LIMITS.inputMaxLength, LIMITS.inputMaxLength);
  // Slack's inputs hold at most 3000 characters: say so rather than shorten a longer text silently.
  if (value && value.length > max) notes.push(ctx.t("slack.inputShortened", { max }));
  // Slack has no masked input: a password field says so; the regex is checked on the server.
  if (el.style === "Password") {
    ctx.warn("Input.Text style Password", "shown unmasked");
    notes.push(ctx.t("slack.passwordVisible"));
  }
  return {
    type: "plain_text_input",
    action_id: INPUT_ACTION_ID,
    max_length: max,
    ...(el.isMultiline ? { multiline: true } : {}),
    ...placeholder,
    ...initial(max),
  };
}

/** Static lists up to 100 options; longer ones load by type-ahead from the card's source (external_select). */
function choices(el: ChoiceInput, ctx: InputContext, placeholder: object, notes: string[]): Block {
  const value = el.value;
  const multi = el.isMultiSelect;
  const options = el.choices.map(choiceOption);
  const selected = new Set(multi ? (value ?? "").split(",").map((v) => v.trim()) : [value]);
  const initial = options.filter((o) => selected.has(o.value));
  const initialProp = multi ? (initial.length ? { initial_options: initial } : {}) : initial[0] ? { initial_option: initial[0] } : {};
  if (el.choices.length === 0) {
    ctx.warn("Input.ChoiceSet", "no choices");
    return { type: "plain_text_input", action_id: INPUT_ACTION_ID, max_length: LIMITS.inputMaxLength, ...placeholder, ...(value ? { initial_value: value.slice(0, LIMITS.inputMaxLength) } : {}) };
  }
  if (options.length > LIMITS.options) {
    const actionId = ctx.source ? EXTERNAL_PREFIX + ctx.source : undefined;
    if (actionId && actionId.length <= LIMITS.actionId) {
      return { type: multi ? "multi_external_select" : "external_select", action_id: actionId, min_query_length: 0, ...placeholder, ...initialProp };
    }
    // No action to load the options from: the first 100, and a line saying how many are left out.
    ctx.warn("Input.ChoiceSet", `${options.length} choices and no source action: first ${LIMITS.options} shown`);
    notes.push(ctx.t("slack.moreChoices", { count: options.length - LIMITS.options }));
  }
  const shown = options.slice(0, LIMITS.options);
  const kept = initialProp && "initial_option" in initialProp ? shown.some((o) => o.value === initial[0].value) : true;
  const expanded = el.style === "expanded" && shown.length <= LIMITS.expandedOptions;
  const type = multi ? (expanded ? "checkboxes" : "multi_static_select") : expanded ? "radio_buttons" : "static_select";
  const initialShown = multi ? (initial.filter((o) => shown.includes(o)).length ? { initial_options: initial.filter((o) => shown.includes(o)) } : {}) : kept ? initialProp : {};
  return { type, action_id: INPUT_ACTION_ID, options: shown, ...(expanded ? {} : placeholder), ...initialShown };
}
