// The neutral card model, typed: the Adaptive Card 1.5 elements and actions a
// channel can translate, as a union discriminated on `type`, and `parseCard`,
// which turns any card JSON into it (the bot's own cards, a card Slack sends
// back in a button value, the corpus tests' samples, a foreign card).
//
// The parser is lenient the way Adaptive Card hosts are: a property of the
// wrong type is read as a host reads it (text as `String(…)`, flags only when
// `true`, numbers only when finite) instead of failing the card, so what the
// translation showed before the model existed it still shows. An element or
// action the model does not know becomes the explicit `unknown` variant, which
// keeps its type name and its Adaptive Cards `fallback`: channels show a
// visible fallback line and log a warning for it (docs/decisions/0002-slack-block-kit.md).
import { z } from "zod";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object";
/** The entries of a list property that can be elements or actions (objects); anything else is skipped. */
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Text as a host reads it: `String(value)`, undefined when absent. */
const text = z
  .string()
  .optional()
  .catch(({ value }) => (value === undefined || value === null ? undefined : String(value)));
/** An enumerated or identifying property: a string, or nothing. */
const name = z.string().optional().catch(undefined);
/** A boolean property that counts only when it is `true`. */
const flag = z.boolean().catch(false);
const finite = z.number().optional().catch(undefined);

const common = z.object({ id: name, isVisible: z.boolean().catch(true), separator: flag });
const textBlock = z.object({ text, size: name, weight: name, style: name, color: name, isSubtle: flag });
const inputCommon = z.object({ label: text, title: text, placeholder: name, value: text, isRequired: flag, errorMessage: name });
const textInput = z.object({ style: name, maxLength: finite, regex: name, isMultiline: flag, multiline: flag });
/** A date's or time's bounds: strings in the input's own format (compared as such by src/cards/inputRules.ts). */
const bounds = z.object({ min: name, max: name });
const actionCommon = z.object({ title: text, style: name, associatedInputs: name });

interface Common {
  id?: string;
  /** False only when the card says `isVisible: false`. */
  isVisible: boolean;
  separator: boolean;
  /** The whole element as a click target (Container, Column, ColumnSet, Image, …). */
  selectAction?: CardAction;
}
export type TextBlock = Common & { type: "TextBlock"; text?: string; size?: string; weight?: string; style?: string; color?: string; isSubtle: boolean };
export type TextRun = { text: string; weight?: string; selectAction?: CardAction };
export type RichTextBlock = Common & { type: "RichTextBlock"; inlines: (string | TextRun)[] };
export type FactSet = Common & { type: "FactSet"; facts: { title: string; value: string }[] };
export type Container = Common & { type: "Container"; items: CardElement[] };
export type Column = Common & { type: "Column"; items: CardElement[] };
export type ColumnSet = Common & { type: "ColumnSet"; columns: Column[] };
export type TableCell = Common & { type: "TableCell"; items: CardElement[] };
export type Table = Common & { type: "Table"; firstRowAsHeader: boolean; rows: { cells: TableCell[] }[] };
export type Image = Common & { type: "Image"; url?: string; altText?: string };
export type ImageSet = Common & { type: "ImageSet"; images: Image[] };
export type Media = Common & { type: "Media"; sources: { url?: string }[]; altText?: string };
export type ActionSet = Common & { type: "ActionSet"; actions: CardAction[] };

interface InputFields extends Common {
  label?: string;
  title?: string;
  placeholder?: string;
  /** The current value as text; undefined when the card has none. */
  value?: string;
  isRequired: boolean;
  /** The author's message for a value that breaks the input's rules. */
  errorMessage?: string;
}
/** `regex` is the author's pattern as written (the whole value must match it). */
export type TextInput = InputFields & { type: "Input.Text"; style?: string; maxLength?: number; regex?: string; isMultiline: boolean };
export type Choice = { title: string; value: string };
export type ChoiceInput = InputFields & { type: "Input.ChoiceSet"; choices: Choice[]; isMultiSelect: boolean; style?: string };
export type DateInput = InputFields & { type: "Input.Date"; min?: string; max?: string };
export type TimeInput = InputFields & { type: "Input.Time"; min?: string; max?: string };
export type NumberInput = InputFields & { type: "Input.Number"; min?: number; max?: number };
export type ToggleInput = InputFields & { type: "Input.Toggle"; valueOn: string; valueOff: string };
export type Input = TextInput | ChoiceInput | DateInput | TimeInput | NumberInput | ToggleInput;

/** An element the model does not know: its type name, and the replacement its author gave (Adaptive Cards' `fallback`). */
export type UnknownElement = Common & { type: "unknown"; elementType: string; fallback?: CardElement | "drop" };

export type CardElement = TextBlock | RichTextBlock | FactSet | Container | Column | ColumnSet | Table | TableCell | Image | ImageSet | Media | ActionSet | Input | UnknownElement;

type ActionCommon = { title?: string; style?: string; associatedInputs?: string };
/** Action.Execute or Action.Submit: `verb` is the verb it sends (Execute's own, else its data's), when it has one. */
export type SubmitAction = ActionCommon & { type: "Action.Execute" | "Action.Submit"; verb?: string; data: Json };
export type OpenUrlAction = ActionCommon & { type: "Action.OpenUrl"; url?: string };
/** `json` is the inner card as it came, for channels that carry it on (Slack's button value); `card` is it parsed. */
export type ShowCardAction = ActionCommon & { type: "Action.ShowCard"; card?: Card; json: unknown };
export type ToggleVisibilityAction = ActionCommon & { type: "Action.ToggleVisibility"; targets: string[] };
export type UnknownAction = ActionCommon & { type: "unknown"; actionType: string };
export type CardAction = SubmitAction | OpenUrlAction | ShowCardAction | ToggleVisibilityAction | UnknownAction;

export interface Card {
  body: CardElement[];
  actions: CardAction[];
}

export const INPUT_TYPES: ReadonlySet<string> = new Set<Input["type"]>(["Input.Text", "Input.ChoiceSet", "Input.Date", "Input.Toggle", "Input.Number", "Input.Time"]);

export function isInput(el: CardElement): el is Input {
  return INPUT_TYPES.has(el.type);
}

/** One parse: collects the type names the model did not know. */
class Parser {
  readonly unknown: string[] = [];

  card(json: unknown): Card {
    const raw = isObject(json) ? json : {};
    return { body: this.elements(raw.body), actions: objects(raw.actions).map((a) => this.action(a)) };
  }

  elements(list: unknown): CardElement[] {
    return objects(list).map((el) => this.element(el));
  }

  private items<T extends string>(type: T, raw: Json): Common & { type: T; items: CardElement[] } {
    return { type, ...this.common(raw), items: this.elements(raw.items) };
  }

  private common(raw: Json): Common {
    const selectAction = isObject(raw.selectAction) ? this.action(raw.selectAction) : undefined;
    return { ...common.parse(raw), ...(selectAction ? { selectAction } : {}) };
  }

  private image(raw: Json): Image {
    return { type: "Image", ...this.common(raw), url: name.parse(raw.url), altText: text.parse(raw.altText) };
  }

  element(raw: Json): CardElement {
    const type = raw.type;
    switch (type) {
      case "TextBlock":
        return { type, ...this.common(raw), ...textBlock.parse(raw) };
      case "RichTextBlock": {
        const inlines = Array.isArray(raw.inlines) ? raw.inlines.filter((r): r is string | Json => typeof r === "string" || isObject(r)) : [];
        const run = (r: Json): TextRun => {
          const selectAction = isObject(r.selectAction) ? this.action(r.selectAction) : undefined;
          return { text: text.parse(r.text) ?? "", weight: name.parse(r.weight), ...(selectAction ? { selectAction } : {}) };
        };
        return { type, ...this.common(raw), inlines: inlines.map((r) => (typeof r === "string" ? r : run(r))) };
      }
      case "FactSet":
        return { type, ...this.common(raw), facts: objects(raw.facts).map((f) => ({ title: text.parse(f.title) ?? "", value: text.parse(f.value) ?? "" })) };
      case "Container":
      case "Column":
        return this.items(type, raw);
      // A TableCell only exists in a Table's rows (elsewhere it is unknown, as to a host).
      // A ColumnSet's columns, a Table's cells and an ImageSet's images are read as such whatever their own `type` says.
      case "ColumnSet":
        return { type, ...this.common(raw), columns: objects(raw.columns).map((c) => this.items("Column", c)) };
      case "Table":
        return {
          type,
          ...this.common(raw),
          firstRowAsHeader: raw.firstRowAsHeader !== false,
          rows: objects(raw.rows).map((r) => ({ cells: objects(r.cells).map((c) => this.items("TableCell", c)) })),
        };
      case "Image":
        return this.image(raw);
      case "ImageSet":
        return { type, ...this.common(raw), images: objects(raw.images).map((i) => this.image(i)) };
      case "Media":
        return { type, ...this.common(raw), sources: objects(raw.sources).map((s) => ({ url: name.parse(s.url) })), altText: text.parse(raw.altText) };
      case "ActionSet":
        return { type, ...this.common(raw), actions: objects(raw.actions).map((a) => this.action(a)) };
      case "Input.Text": {
        const { isMultiline, multiline, ...rest } = textInput.parse(raw);
        return { type, ...this.input(raw), ...rest, isMultiline: isMultiline || multiline };
      }
      case "Input.ChoiceSet": {
        const choices = objects(raw.choices).map((c) => ({ title: text.parse(c.title ?? c.value) ?? "", value: text.parse(c.value) ?? "" }));
        return { type, ...this.input(raw), choices, isMultiSelect: raw.isMultiSelect === true, style: name.parse(raw.style) };
      }
      case "Input.Date":
      case "Input.Time":
        return { type, ...this.input(raw), ...bounds.parse(raw) };
      case "Input.Number":
        return { type, ...this.input(raw), min: finite.parse(raw.min), max: finite.parse(raw.max) };
      case "Input.Toggle":
        return { type, ...this.input(raw), valueOn: text.parse(raw.valueOn) ?? "true", valueOff: text.parse(raw.valueOff) ?? "false" };
      default: {
        this.unknown.push(String(type));
        const fallback = raw.fallback === "drop" ? "drop" : isObject(raw.fallback) ? this.element(raw.fallback) : undefined;
        return { type: "unknown", ...this.common(raw), elementType: String(type), ...(fallback ? { fallback } : {}) };
      }
    }
  }

  private input(raw: Json): InputFields {
    return { ...this.common(raw), ...inputCommon.parse(raw) };
  }

  action(raw: Json): CardAction {
    const type = raw.type;
    const shared = actionCommon.parse(raw);
    switch (type) {
      case "Action.Execute":
      case "Action.Submit": {
        const data = isObject(raw.data) && !Array.isArray(raw.data) ? raw.data : {};
        const verb = type === "Action.Execute" ? (raw.verb ?? data.verb) : data.verb;
        return { type, ...shared, data, ...(typeof verb === "string" && verb ? { verb } : {}) };
      }
      case "Action.OpenUrl":
        return { type, ...shared, url: name.parse(raw.url) };
      case "Action.ShowCard":
        return { type, ...shared, json: raw.card, ...(isObject(raw.card) ? { card: this.card(raw.card) } : {}) };
      case "Action.ToggleVisibility": {
        const ids = Array.isArray(raw.targetElements) ? raw.targetElements.map((t) => (typeof t === "string" ? t : isObject(t) ? t.elementId : undefined)) : [];
        return { type, ...shared, targets: ids.filter((id): id is string => typeof id === "string") };
      }
      default:
        this.unknown.push(String(type));
        return { type: "unknown", ...shared, actionType: String(type) };
    }
  }
}

/**
 * Any card JSON as the typed model, with the type names of the elements and
 * actions it did not know (each is an `unknown` element or action in `card`).
 */
export function parseCard(json: unknown): { card: Card; unknown: string[] } {
  const parser = new Parser();
  const card = parser.card(json);
  return { card, unknown: parser.unknown };
}

/** `{verb, ...data}` of an Action.Execute or Action.Submit that has a verb, else undefined. */
export function submitted(a: CardAction): Record<string, unknown> | undefined {
  return (a.type === "Action.Execute" || a.type === "Action.Submit") && a.verb ? { ...a.data, verb: a.verb } : undefined;
}

/** The elements directly inside `el` (a container's items, a column set's columns, a table's cells). */
export function childrenOf(el: CardElement): CardElement[] {
  switch (el.type) {
    case "Container":
    case "Column":
    case "TableCell":
      return el.items;
    case "ColumnSet":
      return el.columns;
    case "Table":
      return el.rows.flatMap((r) => r.cells);
    default:
      return [];
  }
}

/** Called for each element a walk meets; `inShowCard` when it is inside an Action.ShowCard's card. */
export type Visit = (el: CardElement, inShowCard: boolean) => void;

/**
 * Every element of `elements`, depth first, and every action inside them and
 * inside their ShowCards (an unknown element's content is unknown: not entered).
 * `inShowCard` says whether `elements` are themselves inside a ShowCard.
 */
export function walk(elements: CardElement[], visit: Visit, visitAction?: (a: CardAction) => void, inShowCard = false): void {
  for (const el of elements) {
    visit(el, inShowCard);
    walk(childrenOf(el), visit, visitAction, inShowCard);
    if (el.type === "ActionSet") for (const a of el.actions) walkAction(a, visit, visitAction);
    if (el.selectAction) visitAction?.(el.selectAction);
  }
}

/** An action, and the elements and actions of its ShowCard. */
export function walkAction(a: CardAction, visit: Visit, visitAction?: (a: CardAction) => void): void {
  visitAction?.(a);
  if (a.type === "Action.ShowCard" && a.card) {
    walk(a.card.body, visit, visitAction, true);
    for (const b of a.card.actions) walkAction(b, visit, visitAction);
  }
}

/** A whole card: its body as `walk` does, then its own actions as `walkAction` does. */
export function walkCard(card: Card, visit: Visit, visitAction?: (a: CardAction) => void): void {
  walk(card.body, visit, visitAction);
  for (const a of card.actions) walkAction(a, visit, visitAction);
}
