// Adaptive Card → Block Kit: the one translation of the bot's cards for Slack.
// A form card (one with inputs) becomes a modal when Slack gave a trigger_id,
// otherwise a message with input blocks; any other card becomes message blocks.
// Slack's limits (api.slack.com/reference/block-kit) are enforced here by
// truncating with "…and N more", never by failing.
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
} as const;

/** Verb of a button whose action did not fit in Slack's value; the Slack channel answers it with a clear refusal. */
export const TOO_LARGE_VERB = "slack.tooLarge";
/** Action ids of buttons: "a<n>" sends the inputs around it (Adaptive Cards' associatedInputs auto), "n<n>" does not. */
export const ACTION_ID_PATTERN = /^[anu]\d+$/;
/** Action id of an input whose value is taken as is; toggles carry "t|on|off" so a submission maps back without state. */
export const INPUT_ACTION_ID = "v";

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

/** True when the card has inputs anywhere (a form). */
export function isForm(card: AdaptiveCard): boolean {
  let found = false;
  walk(card.body, (el) => {
    if (INPUT_TYPES.has(el.type)) found = true;
  });
  return found;
}

function walk(elements: unknown, visit: (el: Element) => void): void {
  if (!Array.isArray(elements)) return;
  for (const el of elements as Element[]) {
    if (!el || typeof el !== "object") continue;
    visit(el);
    walk(el.items, visit);
    if (Array.isArray(el.columns)) for (const col of el.columns as Element[]) walk(col.items, visit);
  }
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
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

/** Splits long text at a line or word break so each piece fits `max`. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf("\n", max);
    if (cut < max / 2) cut = rest.lastIndexOf(" ", max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest) out.push(rest);
  return out;
}

class Renderer {
  readonly blocks: Block[] = [];
  constructor(
    private readonly t: Translate,
    private readonly surface: Surface,
    /** Numbers buttons; shared by the renderers of one card so action ids stay unique. */
    private readonly counter = { next: 0 },
  ) {}

  /** A renderer for more blocks of the same card. */
  sibling(): Renderer {
    return new Renderer(this.t, this.surface, this.counter);
  }

  elements(elements: unknown): void {
    if (!Array.isArray(elements)) return;
    for (const el of elements as Element[]) if (el && typeof el === "object") this.element(el);
  }

  private element(el: Element): void {
    if (el.isVisible === false) return;
    if (el.separator === true && this.blocks.length > 0) this.blocks.push({ type: "divider" });
    switch (el.type) {
      case "TextBlock":
        return this.textBlock(el);
      case "FactSet":
        return this.factSet(el);
      case "Container":
        return this.elements(el.items);
      case "ColumnSet":
        return this.columnSet(el);
      case "Image":
        if (typeof el.url === "string" && /^https?:\/\//.test(el.url)) {
          this.blocks.push({ type: "image", image_url: el.url, alt_text: clip(String(el.altText ?? "image"), 2000) });
        }
        return;
      case "ActionSet":
        return this.actionBlocks(Array.isArray(el.actions) ? (el.actions as Action[]) : []);
      case "Input.Text":
      case "Input.Number":
      case "Input.Time":
      case "Input.ChoiceSet":
      case "Input.Date":
      case "Input.Toggle":
        return this.input(el);
      default:
        // Other element types carry nothing the bot's cards use.
        return;
    }
  }

  private textBlock(el: Element): void {
    const raw = String(el.text ?? "").trim();
    if (!raw) return;
    const text = el.color === "Attention" ? `:warning: ${raw}` : raw;
    const isHeading = el.style === "heading" || el.size === "Large" || el.size === "ExtraLarge";
    if (isHeading && plain(text).length <= LIMITS.headerText) {
      this.blocks.push({ type: "header", text: plainText(text, LIMITS.headerText) });
    } else if (isHeading || el.weight === "Bolder") {
      this.sections(`*${mrkdwn(plain(text))}*`);
    } else if (el.isSubtle === true || el.size === "Small") {
      for (const part of chunks(mrkdwn(text), LIMITS.contextText)) {
        this.blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: part }] });
      }
    } else {
      this.sections(mrkdwn(text));
    }
  }

  private sections(text: string): void {
    for (const part of chunks(text, LIMITS.sectionText)) this.blocks.push({ type: "section", text: { type: "mrkdwn", text: part } });
  }

  private factSet(el: Element): void {
    const facts = (Array.isArray(el.facts) ? el.facts : []) as { title?: unknown; value?: unknown }[];
    const fields = facts.map((f) => ({
      type: "mrkdwn",
      text: clip(`*${mrkdwn(plain(String(f.title ?? "")))}*\n${mrkdwn(String(f.value ?? ""))}`, LIMITS.fieldText),
    }));
    for (let i = 0; i < fields.length; i += LIMITS.fields) {
      this.blocks.push({ type: "section", fields: fields.slice(i, i + LIMITS.fields) });
    }
  }

  /** Columns in reading order; a lone button beside text becomes the section's accessory. */
  private columnSet(el: Element): void {
    const start = this.blocks.length;
    for (const col of (Array.isArray(el.columns) ? el.columns : []) as Element[]) this.elements(col?.items);
    const added = this.blocks.slice(start);
    const last = added.at(-1);
    const section = added.find((b) => b.type === "section" && b.text && !b.accessory);
    if (last?.type === "actions" && Array.isArray(last.elements) && last.elements.length === 1 && section) {
      section.accessory = last.elements[0];
      this.blocks.pop();
    }
  }

  actionBlocks(actions: Action[]): void {
    const buttons = actions.map((a) => this.button(a)).filter((b): b is Block => b !== undefined);
    for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerBlock) {
      this.blocks.push({ type: "actions", elements: buttons.slice(i, i + LIMITS.buttonsPerBlock) });
    }
  }

  private button(a: Action): Block | undefined {
    const text = plainText(String(a.title ?? ""), LIMITS.buttonText);
    const n = this.counter.next++;
    if (a.type === "Action.OpenUrl" && typeof a.url === "string") return { type: "button", action_id: `u${n}`, text, url: a.url };
    const action = cardAction(a);
    if (!action) return undefined;
    const value = encodeValue(action, MAX_BUTTON_VALUE) ?? JSON.stringify({ verb: TOO_LARGE_VERB });
    const style = a.style === "positive" ? { style: "primary" } : a.style === "destructive" ? { style: "danger" } : {};
    return { type: "button", action_id: `${a.associatedInputs === "none" ? "n" : "a"}${n}`, text, value, ...style };
  }

  private input(el: Element): void {
    const id = String(el.id ?? "");
    if (!id) return;
    const label = plainText(String(el.label ?? el.title ?? id), LIMITS.label);
    const placeholder = typeof el.placeholder === "string" && el.placeholder ? { placeholder: plainText(el.placeholder, LIMITS.placeholder) } : {};
    const value = typeof el.value === "string" ? el.value : undefined;
    let element: Block;
    let hidden = 0;
    let shortened = 0;
    switch (el.type) {
      case "Input.ChoiceSet": {
        const choices = (Array.isArray(el.choices) ? el.choices : []) as { title?: unknown; value?: unknown }[];
        if (choices.length === 0) return;
        const options = choices.slice(0, LIMITS.options).map((c) => ({
          text: plainText(String(c.title ?? c.value ?? ""), LIMITS.optionText),
          value: clip(String(c.value ?? ""), LIMITS.optionValue),
        }));
        hidden = choices.length - options.length;
        const multi = el.isMultiSelect === true;
        const selected = new Set(multi ? (value ?? "").split(",").map((v) => v.trim()) : [value]);
        const initial = options.filter((o) => selected.has(o.value));
        const expanded = el.style === "expanded" && options.length <= LIMITS.expandedOptions;
        const type = multi ? (expanded ? "checkboxes" : "multi_static_select") : expanded ? "radio_buttons" : "static_select";
        element = {
          type,
          action_id: INPUT_ACTION_ID,
          options,
          ...(expanded ? {} : placeholder),
          ...(multi ? (initial.length ? { initial_options: initial } : {}) : initial[0] ? { initial_option: initial[0] } : {}),
        };
        break;
      }
      case "Input.Date":
        element = {
          type: "datepicker",
          action_id: INPUT_ACTION_ID,
          ...placeholder,
          ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}),
        };
        break;
      case "Input.Toggle": {
        const on = String(el.valueOn ?? "true");
        const off = String(el.valueOff ?? "false");
        const option = { text: plainText(String(el.title ?? el.label ?? id), LIMITS.optionText), value: on };
        element = { type: "checkboxes", action_id: `t|${on}|${off}`, options: [option], ...(value === on ? { initial_options: [option] } : {}) };
        break;
      }
      default: {
        const max = Math.min(typeof el.maxLength === "number" && el.maxLength > 0 ? el.maxLength : LIMITS.inputMaxLength, LIMITS.inputMaxLength);
        element = {
          type: "plain_text_input",
          action_id: INPUT_ACTION_ID,
          max_length: max,
          ...(el.isMultiline === true || el.multiline === true ? { multiline: true } : {}),
          ...placeholder,
          ...(value ? { initial_value: value.slice(0, max) } : {}),
        };
        if (value && value.length > max) shortened = max;
      }
    }
    // Block ids are the input ids, so `response_action: errors` can name the field the core named.
    this.blocks.push({ type: "input", block_id: clip(id, 255), label, optional: el.isRequired !== true, element });
    if (hidden > 0) this.blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: this.t("slack.moreChoices", { count: hidden }) }] });
    // Slack's inputs hold at most 3000 characters: say so rather than shorten a longer text silently.
    if (shortened > 0) this.blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: this.t("slack.inputShortened", { max: shortened }) }] });
  }

  /** The blocks within `max`, keeping `tail` (the card's own buttons) and noting what was left out. */
  limited(tail: Block[], max: number): Block[] {
    const budget = max - tail.length;
    if (this.blocks.length <= budget) return [...this.blocks, ...tail];
    const kept = this.blocks.slice(0, budget - 1);
    const more: Block = { type: "context", elements: [{ type: "mrkdwn", text: this.t("slack.more", { count: this.blocks.length - kept.length }) }] };
    return [...kept, more, ...tail];
  }
}

/** `{verb, ...data}` of an Action.Execute or Action.Submit, or undefined for others. */
export function cardAction(a: Action): Record<string, unknown> | undefined {
  const data = a.data && typeof a.data === "object" && !Array.isArray(a.data) ? (a.data as Record<string, unknown>) : {};
  const verb = a.type === "Action.Execute" ? (a.verb ?? data.verb) : a.type === "Action.Submit" ? data.verb : undefined;
  return typeof verb === "string" && verb ? { ...data, verb } : undefined;
}

function render(card: AdaptiveCard, t: Translate, surface: Surface, cardActions: Action[]) {
  const body = new Renderer(t, surface);
  body.elements(card.body);
  const tail = body.sibling();
  tail.actionBlocks(cardActions);
  return { blocks: body.limited(tail.blocks, LIMITS.blocks[surface]), body };
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
export function toMessage(card: AdaptiveCard, t: Translate): MessageBlocks {
  return { blocks: render(card, t, "message", card.actions ?? []).blocks, text: fallbackText(card) };
}

/** A card as the App Home tab (views.publish). */
export function toHome(card: AdaptiveCard, t: Translate): { type: "home"; blocks: Block[] } {
  return { type: "home", blocks: render(card, t, "home", card.actions ?? []).blocks };
}

export interface ModalMetadata {
  /** The primary action's data (without its verb, which is the callback_id). */
  data: Record<string, unknown>;
  /** Where replies go (the DM the form came from), when known. */
  channel?: string;
}

/**
 * A card as a modal (views.open / views.update / response_action update). The
 * card's primary action (the first submit of a form, or a "positive" one)
 * becomes the modal's submit button: callback_id = its verb,
 * private_metadata = its data and the reply channel.
 */
export function toModal(card: AdaptiveCard, t: Translate, options: { channel?: string } = {}): ModalView {
  const actions = card.actions ?? [];
  const form = isForm(card);
  const primaryIndex = actions.findIndex((a) => cardAction(a) && (form || a.style === "positive"));
  const primary = primaryIndex >= 0 ? actions[primaryIndex] : undefined;
  const others = actions.filter((_, i) => i !== primaryIndex);
  const { blocks } = render(card, t, "modal", others);
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
    const { verb, ...data } = action;
    const metadata = encodeValue({ data, ...(options.channel ? { channel: options.channel } : {}) } satisfies ModalMetadata, MAX_PRIVATE_METADATA);
    if (metadata === undefined) {
      const note: Block = { type: "context", elements: [{ type: "mrkdwn", text: t("slack.tooLarge") }] };
      view.blocks = [...blocks.slice(0, LIMITS.blocks.modal - 1), note];
    } else {
      view.callback_id = String(verb);
      view.private_metadata = metadata;
      view.submit = plainText(String(primary.title ?? ""), LIMITS.modalButton);
    }
  }
  return view;
}
