// The platform-neutral contract between channels and the core.
import type { AdaptiveCard } from "../../cards/elements.ts";
import type { CardContext } from "../../cards/context.ts";
import type { FieldError } from "../../domain/errors.ts";
import type { Person, Platform, Role } from "../../domain/types.ts";

export interface CardAction {
  verb: string;
  data: Record<string, unknown>;
}

/** One thing a person said or clicked, on any platform. */
export interface Turn {
  person: Person;
  platform: Platform;
  /** A 1:1 chat with the bot (free text there is offered as a need). */
  personal: boolean;
  text?: string;
  action?: CardAction;
  /**
   * The identity of the card or form instance an action came from, as the
   * channel knows it (Slack view id and hash or message, Teams card message id,
   * web chat card id). With it, one submission of one form makes one change.
   */
  submission?: string;
  /**
   * The message holding the clicked card, when the platform lets Samordna
   * update it later, outside any turn (Slack: `<channel>:<ts>`, a Deliverer ref).
   */
  message?: { platform: Platform; ref: string };
}

export interface Reply {
  /** Cards to send as new messages. */
  cards: AdaptiveCard[];
  /** Replaces the card whose action was clicked (Teams invoke response, Slack modal, web chat in place). */
  replace?: AdaptiveCard;
  /** Set when a form came back invalid: field id → message (Slack answers `response_action: errors`). */
  fieldErrors?: Record<string, string>;
}

export interface HandlerContext extends CardContext {
  turn: Turn;
  person: Person;
  /** Help lines for the intents this person can use. */
  helpLines: () => string[];
  /**
   * For a verb in `storesSubmission`, the key of this submission (when the
   * channel names the card or form it came from): the handler stores it on
   * the row it creates, whose unique column refuses a repeat.
   */
  submissionKey?: string;
}

export type TextHandler = (ctx: HandlerContext, rest: string) => Promise<Reply>;
export type ActionHandler = (ctx: HandlerContext, data: Record<string, unknown>) => Promise<Reply>;
/**
 * The form a verb submits, built again from the submitted data for the acting
 * person (permissions apply): its inputs' own rules are checked before the
 * handler runs, and long choice lists are served from it (Slack type-ahead).
 */
export type FormSource = (ctx: HandlerContext, data: Record<string, unknown>) => Promise<AdaptiveCard>;

export interface FormDefinition {
  form: FormSource;
  /** Inputs whose card rules only suggest: the domain decides and explains (e.g. a duplicate's original may be any need). */
  advisory?: string[];
  /**
   * The reply when the card's rules fail. By default the form again with the
   * values kept and the fields marked; a feature may add its own checks'
   * errors so the person sees every problem at once.
   */
  invalid?: (ctx: HandlerContext, data: Record<string, unknown>, errors: Record<string, FieldError>) => Promise<Reply>;
}

export interface IntentDefinition {
  /** Dotted name, e.g. "need.new". */
  name: string;
  /** Phrases that start the intent, any language (matched case-insensitively at the start of the text). */
  phrases: string[];
  /** i18n key of this intent's line in the help card. */
  helpKey?: string;
  /** Who sees it in help; everyone when unset. */
  roles?: Role[];
  handle: TextHandler;
}

/** A feature contributes intents and card-action verbs to the one routing table. */
export interface Feature {
  intents?: IntentDefinition[];
  actions?: Record<string, ActionHandler>;
  /** verb → the form whose submission it handles. */
  forms?: Record<string, FormDefinition>;
  /** Verbs that change something: a repeat of the same submission (double click, replay) is refused, not done twice. */
  once?: string[];
  /**
   * Verbs that change something and store the submission's key themselves, on
   * the row they create (`HandlerContext.submissionKey`, a unique column): the
   * insert is the duplicate check, so the router records nothing for them and
   * a repeat costs no statement of its own (docs/PERFORMANCE.md, issue 19).
   */
  storesSubmission?: string[];
}

export function reply(cards: AdaptiveCard[] | AdaptiveCard, replace?: AdaptiveCard): Reply {
  return { cards: Array.isArray(cards) ? cards : [cards], ...(replace ? { replace } : {}) };
}
