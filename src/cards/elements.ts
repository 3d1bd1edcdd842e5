// Small builders for Adaptive Card 1.5 elements: the bot's only form and view
// definition. Teams renders Adaptive Cards up to schema 1.5.
export const CARD_VERSION = "1.5";

/**
 * Any Adaptive Card element or action as JSON: what channels render, including cards that arrive from
 * elsewhere (a card pushed back by Slack, the corpus tests). The builders below make the typed subset.
 */
export type Element = Record<string, unknown> & { type: string };
export type Action = Record<string, unknown> & { type: string };

// The JSON the builders below write, one type per builder. Channels do not read these: they read any card
// through the typed model (model.ts `parseCard`). Type aliases (not interfaces) so each stays assignable to
// the open `Element` / `Action` JSON.
export type TextBlockJson = {
  type: "TextBlock";
  text: string;
  wrap: true;
  size?: string;
  weight?: "Bolder";
  style?: "heading";
  spacing?: string;
  isSubtle?: true;
  color?: string;
};
export type FactSetJson = { type: "FactSet"; facts: { title: string; value: string }[] };
export type ContainerJson = { type: "Container"; id?: string; items: Element[]; style?: string; separator?: true; spacing?: string };
export type ActionSetJson = { type: "ActionSet"; actions: Action[] };
export type InputCommon = {
  id: string;
  label: string;
  isRequired?: boolean;
  errorMessage?: string;
};
export type TextInputJson = InputCommon & { type: "Input.Text"; value?: string; placeholder?: string; isMultiline?: true; maxLength?: number };
export type ChoiceInputJson = InputCommon & {
  type: "Input.ChoiceSet";
  choices: { title: string; value: string }[];
  value?: string;
  style?: "compact" | "expanded";
  isMultiSelect?: boolean;
  placeholder?: string;
};
export type DateInputJson = InputCommon & { type: "Input.Date"; value?: string; min?: string; max?: string };

export type ExecuteActionJson = {
  type: "Action.Execute";
  title: string;
  verb: string;
  data: Record<string, unknown> & { verb: string };
  style?: "positive" | "destructive";
  associatedInputs?: "auto" | "none";
};
export type OpenUrlActionJson = { type: "Action.OpenUrl"; title: string; url: string };

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: Element[];
  actions?: Action[];
  /** Not an Adaptive Card property: tells channels whether this card is a form (Slack opens forms as modals). */
  msteams?: { width?: "Full" };
  /**
   * Universal Actions: Teams sends this action (trigger "automatic") when the
   * card is shown to one of `userIds` and puts the answer in its place. The
   * Teams channel fills `userIds` with the person it shows the card to.
   */
  refresh?: { action: Action; userIds?: string[] };
}

/** Characters that start or end Adaptive Card (and Teams) markdown anywhere in a line. */
const MARKDOWN_INLINE = /[\\`*_~[\]<>|]/g;
/** Line starts that make a heading, list item or quote. */
const MARKDOWN_LINE_START = /^(\s*)(\d+(?=[.)])|)([#+\-=.)])/gm;

/**
 * What a person typed (a need's title, a name, a note), escaped for Adaptive
 * Card markdown so it shows as typed: never a link, a format or a list the
 * bot did not make. Every card builder puts user text through this; channels
 * that do not speak Adaptive Card markdown undo it (`unescapeMarkdown`).
 */
export function plainText(text: string): string {
  return text.replace(MARKDOWN_INLINE, "\\$&").replace(MARKDOWN_LINE_START, "$1$2\\$3");
}

/** A backslash escape made by `plainText`: the character it protects is group 1. */
export const MARKDOWN_ESCAPE = /\\([\\`*_~[\]<>|#+\-=.)])/g;

/** Text escaped by `plainText` back to what was typed (for plain-text surfaces). */
export function unescapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_ESCAPE, "$1");
}

export function card(body: Element[], actions: Action[] = []): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
  };
}

export function heading(text: string): TextBlockJson {
  return { type: "TextBlock", text, size: "Large", weight: "Bolder", wrap: true, style: "heading" };
}

export function subheading(text: string): TextBlockJson {
  return { type: "TextBlock", text, size: "Medium", weight: "Bolder", wrap: true, spacing: "Medium" };
}

export function paragraph(text: string, options: { subtle?: boolean; color?: string; size?: string } = {}): TextBlockJson {
  return {
    type: "TextBlock",
    text,
    wrap: true,
    ...(options.subtle ? { isSubtle: true } : {}),
    ...(options.color ? { color: options.color } : {}),
    ...(options.size ? { size: options.size } : {}),
  };
}

export function facts(pairs: [string, string][]): FactSetJson {
  return { type: "FactSet", facts: pairs.filter(([, v]) => v !== "").map(([title, value]) => ({ title, value })) };
}

export function container(items: Element[], options: { style?: string; separator?: boolean } = {}): ContainerJson {
  return {
    type: "Container",
    items,
    ...(options.style ? { style: options.style } : {}),
    ...(options.separator ? { separator: true, spacing: "Medium" } : {}),
  };
}

/**
 * An input marked invalid when the server found `error`: clients show
 * errorMessage only after their own checks fail, so the message is also shown
 * as red text right under the input (a Container keeps the two together).
 */
export function withError<T extends Element>(input: T, error?: string): T | ContainerJson {
  if (!error) return input;
  return {
    type: "Container",
    id: `${String(input.id)}-field`,
    items: [
      { ...input, errorMessage: error },
      { type: "TextBlock", text: error, color: "Attention", size: "Small", wrap: true, spacing: "None" },
    ],
  };
}

export function textInput(
  options: InputCommon & { value?: string; placeholder?: string; multiline?: boolean; maxLength?: number; error?: string },
): TextInputJson | ContainerJson {
  const { error, multiline, ...rest } = options;
  return withError(
    {
      type: "Input.Text",
      ...rest,
      ...(multiline ? { isMultiline: true } : {}),
      ...(rest.value === undefined || rest.value === "" ? { value: undefined } : {}),
    },
    error,
  );
}

export function choiceInput(
  options: InputCommon & {
    choices: { title: string; value: string }[];
    value?: string;
    style?: "compact" | "expanded";
    isMultiSelect?: boolean;
    placeholder?: string;
    error?: string;
  },
): ChoiceInputJson | ContainerJson {
  const { error, ...rest } = options;
  return withError({ type: "Input.ChoiceSet", ...rest, ...(rest.value ? {} : { value: undefined }) }, error);
}

export function dateInput(options: InputCommon & { value?: string; min?: string; max?: string; error?: string }): DateInputJson | ContainerJson {
  const { error, ...rest } = options;
  return withError({ type: "Input.Date", ...rest }, error);
}

/** A button that sends `{verb, ...data}` back to the bot (Universal Actions). */
export function execute(title: string, verb: string, data: Record<string, unknown> = {}, options: { style?: "positive" | "destructive"; associatedInputs?: "auto" | "none" } = {}): ExecuteActionJson {
  return {
    type: "Action.Execute",
    title,
    verb,
    data: { verb, ...data },
    ...(options.style ? { style: options.style } : {}),
    ...(options.associatedInputs ? { associatedInputs: options.associatedInputs } : {}),
  };
}

export function openUrl(title: string, url: string): OpenUrlActionJson {
  return { type: "Action.OpenUrl", title, url };
}

export function actionSet(actions: Action[]): ActionSetJson {
  return { type: "ActionSet", actions };
}

/**
 * A card's JSON with every object in it, innermost first, replaced by what `f`
 * makes of it. For a channel's rewrite of a card (Teams' Action.Submit
 * fallbacks, a dialog's Submit actions): reading goes through the typed model
 * (model.ts `parseCard`), but a rewrite must keep every property it does not
 * touch, which the model does not carry.
 */
export function mapObjects(node: unknown, f: (o: Record<string, unknown>) => unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => mapObjects(n, f));
  if (!node || typeof node !== "object") return node;
  return f(Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapObjects(v, f)])));
}

/** Removes keys whose value is undefined, so the JSON is what the schema expects. */
export function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
