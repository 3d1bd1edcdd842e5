// The renderer: the typed card model (src/cards/model.ts) as Block Kit blocks,
// element by element, with the card-wide state one translation shares (button
// numbers, which hidden elements a toggle can show, hidden inputs' values, the
// source of long choice lists). An element the model does not know gets a
// fallback line and a warning. blockKit.ts puts the blocks on a surface.
import { childrenOf, isInput, submitted, walk, walkCard, type Card, type CardAction, type CardElement, type Column, type ColumnSet, type Image, type RichTextBlock, type Table, type TextBlock } from "../../cards/model.ts";
import type { Translate } from "../../i18n/index.ts";
import { EXTERNAL_PREFIX, inputBlocks, type Warn } from "./inputs.ts";
import { clip, contextBlock, fitText, LIMITS, mrkdwn, mrkdwnPieces, plain, plainTextObject, slackUrl, splitMarkdown, type Block, type Surface } from "./mrkdwn.ts";
import { encodeValue, MAX_BUTTON_VALUE } from "./values.ts";

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

export function hasInputs(card: Card): boolean {
  let found = false;
  walkCard(card, (el) => (found ||= isInput(el)));
  return found;
}

/** Ids of elements that an Action.ToggleVisibility can show: Slack shows them expanded. */
export function toggleTargets(card: Card): Set<string> {
  const ids = new Set<string>();
  const collect = (a: CardAction) => {
    if (a.type === "Action.ToggleVisibility") for (const id of a.targets) ids.add(id);
  };
  walkCard(card, () => undefined, collect);
  return ids;
}

interface Shared {
  /** Numbers buttons; shared by the renderers of one card so action ids stay unique. */
  counter: { next: number };
  warn: Warn;
  visibleIds: Set<string>;
  /** Values of hidden inputs, sent with every action that sends inputs, as Adaptive Cards do. */
  hidden: Record<string, string>;
  /** The card's source action (verb and data), for external selects' option requests. */
  source?: string;
}

export class Renderer {
  readonly blocks: Block[] = [];
  constructor(
    private readonly t: Translate,
    private readonly surface: Surface,
    private readonly shared: Shared,
  ) {}

  /** A renderer for more blocks of the same card. */
  sibling(): Renderer {
    return new Renderer(this.t, this.surface, this.shared);
  }

  elements(elements: CardElement[]): void {
    for (const el of elements) this.element(el);
  }

  /** A context line telling the reader that Slack cannot show this, with a link where one exists; logged too. */
  fallback(element: string, label: string, link?: string): void {
    this.shared.warn(element);
    const url = slackUrl(link);
    // The name is the card's text: escaped like any text, so "<!channel>" in a title stays literal.
    const name = mrkdwn(fitText(plain(label), 200));
    const text = this.t("slack.fallback", { element: name }) + (url ? ` <${url}|${this.t("slack.openLink")}>` : "");
    this.blocks.push(contextBlock(text));
  }

  private element(el: CardElement): void {
    // Hidden and no toggle can show it: invisible in Teams too. Its inputs' values travel with the actions (hiddenValues).
    if (isHidden(el, this.shared.visibleIds)) return;
    if (el.separator && this.blocks.length > 0) this.blocks.push({ type: "divider" });
    switch (el.type) {
      case "TextBlock":
        this.textBlock(el);
        break;
      case "RichTextBlock":
        this.richText(el);
        break;
      case "FactSet":
        this.fields(el.facts.map((f) => [f.title, f.value]));
        break;
      case "Container":
      case "Column":
      case "TableCell":
        this.elements(el.items);
        break;
      case "ColumnSet":
        this.columnSet(el);
        break;
      case "Table":
        this.table(el);
        break;
      case "Image":
        // An image's own click target follows the image (image() places it), never the fallback line.
        this.image(el);
        return;
      case "ImageSet":
        for (const img of el.images) this.image(img);
        break;
      case "Media":
        this.fallback("Media", el.altText ?? this.t("slack.element.media"), el.sources[0]?.url);
        break;
      case "ActionSet":
        this.actionBlocks(el.actions);
        break;
      case "Input.Text":
      case "Input.Number":
      case "Input.Time":
      case "Input.ChoiceSet":
      case "Input.Date":
      case "Input.Toggle": {
        const blocks = inputBlocks(el, { t: this.t, warn: this.shared.warn, source: this.shared.source });
        if ("refused" in blocks) this.fallback(el.type, blocks.refused);
        else this.blocks.push(...blocks);
        break;
      }
      case "unknown":
        // Adaptive Cards' own fallback for unknown elements: the author's replacement, or "drop".
        if (el.fallback === "drop") return this.shared.warn(el.elementType, "dropped by its fallback");
        if (el.fallback) return this.element(el.fallback);
        return this.fallback(el.elementType, el.elementType);
    }
    if (el.selectAction) this.selectAction(el.selectAction);
  }

  /** A whole-element click target: a button (or link) after the element's content. */
  private selectAction(a: CardAction): void {
    if (a.type === "Action.ToggleVisibility") return this.shared.warn("selectAction Action.ToggleVisibility", "targets shown expanded");
    this.actionBlocks([{ ...a, title: a.title || this.t("slack.select") }]);
  }

  private textBlock(el: TextBlock): void {
    const raw = (el.text ?? "").trim();
    if (!raw) return;
    const text = el.color === "Attention" ? `:warning: ${raw}` : raw;
    const isHeading = el.style === "heading" || el.size === "Large" || el.size === "ExtraLarge";
    if (isHeading && plain(text).length <= LIMITS.headerText) {
      this.blocks.push({ type: "header", text: plainTextObject(text, LIMITS.headerText) });
    } else if (isHeading || el.weight === "Bolder") {
      for (const part of splitMarkdown(plain(text), LIMITS.sectionText - 2)) this.section(clip(`*${mrkdwn(part)}*`, LIMITS.sectionText));
    } else if (el.isSubtle || el.size === "Small") {
      for (const part of mrkdwnPieces(text, LIMITS.contextText)) this.blocks.push(contextBlock(part));
    } else {
      this.sections(text);
    }
  }

  /**
   * TextRuns as one mrkdwn text: bold runs bold, a run's link (selectAction
   * OpenUrl) kept; other run styles (italic, strikethrough, highlight, colour) read as plain text.
   */
  private richText(el: RichTextBlock): void {
    const runs = el.inlines.map((run) => {
      if (typeof run === "string") return run;
      const url = run.selectAction?.type === "Action.OpenUrl" ? slackUrl(run.selectAction.url) : undefined;
      if (url) return `[${run.text.replace(/[[\]]/g, "")}](${url})`;
      return run.weight === "Bolder" ? `**${run.text}**` : run.text;
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

  /**
   * Two columns of text only, as many lines each, read as label/value pairs
   * (section fields). Other columns are read row by row; a column of buttons
   * comes last, so a lone button beside text becomes the section's accessory.
   */
  private columnSet(el: ColumnSet): void {
    const columns = el.columns.filter((c) => !isHidden(c, this.shared.visibleIds));
    const texts = columns.map((c) => c.items);
    const onlyText = texts.every((items) => items.length > 0 && items.every((i) => i.type === "TextBlock" && i.isVisible));
    if (columns.length === 2 && onlyText && texts[0].length === texts[1].length && !columns.some((c) => c.selectAction)) {
      const text = (i: CardElement) => (i.type === "TextBlock" ? (i.text ?? "") : "");
      this.fields(texts[0].map((label, i) => [text(label), text(texts[1][i])]));
      return;
    }
    const isButtons = (c: Column) => c.items.length > 0 && c.items.every((i) => i.type === "ActionSet");
    const ordered = [...columns.filter((c) => !isButtons(c)), ...columns.filter(isButtons)];
    const start = this.blocks.length;
    const rows = Math.max(0, ...ordered.filter((c) => !isButtons(c)).map((c) => c.items.length));
    for (let row = 0; row < rows; row++) for (const col of ordered.filter((c) => !isButtons(c))) this.elements(col.items.slice(row, row + 1));
    for (const col of ordered) {
      if (isButtons(col)) this.elements(col.items);
      if (col.selectAction) this.selectAction(col.selectAction);
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
  private table(el: Table): void {
    const cellText = (cell: CardElement) => {
      const parts: string[] = [];
      walk(childrenOf(cell), (i) => {
        if (i.type === "TextBlock" && i.text !== undefined) parts.push(i.text);
        else if (i.type === "RichTextBlock") parts.push(i.inlines.map((r) => (typeof r === "string" ? r : r.text)).join(""));
      });
      return parts.join(" ");
    };
    const lines = el.rows.map((row, i) => {
      const line = row.cells.map(cellText).join(" · ");
      return el.firstRowAsHeader && i === 0 && line ? `**${line}**` : line;
    });
    if (lines.some((l) => l.trim())) this.sections(lines.join("\n"));
  }

  private image(el: Image): void {
    const url = slackUrl(el.url);
    const alt = el.altText || this.t("slack.element.image");
    if (!url) return this.fallback("Image", alt);
    this.blocks.push({ type: "image", image_url: url, alt_text: clip(alt, LIMITS.altText) });
    if (el.selectAction) this.selectAction(el.selectAction);
  }

  actionBlocks(actions: CardAction[]): void {
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

  private button(a: CardAction): Block | undefined {
    const text = plainTextObject(a.title || this.t("slack.select"), LIMITS.buttonText);
    if (a.type === "Action.OpenUrl") {
      const url = slackUrl(a.url);
      return url ? { type: "button", action_id: `u${this.shared.counter.next++}`, text, url } : undefined;
    }
    if (a.type === "Action.ShowCard") {
      // The App Home cannot be updated from a click in place: there the step is shown expanded.
      if (this.surface === "home") return undefined;
      const push = this.surface === "modal";
      // The card travels as it came (not as parsed), so the click renders what the card's author wrote.
      const value = encodeValue({ verb: push ? PUSH_VERB : STEP_VERB, title: a.title, card: a.json }, MAX_BUTTON_VALUE);
      return value ? { type: "button", action_id: `${push ? "p" : "e"}${this.shared.counter.next++}`, text, value } : undefined;
    }
    const cardData = submitted(a);
    if (!cardData) return undefined;
    const action = a.associatedInputs === "none" ? cardData : { ...cardData, ...this.shared.hidden, verb: cardData.verb };
    const value = encodeValue(action, MAX_BUTTON_VALUE) ?? JSON.stringify({ verb: TOO_LARGE_VERB });
    const style = a.style === "positive" ? { style: "primary" } : a.style === "destructive" ? { style: "danger" } : {};
    return { type: "button", action_id: `${a.associatedInputs === "none" ? "n" : "a"}${this.shared.counter.next++}`, text, value, ...style };
  }

  /** A ShowCard's card in place: a divider, its title, its body and actions. */
  step(title: string, inner: Card): void {
    this.blocks.push({ type: "divider" });
    this.section(`*${mrkdwn(fitText(plain(title), 200))}*`);
    this.elements(inner.body);
    this.actionBlocks(inner.actions);
  }

  /** An action that is no button in Slack: a ShowCard shown as an expanded step, or a fallback line. */
  private inlineAction(a: CardAction): void {
    const name = a.type === "unknown" ? a.actionType : a.type;
    const title = a.title ?? name;
    if (a.type === "Action.ShowCard" && a.card) return this.step(title, a.card);
    if (a.type === "Action.ToggleVisibility") {
      // Slack cannot toggle: the targets are always shown, and the button's title says so.
      this.shared.warn("Action.ToggleVisibility", "targets shown expanded");
      this.blocks.push(contextBlock(this.t("slack.toggleShown", { title: mrkdwn(fitText(plain(title), 200)) })));
      return;
    }
    this.fallback(name, title);
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
    const more = contextBlock(this.t("slack.more", { count: all.length - kept.length }));
    const at = kept.findIndex((b) => keepButtons.has(b));
    return at < 0 ? [...kept, more] : [...kept.slice(0, at), more, ...kept.slice(at)];
  }
}

function isHidden(el: CardElement, visibleIds: Set<string>): boolean {
  return !el.isVisible && !(el.id !== undefined && visibleIds.has(el.id));
}

/** `{id: value}` of the inputs that no one can see (hidden, or inside something hidden), as Adaptive Cards submit them. */
export function hiddenValues(card: Card, visibleIds: Set<string>): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (elements: CardElement[], hidden: boolean) => {
    for (const el of elements) {
      const inside = hidden || isHidden(el, visibleIds);
      if (inside && isInput(el) && el.id !== undefined) values[el.id] = el.value ?? "";
      visit(childrenOf(el), inside);
    }
  };
  visit(card.body, false);
  return values;
}

/**
 * The card's source for external selects: its first verb action, JSON-encoded.
 * The options handler asks the core for that form again, as the acting person,
 * and serves the choices from it (src/bots/core/router.ts `choices`).
 */
function choiceSource(card: Card, serves: (verb: string) => boolean = () => true): string | undefined {
  let found: Record<string, unknown> | undefined;
  const visit = (a: CardAction) => {
    const action = submitted(a);
    if (!found && action && serves(String(action.verb))) found = action;
  };
  for (const a of card.actions) visit(a);
  walk(card.body, () => undefined, visit);
  return found ? encodeValue(found, LIMITS.actionId - EXTERNAL_PREFIX.length) : undefined;
}

export function sharedState(card: Card, options: RenderOptions, firstActionNumber = 0): Shared {
  const visibleIds = toggleTargets(card);
  return { counter: { next: firstActionNumber }, warn: options.warn ?? (() => undefined), visibleIds, hidden: hiddenValues(card, visibleIds), source: choiceSource(card, options.servesChoices) };
}

export function renderBlocks(card: Card, t: Translate, surface: Surface, cardActions: CardAction[], options: RenderOptions) {
  const body = new Renderer(t, surface, sharedState(card, options));
  body.elements(card.body);
  const tail = body.sibling();
  tail.actionBlocks(cardActions);
  return body.limited(tail.blocks, LIMITS.blocks[surface]);
}
