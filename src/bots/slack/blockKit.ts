// Adaptive Card → Block Kit: the one translation of the bot's cards for Slack.
// A form card (one with inputs) becomes a modal when Slack gave a trigger_id,
// otherwise a message with input blocks; any other card becomes message blocks.
// Every Adaptive Card 1.5 element and action has a translation here or a
// fallback the reader sees (a context line: shown in full in Teams or the web)
// plus a warning naming the element: nothing disappears without a trace.
// The mapping table is docs/decisions/0002-slack-block-kit.md. Slack's limits
// (docs.slack.dev/reference/block-kit) are enforced by truncating with
// "…and N more"; only inputs are never cut: a form that cannot fit is refused.
import { MARKDOWN_ESCAPE, unescapeMarkdown, type Action, type AdaptiveCard, type Element } from "../../cards/elements.ts";
import type { Translate } from "../../i18n/index.ts";
import { encodeValue, MAX_BUTTON_VALUE, MAX_PRIVATE_METADATA } from "./values.ts";

export type Block = Record<string, unknown> & { type: string };
export type Surface = "message" | "modal" | "home";

export const LIMITS = {
  blocks: { message: 50, modal: 100, home: 100 } satisfies Record<Surface, number>,
  sectionText: 3000,
  headerText: 150,
  contextText: 2000,
  contextElements: 10,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonsPerBlock: 25,
  optionText: 75,
  optionValue: 150,
  options: 100,
  /** radio_buttons and checkboxes take at most 10 options; longer lists become selects. */
  expandedOptions: 10,
  label: 2000,
  placeholder: 150,
  inputMaxLength: 3000,
  modalTitle: 24,
  modalButton: 24,
  fallbackText: 3000,
  /** Button and image URLs; a longer link is shown as its label only. */
  url: 3000,
  altText: 2000,
  actionId: 255,
  blockId: 255,
} as const;

/** Verb of a button whose action did not fit in Slack's value; the Slack channel answers it with a clear refusal. */
export const TOO_LARGE_VERB = "slack.tooLarge";
/** Verb of a button that opens an Action.ShowCard's card as a pushed modal view (its value carries the card). */
export const PUSH_VERB = "slack.push";
/** Verb of a button that expands an Action.ShowCard's card in place in its message (its value carries the card). */
export const STEP_VERB = "slack.step";
/**
 * Action ids of buttons: "a<n>" sends the inputs around it (Adaptive Cards'
 * associatedInputs auto), "n<n>" does not, "u<n>" is a link, "p<n>" pushes a
 * ShowCard view, "e<n>" expands a ShowCard step in its message.
 */
export const ACTION_ID_PATTERN = /^[anupe]\d+$/;
/** Action id of an input whose value is taken as is; toggles carry "t|on|off" so a submission maps back without state. */
export const INPUT_ACTION_ID = "v";
/** Prefix of an external select's action id; the rest is the card's source action (see choiceSource). */
export const EXTERNAL_PREFIX = "x|";

/** Called once per element or action that Slack cannot show as such; the channel logs it. */
export type Warn = (element: string, detail?: string) => void;
export interface RenderOptions {
  warn?: Warn;
  /** Whether the options handler can serve a form submitted by `verb` (Router.hasForm); all when unset. */
  servesChoices?: (verb: string) => boolean;
}

/** A form whose inputs (plus its buttons) exceed the surface's block limit: refused rather than cut. */
export class CardTooLargeError extends Error {
  constructor(
    readonly blocks: number,
    readonly max: number,
  ) {
    super(`card needs ${blocks} input and button blocks, Slack allows ${max}`);
    this.name = "CardTooLargeError";
  }
}

export interface MessageBlocks {
  blocks: Block[];
  /** Plain fallback for notifications and screen readers (chat.postMessage `text`). */
  text: string;
}

export interface ModalView {
  type: "modal";
  callback_id: string;
  title: PlainText;
  close: PlainText;
  submit?: PlainText;
  private_metadata: string;
  blocks: Block[];
}

type PlainText = { type: "plain_text"; text: string; emoji?: boolean };

const INPUT_TYPES = new Set(["Input.Text", "Input.ChoiceSet", "Input.Date", "Input.Toggle", "Input.Number", "Input.Time"]);

const arr = <T = Element>(v: unknown): T[] => (Array.isArray(v) ? (v as unknown[]).filter((x) => x && typeof x === "object") : []) as T[];

/** Child elements of any container-like element (Container, Column, ColumnSet, Table rows/cells). */
function children(el: Element): Element[] {
  const rows = arr(el.rows).flatMap((r) => arr(r.cells));
  return [...arr(el.items), ...arr(el.columns), ...rows];
}

/** Every element of a body, depth first, including the cards inside ShowCard actions. */
function walk(elements: unknown, visit: (el: Element) => void, visitAction?: (a: Action) => void): void {
  for (const el of arr(elements)) {
    visit(el);
    walk(children(el), visit, visitAction);
    for (const a of arr<Action>(el.actions)) walkAction(a, visit, visitAction);
    if (el.selectAction && typeof el.selectAction === "object") visitAction?.(el.selectAction as Action);
  }
}

function walkAction(a: Action, visit: (el: Element) => void, visitAction?: (a: Action) => void): void {
  visitAction?.(a);
  const inner = a.card as AdaptiveCard | undefined;
  if (a.type === "Action.ShowCard" && inner && typeof inner === "object") {
    walk(inner.body, visit, visitAction);
    for (const b of arr<Action>(inner.actions)) walkAction(b, visit, visitAction);
  }
}

/** True when the card has inputs anywhere (a form), ShowCards included. */
export function isForm(card: AdaptiveCard): boolean {
  let found = false;
  walk(card.body, (el) => {
    if (INPUT_TYPES.has(el.type)) found = true;
  });
  for (const a of card.actions ?? []) walkAction(a, (el) => (found ||= INPUT_TYPES.has(el.type)));
  return found;
}

/** Ids of elements that an Action.ToggleVisibility can show: Slack shows them expanded. */
function toggleTargets(card: AdaptiveCard): Set<string> {
  const ids = new Set<string>();
  const collect = (a: Action) => {
    if (a.type !== "Action.ToggleVisibility") return;
    for (const t of Array.isArray(a.targetElements) ? a.targetElements : []) {
      const id = typeof t === "string" ? t : (t as { elementId?: unknown })?.elementId;
      if (typeof id === "string") ids.add(id);
    }
  };
  walk(card.body, () => undefined, collect);
  for (const a of card.actions ?? []) walkAction(a, () => undefined, collect);
  return ids;
}

/** Shortens to `max` characters without cutting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * Adaptive Card markdown → Slack mrkdwn: escape &, <, > (except a quote's leading ">"), links and bold.
 * Characters escaped as user text (cards/elements.ts `plainText`) stay literal: Slack has no escape,
 * so a format character gets a zero-width space after it and cannot pair into bold, italics or code.
 */
export function mrkdwn(text: string): string {
  const literals: string[] = [];
  return text
    .replace(MARKDOWN_ESCAPE, (_, c: string) => `\uE000${literals.push(c) - 1}\uE001`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/(?!^)>|^>(?!\s)/gm, "&gt;")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, "<$2|$1>")
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/\uE000(\d+)\uE001/g, (_, i: string) => {
      const c = literals[Number(i)] ?? "";
      return c === "<" ? "&lt;" : c === ">" ? "&gt;" : "*_~`".includes(c) ? `${c}\u200B` : c;
    });
}

/** Markdown markers removed, for Slack's plain_text fields. */
export function plain(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, "$1").replace(/(?<!\\)\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, "$1 ($2)");
}

function plainText(text: string, max: number): PlainText {
  return { type: "plain_text", text: clip(unescapeMarkdown(plain(text)), max) || " ", emoji: true };
}

/** An http(s) URL Slack accepts in a button or image (at most 3,000 characters), else undefined. */
export function slackUrl(url: unknown): string | undefined {
  return typeof url === "string" && /^https?:\/\/\S+$/.test(url) && url.length <= LIMITS.url ? url : undefined;
}

const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

/**
 * Splits Adaptive markdown into pieces whose Slack mrkdwn fits `max`, before
 * escaping: cuts fall at a line break, else a space, else a character (never
 * inside a surrogate pair or an entity), and never inside a link. A link whose
 * URL is over Slack's limit becomes its label.
 */
export function splitMarkdown(text: string, max: number): string[] {
  // Atoms: links whole, then single characters (code points); each with its worst-case escaped length.
  const atoms: { text: string; size: number; brk: number }[] = [];
  let at = 0;
  const chars = (s: string) => {
    for (const ch of s) atoms.push({ text: ch, size: ch === "&" ? 5 : ch === "<" || ch === ">" ? 4 : ch.length, brk: ch === "\n" ? 2 : /\s/.test(ch) ? 1 : 0 });
  };
  for (const m of text.matchAll(LINK)) {
    chars(text.slice(at, m.index));
    const link = m[2].length <= LIMITS.url ? m[0] : m[1];
    const size = mrkdwn(link).length;
    if (size > max) chars(m[1]);
    else atoms.push({ text: link, size, brk: 0 });
    at = m.index + m[0].length;
  }
  chars(text.slice(at));

  const out: string[] = [];
  let start = 0;
  while (start < atoms.length) {
    let size = 0;
    let end = start;
    let lineBreak = -1;
    let space = -1;
    while (end < atoms.length && size + atoms[end].size <= max) {
      if (atoms[end].brk === 2) lineBreak = end;
      else if (atoms[end].brk === 1) space = end;
      size += atoms[end].size;
      end++;
    }
    if (end < atoms.length) {
      const half = start + (end - start) / 2;
      if (lineBreak > half) end = lineBreak;
      else if (space > half) end = space;
    }
    const piece = atoms.slice(start, Math.max(end, start + 1)).map((a) => a.text).join("").trim();
    if (piece) out.push(piece);
    start = Math.max(end, start + 1);
    while (start < atoms.length && atoms[start].brk > 0) start++;
  }
  return out;
}

/** The first piece of `text` whose mrkdwn fits `max` (with "…" when there was more); still unescaped. */
function fitText(text: string, max: number): string {
  const pieces = splitMarkdown(text, Math.max(1, max - 1));
  return pieces.length > 1 ? `${pieces[0]}…` : (pieces[0] ?? "");
}

/**
 * Adaptive markdown as mrkdwn pieces of at most `max` characters each. Should
 * `mrkdwn()` ever write more than splitMarkdown reckons, the piece is split again.
 */
export function mrkdwnPieces(text: string, max: number): string[] {
  return splitMarkdown(text, max).flatMap((piece) => {
    const out = mrkdwn(piece);
    if (out.length <= max) return [out];
    const smaller = splitMarkdown(piece, Math.max(1, max - (out.length - max)));
    return smaller.length > 1 ? smaller.flatMap((p) => mrkdwnPieces(p, max)) : [clip(out, max)];
  });
}

class Renderer {
  readonly blocks: Block[] = [];
  constructor(
    private readonly t: Translate,
    private readonly surface: Surface,
    private readonly shared: {
      /** Numbers buttons; shared by the renderers of one card so action ids stay unique. */
      counter: { next: number };
      warn: Warn;
      visibleIds: Set<string>;
      /** Values of hidden inputs, sent with every action that sends inputs, as Adaptive Cards do. */
      hidden: Record<string, string>;
      /** The card's source action (verb and data), for external selects' option requests. */
      source?: string;
    },
  ) {}

  /** A renderer for more blocks of the same card. */
  sibling(): Renderer {
    return new Renderer(this.t, this.surface, this.shared);
  }

  elements(elements: unknown): void {
    for (const el of arr(elements)) this.element(el);
  }

  /** A context line telling the reader that Slack cannot show this, with a link where one exists; logged too. */
  fallback(element: string, label: string, link?: string): void {
    this.shared.warn(element);
    const url = slackUrl(link);
    // The name is the card's text: escaped like any text, so "<!channel>" in a title stays literal.
    const name = mrkdwn(fitText(plain(label), 200));
    const text = this.t("slack.fallback", { element: name }) + (url ? ` <${url}|${this.t("slack.openLink")}>` : "");
    this.blocks.push(context(text));
  }

  private element(el: Element): void {
    // Hidden and no toggle can show it: invisible in Teams too. Its inputs' values travel with the actions (hiddenValues).
    if (isHidden(el, this.shared.visibleIds)) return;
    if (el.separator === true && this.blocks.length > 0) this.blocks.push({ type: "divider" });
    switch (el.type) {
      case "TextBlock":
        this.textBlock(el);
        break;
      case "RichTextBlock":
        this.richText(el);
        break;
      case "FactSet":
        this.factSet(el);
        break;
      case "Container":
      case "Column":
        this.elements(el.items);
        break;
      case "ColumnSet":
        this.columnSet(el);
        break;
      case "Table":
        this.table(el);
        break;
      case "Image":
        this.image(el);
        break;
      case "ImageSet":
        for (const img of arr(el.images)) this.image(img);
        break;
      case "Media": {
        const source = arr<{ url?: unknown }>(el.sources)[0];
        this.fallback("Media", String(el.altText ?? this.t("slack.element.media")), typeof source?.url === "string" ? source.url : undefined);
        break;
      }
      case "ActionSet":
        this.actionBlocks(arr<Action>(el.actions));
        break;
      case "Input.Text":
      case "Input.Number":
      case "Input.Time":
      case "Input.ChoiceSet":
      case "Input.Date":
      case "Input.Toggle":
        this.input(el);
        break;
      default:
        // Adaptive Cards' own fallback for unknown elements: the author's replacement, or "drop".
        if (el.fallback && typeof el.fallback === "object") return this.element(el.fallback as Element);
        if (el.fallback === "drop") {
          this.shared.warn(String(el.type), "dropped by its fallback");
          return;
        }
        this.fallback(String(el.type), String(el.type));
        return;
    }
    if (el.selectAction && typeof el.selectAction === "object" && el.type !== "Image") this.selectAction(el.selectAction as Action);
  }

  /** A whole-element click target: a button (or link) after the element's content. */
  private selectAction(a: Action): void {
    if (a.type === "Action.ToggleVisibility") return this.shared.warn("selectAction Action.ToggleVisibility", "targets shown expanded");
    this.actionBlocks([{ ...a, title: typeof a.title === "string" && a.title ? a.title : this.t("slack.select") }]);
  }

  private textBlock(el: Element): void {
    const raw = String(el.text ?? "").trim();
    if (!raw) return;
    const text = el.color === "Attention" ? `:warning: ${raw}` : raw;
    const isHeading = el.style === "heading" || el.size === "Large" || el.size === "ExtraLarge";
    if (isHeading && plain(text).length <= LIMITS.headerText) {
      this.blocks.push({ type: "header", text: plainText(text, LIMITS.headerText) });
    } else if (isHeading || el.weight === "Bolder") {
      for (const part of splitMarkdown(plain(text), LIMITS.sectionText - 2)) this.section(clip(`*${mrkdwn(part)}*`, LIMITS.sectionText));
    } else if (el.isSubtle === true || el.size === "Small") {
      for (const part of mrkdwnPieces(text, LIMITS.contextText)) this.blocks.push(context(part));
    } else {
      this.sections(text);
    }
  }

  /**
   * TextRuns as one mrkdwn text: bold runs bold, a run's link (selectAction
   * OpenUrl) kept; other run styles (italic, strikethrough, highlight, colour) read as plain text.
   */
  private richText(el: Element): void {
    const runs = inlines(el).map((run) => {
      if (typeof run === "string") return String(run);
      const text = String(run.text ?? "");
      const url = (run.selectAction as Action | undefined)?.type === "Action.OpenUrl" ? slackUrl((run.selectAction as Action).url) : undefined;
      if (url) return `[${text.replace(/[[\]]/g, "")}](${url})`;
      return run.weight === "Bolder" ? `**${text}**` : text;
    });
    const text = runs.join("").trim();
    if (text) this.sections(text);
  }

  private sections(text: string): void {
    for (const part of mrkdwnPieces(text, LIMITS.sectionText)) this.section(part);
  }

  private section(text: string): void {
    this.blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  }

  private fields(pairs: [string, string][]): void {
    // Each part fitted before escaping (a title up to 300, the value the rest), so no entity or link is cut.
    const fields = pairs.map(([title, value]) => {
      const head = `*${mrkdwn(fitText(plain(title), 300))}*\n`;
      return { type: "mrkdwn", text: clip(head + mrkdwn(fitText(value, LIMITS.fieldText - head.length)), LIMITS.fieldText) };
    });
    for (let i = 0; i < fields.length; i += LIMITS.fields) this.blocks.push({ type: "section", fields: fields.slice(i, i + LIMITS.fields) });
  }

  private factSet(el: Element): void {
    this.fields(arr<{ title?: unknown; value?: unknown }>(el.facts).map((f) => [String(f.title ?? ""), String(f.value ?? "")]));
  }

  /**
   * Two columns of text only, as many lines each, read as label/value pairs
   * (section fields). Other columns are read row by row; a column of buttons
   * comes last, so a lone button beside text becomes the section's accessory.
   */
  private columnSet(el: Element): void {
    const columns = arr(el.columns).filter((c) => !isHidden(c, this.shared.visibleIds));
    const texts = columns.map((c) => arr(c.items));
    const onlyText = texts.every((items) => items.length > 0 && items.every((i) => i.type === "TextBlock" && i.isVisible !== false));
    if (columns.length === 2 && onlyText && texts[0].length === texts[1].length && !columns.some((c) => c.selectAction)) {
      this.fields(texts[0].map((label, i) => [String(label.text ?? ""), String(texts[1][i].text ?? "")]));
      return;
    }
    const isButtons = (c: Element) => arr(c.items).length > 0 && arr(c.items).every((i) => i.type === "ActionSet");
    const ordered = [...columns.filter((c) => !isButtons(c)), ...columns.filter(isButtons)];
    const start = this.blocks.length;
    const rows = Math.max(0, ...ordered.filter((c) => !isButtons(c)).map((c) => arr(c.items).length));
    for (let row = 0; row < rows; row++) for (const col of ordered.filter((c) => !isButtons(c))) this.elements(arr(col.items).slice(row, row + 1));
    for (const col of ordered) {
      if (isButtons(col)) this.elements(col.items);
      if (col.selectAction && typeof col.selectAction === "object") this.selectAction(col.selectAction as Action);
    }
    const added = this.blocks.slice(start);
    const last = added.at(-1);
    const section = added.find((b) => b.type === "section" && b.text && !b.accessory);
    if (last?.type === "actions" && Array.isArray(last.elements) && last.elements.length === 1 && section) {
      section.accessory = last.elements[0];
      this.blocks.pop();
    }
  }

  /** Rows as lines (cells joined by " · "); the first row bold when it is the header row. */
  private table(el: Element): void {
    const cellText = (cell: Element) => {
      const parts: string[] = [];
      walk(cell.items, (i) => {
        if (i.type === "TextBlock" && typeof i.text === "string") parts.push(i.text);
        else if (i.type === "RichTextBlock") parts.push(inlines(i).map((r) => (typeof r === "string" ? r : String(r.text ?? ""))).join(""));
      });
      return parts.join(" ");
    };
    const header = el.firstRowAsHeader !== false;
    const lines = arr(el.rows).map((row, i) => {
      const line = arr(row.cells).map(cellText).join(" · ");
      return header && i === 0 && line ? `**${line}**` : line;
    });
    if (lines.some((l) => l.trim())) this.sections(lines.join("\n"));
  }

  private image(el: Element): void {
    const url = slackUrl(el.url);
    const alt = String(el.altText ?? "") || this.t("slack.element.image");
    if (!url) return this.fallback("Image", alt);
    this.blocks.push({ type: "image", image_url: url, alt_text: clip(alt, LIMITS.altText) });
    if (el.selectAction && typeof el.selectAction === "object") this.selectAction(el.selectAction as Action);
  }

  actionBlocks(actions: Action[]): void {
    let buttons: Block[] = [];
    const flush = () => {
      for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerBlock) this.blocks.push({ type: "actions", elements: buttons.slice(i, i + LIMITS.buttonsPerBlock) });
      buttons = [];
    };
    for (const a of actions) {
      const button = this.button(a);
      if (button) buttons.push(button);
      else {
        // Content that takes the place of a button (a ShowCard step, a fallback line) keeps its place.
        flush();
        this.inlineAction(a);
      }
    }
    flush();
  }

  private button(a: Action): Block | undefined {
    const text = plainText(String(a.title ?? "") || this.t("slack.select"), LIMITS.buttonText);
    if (a.type === "Action.OpenUrl") {
      const url = slackUrl(a.url);
      return url ? { type: "button", action_id: `u${this.shared.counter.next++}`, text, url } : undefined;
    }
    if (a.type === "Action.ShowCard") {
      // The App Home cannot be updated from a click in place: there the step is shown expanded.
      if (this.surface === "home") return undefined;
      const push = this.surface === "modal";
      const value = encodeValue({ verb: push ? PUSH_VERB : STEP_VERB, title: a.title, card: a.card }, MAX_BUTTON_VALUE);
      return value ? { type: "button", action_id: `${push ? "p" : "e"}${this.shared.counter.next++}`, text, value } : undefined;
    }
    const cardData = cardAction(a);
    if (!cardData) return undefined;
    const action = a.associatedInputs === "none" ? cardData : { ...cardData, ...this.shared.hidden, verb: cardData.verb };
    const value = encodeValue(action, MAX_BUTTON_VALUE) ?? JSON.stringify({ verb: TOO_LARGE_VERB });
    const style = a.style === "positive" ? { style: "primary" } : a.style === "destructive" ? { style: "danger" } : {};
    return { type: "button", action_id: `${a.associatedInputs === "none" ? "n" : "a"}${this.shared.counter.next++}`, text, value, ...style };
  }

  /** A ShowCard's card in place: a divider, its title, its body and actions. */
  step(title: string, inner: AdaptiveCard): void {
    this.blocks.push({ type: "divider" });
    this.section(`*${mrkdwn(fitText(plain(title), 200))}*`);
    this.elements(inner.body);
    this.actionBlocks(arr<Action>(inner.actions));
  }

  /** An action that is no button in Slack: a ShowCard shown as an expanded step, or a fallback line. */
  private inlineAction(a: Action): void {
    const title = String(a.title ?? a.type);
    if (a.type === "Action.ShowCard" && a.card && typeof a.card === "object") return this.step(title, a.card as AdaptiveCard);
    if (a.type === "Action.ToggleVisibility") {
      // Slack cannot toggle: the targets are always shown, and the button's title says so.
      this.shared.warn("Action.ToggleVisibility", "targets shown expanded");
      this.blocks.push(context(this.t("slack.toggleShown", { title: mrkdwn(fitText(plain(title), 200)) })));
      return;
    }
    if (a.type === "Action.OpenUrl") return this.fallback("Action.OpenUrl", title);
    this.fallback(String(a.type), title);
  }

  input(el: Element): void {
    const id = String(el.id ?? "");
    if (!id) return this.fallback(el.type, String(el.label ?? el.type));
    if (id.length > LIMITS.blockId) return this.fallback(el.type, String(el.label ?? id));
    const label = plainText(String(el.label ?? el.title ?? id), LIMITS.label);
    const placeholder = typeof el.placeholder === "string" && el.placeholder ? { placeholder: plainText(el.placeholder, LIMITS.placeholder) } : {};
    const value = el.value === undefined || el.value === null ? undefined : String(el.value);
    const notes: string[] = [];
    let element: Block;
    switch (el.type) {
      case "Input.ChoiceSet":
        element = this.choices(el, value, placeholder, notes);
        break;
      case "Input.Date":
        // Slack's datepicker has no min/max: the server checks them (src/cards/inputRules.ts).
        element = { type: "datepicker", action_id: INPUT_ACTION_ID, ...placeholder, ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}) };
        break;
      case "Input.Time":
        element = { type: "timepicker", action_id: INPUT_ACTION_ID, ...placeholder, ...(value && /^\d{2}:\d{2}$/.test(value) ? { initial_time: value } : {}) };
        break;
      case "Input.Number": {
        const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? { v: String(v) } : undefined);
        element = {
          type: "number_input",
          action_id: INPUT_ACTION_ID,
          is_decimal_allowed: true,
          ...placeholder,
          ...(num(el.min) ? { min_value: num(el.min)!.v } : {}),
          ...(num(el.max) ? { max_value: num(el.max)!.v } : {}),
          ...(value !== undefined && Number.isFinite(Number(value)) && value !== "" ? { initial_value: value } : {}),
        };
        break;
      }
      case "Input.Toggle": {
        const on = String(el.valueOn ?? "true");
        const off = String(el.valueOff ?? "false");
        const option = { text: plainText(String(el.title ?? el.label ?? id), LIMITS.optionText), value: clip(on, LIMITS.optionValue) };
        const actionId = `t|${on}|${off}`;
        if (actionId.length > LIMITS.actionId || on.length > LIMITS.optionValue) return this.fallback(el.type, String(el.label ?? el.title ?? id));
        element = { type: "checkboxes", action_id: actionId, options: [option], ...(value === on ? { initial_options: [option] } : {}) };
        break;
      }
      default:
        element = this.textInput(el, value, placeholder, notes);
    }
    // Block ids are the input ids, so `response_action: errors` can name the field the core named.
    this.blocks.push({ type: "input", block_id: id, label, optional: el.isRequired !== true, element });
    for (const note of notes) this.blocks.push(context(note));
  }

  private textInput(el: Element, value: string | undefined, placeholder: object, notes: string[]): Block {
    const initial = (max: number) => (value ? { initial_value: value.slice(0, max) } : {});
    if (el.style === "Email" && !(el.isMultiline === true)) return { type: "email_text_input", action_id: INPUT_ACTION_ID, ...placeholder, ...initial(LIMITS.inputMaxLength) };
    if (el.style === "Url" && !(el.isMultiline === true)) return { type: "url_text_input", action_id: INPUT_ACTION_ID, ...placeholder, ...initial(LIMITS.inputMaxLength) };
    const max = Math.min(typeof el.maxLength === "number" && el.maxLength > 0 ? el.maxLength : LIMITS.inputMaxLength, LIMITS.inputMaxLength);
    // Slack's inputs hold at most 3000 characters: say so rather than shorten a longer text silently.
    if (value && value.length > max) notes.push(this.t("slack.inputShortened", { max }));
    // Slack has no masked input: a password field says so; the regex is checked on the server.
    if (el.style === "Password") {
      this.shared.warn("Input.Text style Password", "shown unmasked");
      notes.push(this.t("slack.passwordVisible"));
    }
    return {
      type: "plain_text_input",
      action_id: INPUT_ACTION_ID,
      max_length: max,
      ...(el.isMultiline === true || el.multiline === true ? { multiline: true } : {}),
      ...placeholder,
      ...initial(max),
    };
  }

  /** Static lists up to 100 options; longer ones load by type-ahead from the card's source (external_select). */
  private choices(el: Element, value: string | undefined, placeholder: object, notes: string[]): Block {
    const choices = arr<{ title?: unknown; value?: unknown }>(el.choices);
    const multi = el.isMultiSelect === true;
    const options = choices.map((c) => choiceOption(c));
    const selected = new Set(multi ? (value ?? "").split(",").map((v) => v.trim()) : [value]);
    const initial = options.filter((o) => selected.has(o.value));
    const initialProp = multi ? (initial.length ? { initial_options: initial } : {}) : initial[0] ? { initial_option: initial[0] } : {};
    if (choices.length === 0) {
      this.shared.warn("Input.ChoiceSet", "no choices");
      return { type: "plain_text_input", action_id: INPUT_ACTION_ID, max_length: LIMITS.inputMaxLength, ...placeholder, ...(value ? { initial_value: value.slice(0, LIMITS.inputMaxLength) } : {}) };
    }
    if (options.length > LIMITS.options) {
      const actionId = this.shared.source ? EXTERNAL_PREFIX + this.shared.source : undefined;
      if (actionId && actionId.length <= LIMITS.actionId) {
        return { type: multi ? "multi_external_select" : "external_select", action_id: actionId, min_query_length: 0, ...placeholder, ...initialProp };
      }
      // No action to load the options from: the first 100, and a line saying how many are left out.
      this.shared.warn("Input.ChoiceSet", `${options.length} choices and no source action: first ${LIMITS.options} shown`);
      notes.push(this.t("slack.moreChoices", { count: options.length - LIMITS.options }));
    }
    const shown = options.slice(0, LIMITS.options);
    const kept = initialProp && "initial_option" in initialProp ? shown.some((o) => o.value === initial[0].value) : true;
    const expanded = el.style === "expanded" && shown.length <= LIMITS.expandedOptions;
    const type = multi ? (expanded ? "checkboxes" : "multi_static_select") : expanded ? "radio_buttons" : "static_select";
    const initialShown = multi ? (initial.filter((o) => shown.includes(o)).length ? { initial_options: initial.filter((o) => shown.includes(o)) } : {}) : kept ? initialProp : {};
    return { type, action_id: INPUT_ACTION_ID, options: shown, ...(expanded ? {} : placeholder), ...initialShown };
  }

  /**
   * The blocks within `max`: every input, then the card's own buttons (`tail`'s
   * actions), then display blocks in order; what is left out is counted in
   * "…and N more", placed before the card's own buttons. A form whose inputs
   * alone do not fit is refused.
   */
  limited(tail: Block[], max: number): Block[] {
    const all = [...this.blocks, ...tail];
    if (all.length <= max) return all;
    const inputs = all.filter((b) => b.type === "input").length;
    if (inputs + 1 > max) throw new CardTooLargeError(inputs, max);
    const buttons = tail.filter((b) => b.type === "actions");
    const keepButtons = new Set(inputs + buttons.length + 1 <= max ? buttons : []);
    let room = max - 1 - inputs - keepButtons.size;
    const kept = all.filter((b) => b.type === "input" || keepButtons.has(b) || room-- > 0);
    const more = context(this.t("slack.more", { count: all.length - kept.length }));
    const at = kept.findIndex((b) => keepButtons.has(b));
    return at < 0 ? [...kept, more] : [...kept.slice(0, at), more, ...kept.slice(at)];
  }
}

function context(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(text, LIMITS.contextText) || " " }] };
}

/** A choice as a Slack option: text within 75 characters, value within 150. */
export function choiceOption(c: { title?: unknown; value?: unknown }): { text: PlainText; value: string } {
  return { text: plainText(String(c.title ?? c.value ?? ""), LIMITS.optionText), value: clip(String(c.value ?? ""), LIMITS.optionValue) };
}

/** A RichTextBlock's inlines: TextRuns, or plain strings (which Adaptive Cards also allow). */
function inlines(el: Element): (Element | string)[] {
  return Array.isArray(el.inlines) ? (el.inlines as unknown[]).filter((r): r is Element | string => typeof r === "string" || (!!r && typeof r === "object")) : [];
}

function isHidden(el: Element, visibleIds: Set<string>): boolean {
  return el.isVisible === false && !(typeof el.id === "string" && visibleIds.has(el.id));
}

/** `{id: value}` of the inputs that no one can see (hidden, or inside something hidden), as Adaptive Cards submit them. */
function hiddenValues(card: AdaptiveCard, visibleIds: Set<string>): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (elements: unknown, hidden: boolean) => {
    for (const el of arr(elements)) {
      const inside = hidden || isHidden(el, visibleIds);
      if (inside && INPUT_TYPES.has(el.type) && typeof el.id === "string") values[el.id] = el.value === undefined || el.value === null ? "" : String(el.value);
      visit(children(el), inside);
    }
  };
  visit(card.body, false);
  return values;
}

/** `{verb, ...data}` of an Action.Execute or Action.Submit, or undefined for others. */
export function cardAction(a: Action): Record<string, unknown> | undefined {
  const data = a.data && typeof a.data === "object" && !Array.isArray(a.data) ? (a.data as Record<string, unknown>) : {};
  const verb = a.type === "Action.Execute" ? (a.verb ?? data.verb) : a.type === "Action.Submit" ? data.verb : undefined;
  return typeof verb === "string" && verb ? { ...data, verb } : undefined;
}

/**
 * The card's source for external selects: its first verb action, JSON-encoded.
 * The options handler asks the core for that form again, as the acting person,
 * and serves the choices from it (src/bots/core/router.ts `choices`).
 */
function choiceSource(card: AdaptiveCard, serves: (verb: string) => boolean = () => true): string | undefined {
  let found: Record<string, unknown> | undefined;
  const visit = (a: Action) => {
    const action = cardAction(a);
    if (!found && action && serves(String(action.verb))) found = action;
  };
  for (const a of card.actions ?? []) visit(a);
  walk(card.body, () => undefined, visit);
  return found ? encodeValue(found, LIMITS.actionId - EXTERNAL_PREFIX.length) : undefined;
}

function sharedState(card: AdaptiveCard, options: RenderOptions, firstActionNumber = 0) {
  const visibleIds = toggleTargets(card);
  return { counter: { next: firstActionNumber }, warn: options.warn ?? (() => undefined), visibleIds, hidden: hiddenValues(card, visibleIds), source: choiceSource(card, options.servesChoices) };
}

function render(card: AdaptiveCard, t: Translate, surface: Surface, cardActions: Action[], options: RenderOptions) {
  const body = new Renderer(t, surface, sharedState(card, options));
  body.elements(card.body);
  const tail = body.sibling();
  tail.actionBlocks(cardActions);
  return body.limited(tail.blocks, LIMITS.blocks[surface]);
}

function fallbackText(card: AdaptiveCard): string {
  const texts: string[] = [];
  walk(card.body, (el) => {
    // Slack reads a message's `text` as mrkdwn too (notifications): escaped, or "<!channel>" would ping everyone.
    if (el.type === "TextBlock" && typeof el.text === "string") texts.push(mrkdwn(el.text));
  });
  return clip(texts.slice(0, 2).join("\n"), LIMITS.fallbackText) || " ";
}

/** A card as a message (chat.postMessage / chat.update); a form keeps its inputs and its buttons send them. */
export function toMessage(card: AdaptiveCard, t: Translate, options: RenderOptions = {}): MessageBlocks {
  return { blocks: render(card, t, "message", card.actions ?? [], options), text: fallbackText(card) };
}

/** A card as the App Home tab (views.publish). */
export function toHome(card: AdaptiveCard, t: Translate, options: RenderOptions = {}): { type: "home"; blocks: Block[] } {
  return { type: "home", blocks: render(card, t, "home", card.actions ?? [], options) };
}

export interface ModalMetadata {
  /** The primary action's data (without its verb, which is the callback_id). */
  data: Record<string, unknown>;
  /** Where replies go (the DM the form came from), when known. */
  channel?: string;
}

/**
 * A card as a modal (views.open / views.update / views.push / response_action
 * update). The card's primary action (the first submit of a form, or a
 * "positive" one) becomes the modal's submit button: callback_id = its verb,
 * private_metadata = its data and the reply channel. Throws CardTooLargeError
 * when the inputs cannot fit in 100 blocks.
 */
export function toModal(card: AdaptiveCard, t: Translate, options: { channel?: string } & RenderOptions = {}): ModalView {
  const actions = card.actions ?? [];
  const form = isForm(card);
  const primaryIndex = actions.findIndex((a) => cardAction(a) && (form || a.style === "positive"));
  const primary = primaryIndex >= 0 ? actions[primaryIndex] : undefined;
  const others = actions.filter((_, i) => i !== primaryIndex);
  const blocks = render(card, t, "modal", others, options);
  const title = (() => {
    const first = card.body.find((el) => el.type === "TextBlock");
    const text = first ? plain(String(first.text ?? "")) : "";
    return text && text.length <= LIMITS.modalTitle ? text : t("app.name");
  })();
  const view: ModalView = {
    type: "modal",
    callback_id: "samordna",
    title: plainText(title, LIMITS.modalTitle),
    close: plainText(t(primary ? "common.cancel" : "slack.modal.close"), LIMITS.modalButton),
    private_metadata: "",
    blocks,
  };
  const action = primary ? cardAction(primary) : undefined;
  if (action && primary) {
    const { verb, ...cardData } = action;
    const data = { ...cardData, ...hiddenValues(card, toggleTargets(card)) };
    const metadata = encodeValue({ data, ...(options.channel ? { channel: options.channel } : {}) } satisfies ModalMetadata, MAX_PRIVATE_METADATA);
    if (metadata === undefined) {
      view.blocks = [...blocks.slice(0, LIMITS.blocks.modal - 1), context(t("slack.tooLarge"))];
    } else {
      view.callback_id = clip(String(verb), LIMITS.actionId);
      view.private_metadata = metadata;
      view.submit = plainText(String(primary.title ?? ""), LIMITS.modalButton);
    }
  }
  return view;
}

/** The Adaptive Card inside a "p…" or "e…" (ShowCard) button's value. */
export function pushedCard(value: Record<string, unknown>): AdaptiveCard | undefined {
  const inner = value.card as Partial<AdaptiveCard> | undefined;
  if ((value.verb !== PUSH_VERB && value.verb !== STEP_VERB) || !inner || typeof inner !== "object" || !Array.isArray(inner.body)) return undefined;
  return { type: "AdaptiveCard", $schema: "http://adaptivecards.io/schemas/adaptive-card.json", version: String(inner.version ?? "1.5"), body: inner.body, ...(Array.isArray(inner.actions) ? { actions: inner.actions } : {}) };
}

/**
 * A message's blocks (as Slack sent them with the click) with the ShowCard
 * step of button `actionId` expanded right after it; the button goes, since
 * the step is open. Undefined when the button is not there or the message
 * would exceed 50 blocks (the step is then posted as a message of its own).
 */
export function expandStep(blocks: Block[], actionId: string, value: Record<string, unknown>, t: Translate, options: RenderOptions = {}): Block[] | undefined {
  const card = pushedCard(value);
  const at = blocks.findIndex((b) => arr<Block>(b.elements).some((e) => e.action_id === actionId));
  if (!card || value.verb !== STEP_VERB || at < 0) return undefined;
  // New buttons are numbered after the message's own, so action ids stay unique.
  const numbers = blocks.flatMap((b) => [...arr<Block>(b.elements), ...(b.accessory ? [b.accessory as Block] : [])]).map((e) => Number(/^[a-z](\d+)$/.exec(String(e.action_id))?.[1] ?? -1));
  const step = new Renderer(t, "message", sharedState(card, options, Math.max(-1, ...numbers) + 1));
  step.step(String(value.title ?? ""), card);
  const clicked = blocks[at];
  const rest = arr<Block>(clicked.elements).filter((e) => e.action_id !== actionId);
  const result = [...blocks.slice(0, at), ...(rest.length ? [{ ...clicked, elements: rest }] : []), ...step.blocks, ...blocks.slice(at + 1)];
  return result.length <= LIMITS.blocks.message ? result : undefined;
}
