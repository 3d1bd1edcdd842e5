// What the Slack channel shares between its listeners: who is talking (a
// Person from the Slack user), one turn through the core, and showing the
// core's Reply on the right Slack surface.
import type { webApi } from "@slack/bolt";
import type { App } from "../../app.ts";
import type { AdaptiveCard } from "../../cards/elements.ts";
import type { Person } from "../../domain/types.ts";
import { translator, type Translate } from "../../i18n/index.ts";
import type { CardAction, Reply } from "../core/types.ts";
import { CardTooLargeError, isForm, toMessage, toModal, type RenderOptions } from "./blockKit.ts";
import { dmChannelOf, personFor, type SlackUser } from "./people.ts";

export interface SlackDeps {
  app: App;
  /** Web API client for interactive replies (bot token, SLACK_API_URL). */
  client: webApi.WebClient;
}

/** Where a turn came from, which decides where its reply goes. */
export interface Origin {
  user: SlackUser;
  person: Person;
  /** Lets the first form of the reply open as a modal (valid for 3 seconds). */
  triggerId?: string;
  /** The person's DM with the bot, when already known. */
  channel?: string;
  /** The message whose button was clicked: Reply.replace updates it. */
  message?: { channel: string; ts: string; hasInputs: boolean };
  /** The modal whose button was clicked: Reply.replace updates it. */
  viewId?: string;
}

export function userOf(teamId: unknown, userId: unknown): SlackUser | undefined {
  return typeof userId === "string" && userId ? { teamId: typeof teamId === "string" ? teamId : "", userId } : undefined;
}

export function person(deps: SlackDeps, user: SlackUser, dmChannel?: string): Promise<Person> {
  return personFor({ store: deps.app.store, client: deps.client, defaultLocale: deps.app.config.defaultLocale }, user, dmChannel);
}

export function turn(
  deps: SlackDeps,
  origin: Origin,
  input: { text: string; personal: boolean } | { action: CardAction; submission?: string },
): Promise<Reply> {
  const submission = "submission" in input && input.submission ? `${origin.person.id}:${input.submission}` : undefined;
  const message = origin.message ? { platform: "slack" as const, ref: `${origin.message.channel}:${origin.message.ts}` } : undefined;
  return deps.app.handle({ person: origin.person, platform: "slack", personal: "action" in input ? true : input.personal, ...input, submission, ...(message ? { message } : {}) });
}

/**
 * The translation's ties to the app: what it could not show as such is logged
 * (the reader sees a fallback line); long choice lists load by type-ahead only
 * for verbs whose form the core can build again.
 */
export function renderOptions(deps: Pick<SlackDeps, "app">): RenderOptions {
  return {
    warn: (element, detail) => deps.app.log.warn({ element, detail }, "Slack shows a card element only as a fallback"),
    servesChoices: (verb) => deps.app.router.hasForm(verb),
  };
}

export function texts(origin: { person: Person }): Translate {
  return translator(origin.person.locale);
}

async function dm(deps: SlackDeps, origin: Origin): Promise<string> {
  origin.channel ??= await dmChannelOf({ store: deps.app.store, client: deps.client }, origin.user);
  return origin.channel;
}

export async function postCard(deps: SlackDeps, origin: Origin, card: AdaptiveCard): Promise<void> {
  await deps.client.chat.postMessage({ channel: await dm(deps, origin), ...toMessage(card, texts(origin), renderOptions(deps)) });
}

/** A short text for the person: ephemeral in the channel it came from, else in their DM. */
export async function tellEphemeral(deps: SlackDeps, origin: { user: SlackUser; channel?: string; locale?: Person["locale"] }, key: string): Promise<void> {
  const t = translator(origin.locale ?? deps.app.config.defaultLocale);
  if (origin.channel) {
    try {
      await deps.client.chat.postEphemeral({ channel: origin.channel, user: origin.user.userId, text: t(key) });
      return;
    } catch (err) {
      // A channel the bot is not in: the DM still reaches the person.
      deps.app.log.warn({ err }, "chat.postEphemeral failed; telling the person in their DM");
    }
  }
  const channel = await dmChannelOf({ store: deps.app.store, client: deps.client }, origin.user);
  await deps.client.chat.postMessage({ channel, text: t(key) });
}

/**
 * Shows a Reply: a form opens as a modal while a trigger_id is at hand;
 * Reply.replace updates the modal or message that was clicked; everything
 * else is posted to the person's DM.
 */
export async function present(deps: SlackDeps, origin: Origin, reply: Reply): Promise<void> {
  const t = texts(origin);
  const options = renderOptions(deps);
  let trigger = origin.triggerId;
  const show = async (card: AdaptiveCard, replacing: boolean) => {
    try {
      await showOn(card, replacing);
    } catch (err) {
      // A form with more inputs than Slack takes is refused as a whole, never shown with fields missing.
      if (!(err instanceof CardTooLargeError)) throw err;
      deps.app.log.warn({ err }, "card too large for Slack");
      await tellEphemeral(deps, { user: origin.user, locale: origin.person.locale }, "slack.formTooLarge");
    }
  };
  const showOn = async (card: AdaptiveCard, replacing: boolean) => {
    // A form filled in a message stays there (re-rendered with errors, or replaced by the result).
    if (replacing && origin.message?.hasInputs) {
      await deps.client.chat.update({ channel: origin.message.channel, ts: origin.message.ts, ...toMessage(card, t, options) });
      return;
    }
    if (replacing && origin.viewId) {
      await deps.client.views.update({ view_id: origin.viewId, view: toModal(card, t, { channel: origin.channel, ...options }) as never });
      return;
    }
    if (trigger && isForm(card)) {
      const triggerId = trigger;
      trigger = undefined;
      try {
        await deps.client.views.open({ trigger_id: triggerId, view: toModal(card, t, { channel: origin.channel, ...options }) as never });
        return;
      } catch (err) {
        // An expired trigger (slow turn): the form still arrives, as a message with its inputs.
        deps.app.log.warn({ err }, "views.open failed; posting the form as a message");
      }
    }
    if (replacing && origin.message) {
      await deps.client.chat.update({ channel: origin.message.channel, ts: origin.message.ts, ...toMessage(card, t, options) });
      return;
    }
    await postCard(deps, origin, card);
  };
  if (reply.replace) await show(reply.replace, true);
  for (const card of reply.cards) await show(card, false);
}
