// Adaptive Card → Block Kit: the one translation of the bot's cards for Slack.
// A form card (one with inputs) becomes a modal when Slack gave a trigger_id,
// otherwise a message with input blocks; any other card becomes message blocks.
// Every Adaptive Card 1.5 element and action has a translation here or a
// fallback the reader sees (a context line: shown in full in Teams or the web)
// plus a warning naming the element: nothing disappears without a trace.
// The card is read through the typed model (src/cards/model.ts `parseCard`):
// renderer.ts switches over its union, and the model's `unknown` variant is
// what gets the fallback line. Inputs are translated in inputs.ts, text and
// limits in mrkdwn.ts; this module puts the blocks on a message, modal or Home. The mapping table is docs/decisions/0002-slack-block-kit.md.
// Slack's limits are enforced by truncating with "…and N more"; only inputs are
// never cut: a form that cannot fit is refused.
import type { AdaptiveCard } from "../../cards/elements.ts";
import { parseCard, submitted, walk, type Card } from "../../cards/model.ts";
import type { Translate } from "../../i18n/index.ts";
import { clip, contextBlock, LIMITS, mrkdwn, plain, plainTextObject, type Block, type PlainText } from "./mrkdwn.ts";
import { hasInputs, hiddenValues, PUSH_VERB, Renderer, renderBlocks, sharedState, STEP_VERB, toggleTargets, type RenderOptions } from "./renderer.ts";
import { encodeValue, MAX_PRIVATE_METADATA } from "./values.ts";

export { choiceOption, EXTERNAL_PREFIX, INPUT_ACTION_ID, type Warn } from "./inputs.ts";
export { clip, LIMITS, mrkdwn, mrkdwnPieces, plain, slackUrl, splitMarkdown, type Block, type Surface } from "./mrkdwn.ts";
export { ACTION_ID_PATTERN, CardTooLargeError, PUSH_VERB, STEP_VERB, TOO_LARGE_VERB, type RenderOptions } from "./renderer.ts";

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

/** True when the card has inputs anywhere (a form), ShowCards included. */
export function isForm(json: AdaptiveCard): boolean {
  return hasInputs(parseCard(json).card);
}

function fallbackText(card: Card): string {
  const texts: string[] = [];
  walk(card.body, (el) => {
    // Slack reads a message's `text` as mrkdwn too (notifications): escaped, or "<!channel>" would ping everyone.
    if (el.type === "TextBlock" && el.text !== undefined) texts.push(mrkdwn(el.text));
  });
  return clip(texts.slice(0, 2).join("\n"), LIMITS.fallbackText) || " ";
}

/** A card as a message (chat.postMessage / chat.update); a form keeps its inputs and its buttons send them. */
export function toMessage(json: AdaptiveCard, t: Translate, options: RenderOptions = {}): MessageBlocks {
  const { card } = parseCard(json);
  return { blocks: renderBlocks(card, t, "message", card.actions, options), text: fallbackText(card) };
}

/** A card as the App Home tab (views.publish). */
export function toHome(json: AdaptiveCard, t: Translate, options: RenderOptions = {}): { type: "home"; blocks: Block[] } {
  const { card } = parseCard(json);
  return { type: "home", blocks: renderBlocks(card, t, "home", card.actions, options) };
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
export function toModal(json: AdaptiveCard, t: Translate, options: { channel?: string } & RenderOptions = {}): ModalView {
  const { card } = parseCard(json);
  const actions = card.actions;
  const form = hasInputs(card);
  const primaryIndex = actions.findIndex((a) => submitted(a) && (form || a.style === "positive"));
  const primary = primaryIndex >= 0 ? actions[primaryIndex] : undefined;
  const others = actions.filter((_, i) => i !== primaryIndex);
  const blocks = renderBlocks(card, t, "modal", others, options);
  const title = (() => {
    const first = card.body.find((el) => el.type === "TextBlock");
    const text = first ? plain(first.text ?? "") : "";
    return text && text.length <= LIMITS.modalTitle ? text : t("app.name");
  })();
  const view: ModalView = {
    type: "modal",
    callback_id: "samordna",
    title: plainTextObject(title, LIMITS.modalTitle),
    close: plainTextObject(t(primary ? "common.cancel" : "slack.modal.close"), LIMITS.modalButton),
    private_metadata: "",
    blocks,
  };
  const action = primary ? submitted(primary) : undefined;
  if (action && primary) {
    const { verb, ...cardData } = action;
    const data = { ...cardData, ...hiddenValues(card, toggleTargets(card)) };
    const metadata = encodeValue({ data, ...(options.channel ? { channel: options.channel } : {}) } satisfies ModalMetadata, MAX_PRIVATE_METADATA);
    if (metadata === undefined) {
      view.blocks = [...blocks.slice(0, LIMITS.blocks.modal - 1), contextBlock(t("slack.tooLarge"))];
    } else {
      view.callback_id = clip(String(verb), LIMITS.actionId);
      view.private_metadata = metadata;
      view.submit = plainTextObject(primary.title ?? "", LIMITS.modalButton);
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
  const at = blocks.findIndex((b) => arr(b.elements).some((e) => e.action_id === actionId));
  if (!card || value.verb !== STEP_VERB || at < 0) return undefined;
  // New buttons are numbered after the message's own, so action ids stay unique.
  const numbers = blocks.flatMap((b) => [...arr(b.elements), ...(b.accessory ? [b.accessory as Block] : [])]).map((e) => Number(/^[a-z](\d+)$/.exec(String(e.action_id))?.[1] ?? -1));
  const { card: step } = parseCard(card);
  const renderer = new Renderer(t, "message", sharedState(step, options, Math.max(-1, ...numbers) + 1));
  renderer.step(String(value.title ?? ""), step);
  const clicked = blocks[at];
  const rest = arr(clicked.elements).filter((e) => e.action_id !== actionId);
  const result = [...blocks.slice(0, at), ...(rest.length ? [{ ...clicked, elements: rest }] : []), ...renderer.blocks, ...blocks.slice(at + 1)];
  return result.length <= LIMITS.blocks.message ? result : undefined;
}

/** The blocks in a block's `elements` as Slack sent them (objects only). */
function arr(v: unknown): Block[] {
  return Array.isArray(v) ? v.filter((x): x is Block => !!x && typeof x === "object") : [];
}
