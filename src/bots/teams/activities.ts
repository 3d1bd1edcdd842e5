// Activity → Turn: one handler per activity type. Text and card actions go to
// the core router; installs greet; everything else is acknowledged and ignored.
import { ActivityTypes, TurnContext } from "botbuilder";
import { z } from "zod";
import type { App } from "../../app.ts";
import { cardContext } from "../../cards/context.ts";
import { helpCard } from "../../cards/messages.ts";
import type { CardAction, Turn } from "../core/types.ts";
import { channelId, conversationReference, isPersonal } from "./references.ts";
import { FETCH_TASK, messageActionResponse, SUBMIT_ACTION } from "./messageAction.ts";
import { answerInvoke, invokeCard, invokeError, invokeMessage, replaceSubmittedCard, sendCards } from "./replies.ts";
import { accountKey, identify, localeFrom } from "./roster.ts";

const ADAPTIVE_CARD_ACTION = "adaptiveCard/action";
const verb = z.string().min(1).max(100);
const data = z.record(z.string(), z.unknown());
/** Universal Actions: `{ action: { type: "Action.Execute", verb, data } }`. */
const executeValue = z.object({ action: z.looseObject({ verb, data: data.optional() }) });
/** Action.Submit fallback: the message's `value` is the action's data, verb included. */
const submitValue = z.looseObject({ verb });

function toAction(v: string, payload: Record<string, unknown> = {}): CardAction {
  const { verb: _verb, ...rest } = payload;
  return { verb: v, data: rest };
}

/** The verb of a card action (an Action.Execute invoke or an Action.Submit message), when the activity is one. */
function cardActionVerb(activity: TurnContext["activity"]): string | undefined {
  if (activity.type === ActivityTypes.Invoke && activity.name === ADAPTIVE_CARD_ACTION) return executeValue.safeParse(activity.value).data?.action.verb;
  if (activity.type === ActivityTypes.Message) return submitValue.safeParse(activity.value).data?.verb;
  return undefined;
}

export function createActivityHandler(app: App) {
  const deps = { store: app.store, log: app.log, defaultLocale: app.config.defaultLocale };

  /**
   * An action whose handler stores the submission's key on the row it creates
   * (a need submit): that insert refuses a retried delivery too, so the
   * activity's own exactly-once record is skipped — one insert less.
   */
  function storesItself(activity: TurnContext["activity"]): boolean {
    const v = cardActionVerb(activity);
    return v !== undefined && app.router.storesSubmission(v);
  }

  async function turnOf(context: TurnContext): Promise<Turn> {
    const { person } = await identify(context, deps);
    if (!isPersonal(context.activity)) await rememberChannel(context);
    // The message holding the clicked card: a double click on it is one submission. Without
    // one, an action that skipped the activity record is keyed by the activity (a retry repeats it).
    const { replyToId, conversation, id } = context.activity;
    const submission = replyToId
      ? `card:${person.id}:${conversation.id}|${replyToId}`
      : id && storesItself(context.activity)
        ? `activity:${person.id}:${conversation.id}|${id}`
        : undefined;
    return { person, platform: "teams", personal: isPersonal(context.activity), ...(submission ? { submission } : {}) };
  }

  /** Channels the bot has seen, so digests can be sent to `teams:<channel id>` later. */
  async function rememberChannel(context: TurnContext): Promise<void> {
    const id = channelId(context.activity.conversation.id);
    const ref = conversationReference(context.activity);
    const stored = { ...ref, conversation: { ...ref.conversation, id } };
    const key = `teams.channel:${id}` as const;
    if (JSON.stringify(await app.store.settings.get(key)) !== JSON.stringify(stored)) await app.store.settings.set(key, { ...stored });
  }

  async function onMessage(context: TurnContext): Promise<void> {
    const turn = await turnOf(context);
    const submitted = submitValue.safeParse(context.activity.value);
    if (submitted.success) {
      const reply = await app.handle({ ...turn, action: toAction(submitted.data.verb, submitted.data) });
      await replaceSubmittedCard(context, reply, app.log);
      return;
    }
    // In channels the bot is @mentioned: the mention is not part of what was said.
    const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
    const reply = await app.handle({ ...turn, text: text.replace(/&nbsp;/g, " ").trim() });
    await sendCards(context, reply.replace ? [reply.replace, ...reply.cards] : reply.cards);
  }

  async function onInvoke(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.name === FETCH_TASK || activity.name === SUBMIT_ACTION) {
      const body = await messageActionResponse(app, context, await turnOf(context));
      if (body) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
      else await answerInvoke(context, invokeError(400, "bad_request", `${activity.name}: unknown command or malformed value`), 400);
      return;
    }
    if (activity.name !== ADAPTIVE_CARD_ACTION) {
      await answerInvoke(context, invokeError(400, "unsupported_invoke", `invoke ${String(activity.name).slice(0, 100)} is not supported`), 400);
      return;
    }
    const turn = await turnOf(context);
    const { t } = cardContext(turn.person.locale, app.config.timezone);
    const parsed = executeValue.safeParse(activity.value);
    if (!parsed.success) {
      await answerInvoke(context, invokeError(400, "bad_request", t("teams.action.invalid")), 400);
      return;
    }
    const reply = await app.handle({ ...turn, action: toAction(parsed.data.action.verb, parsed.data.action.data) });
    await sendCards(context, reply.cards);
    // The clicked card turns into the replacing one (a submitted form into its result); otherwise it stays as it was.
    // A refresh (trigger "automatic": Teams showing a card that asked for it) is answered the same way, for the same person.
    await answerInvoke(context, reply.replace ? invokeCard(reply.replace, activity.from.id) : invokeMessage(t("teams.action.answered")));
  }

  /** The bot was added to a 1:1 chat or a team: remember where, and greet once per conversation. */
  async function onInstall(context: TurnContext): Promise<void> {
    const turn = await turnOf(context);
    const conversationId = channelId(context.activity.conversation.id);
    if (!(await app.store.inbound.firstSeen("teams", `welcome:${conversationId}`))) return;
    const team = (context.activity.channelData as { team?: { name?: unknown } } | undefined)?.team;
    const welcomeName = !turn.personal && typeof team?.name === "string" ? team.name : turn.person.displayName.split(" ")[0];
    await sendCards(context, [helpCard(cardContext(turn.person.locale, app.config.timezone), app.router.helpLines(turn), { welcomeName })]);
  }

  async function onConversationUpdate(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.membersAdded?.some((m) => m.id === activity.recipient.id)) await onInstall(context);
  }

  async function onInstallationUpdate(context: TurnContext): Promise<void> {
    const { activity } = context;
    const action = String(activity.action ?? "");
    // "add-upgrade" is a new app version, not a new install: no second welcome.
    if (action === "add") return onInstall(context);
    if (action === "remove" && isPersonal(activity)) {
      // Removed from the 1:1 chat: stop proactive messages until the person comes back.
      const key = accountKey(context);
      const account = await app.store.people.account("teams", key.tenantId, key.userId);
      if (account) await app.store.people.markUnreachable(account.id, app.clock());
    }
  }

  return async function onActivity(context: TurnContext): Promise<void> {
    const { activity } = context;
    // Teams retries a delivery it got no answer to: the same activity is handled once
    // (by this record, or by the row the action creates: see storesItself).
    if (activity.id && !storesItself(activity) && !(await app.store.inbound.firstSeen("teams", `${activity.conversation.id}|${activity.id}`))) {
      app.log.info({ activityId: activity.id, type: activity.type }, "teams: duplicate activity ignored");
      if (activity.type === ActivityTypes.Invoke) {
        const { t } = cardContext(localeFrom(activity.locale, app.config.defaultLocale), app.config.timezone);
        await answerInvoke(context, invokeMessage(t("teams.action.duplicate")));
      }
      return;
    }
    switch (activity.type) {
      case ActivityTypes.Message:
        return onMessage(context);
      case ActivityTypes.Invoke:
        return onInvoke(context);
      case ActivityTypes.ConversationUpdate:
        return onConversationUpdate(context);
      case ActivityTypes.InstallationUpdate:
        return onInstallationUpdate(context);
      default:
        // Typing, reactions, edits, events: nothing for Samordna to do.
        return;
    }
  };
}
