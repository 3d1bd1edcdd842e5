// Reply → Teams: cards become message activities; the card that replaces the
// clicked one becomes the invoke response (Universal Actions refresh it in place).
import { ActivityTypes, CardFactory, MessageFactory, type Activity, type AdaptiveCardInvokeResponse, type TurnContext } from "botbuilder";
import { mapObjects, type AdaptiveCard } from "../../cards/elements.ts";
import type { Logger } from "../../log.ts";
import type { Reply } from "../core/types.ts";

const CARD = "application/vnd.microsoft.card.adaptive";
const MESSAGE = "application/vnd.microsoft.activity.message";
const ERROR = "application/vnd.microsoft.error";

/**
 * Gives every Action.Execute an Action.Submit fallback: Teams clients without
 * Universal Actions send a message whose `value` is the data, verb included.
 * A card that asks to be refreshed is refreshed for `viewer` (the Teams user
 * it is shown to): Teams refreshes automatically only for the listed users.
 */
export function forTeams(card: AdaptiveCard, viewer?: string): AdaptiveCard {
  const { refresh, ...rest } = card;
  const withFallback = (o: Record<string, unknown>) => {
    if (o.type !== "Action.Execute" || o.fallback !== undefined) return o;
    const { title, data, style, associatedInputs } = o;
    return { ...o, fallback: { type: "Action.Submit", title, data, ...(style ? { style } : {}), ...(associatedInputs ? { associatedInputs } : {}) } };
  };
  // The refresh action is sent by Teams itself, never shown: no fallback; without a viewer, no refresh.
  const userIds = refresh?.userIds ?? (viewer ? [viewer] : []);
  return { ...(mapObjects(rest, withFallback) as AdaptiveCard), ...(refresh && userIds.length ? { refresh: { ...refresh, userIds } } : {}) };
}

export function cardMessage(card: AdaptiveCard, viewer?: string): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(forTeams(card, viewer)));
}

/** Sends each card as a new message in the conversation, for the person this turn is with. */
export async function sendCards(context: TurnContext, cards: AdaptiveCard[]): Promise<void> {
  if (cards.length) await context.sendActivities(cards.map((c) => cardMessage(c, context.activity.from?.id)));
}

/** The HTTP answer to an invoke (CloudAdapter returns it as the response body). */
export async function answerInvoke(context: TurnContext, body: AdaptiveCardInvokeResponse, status = 200): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

export const invokeCard = (card: AdaptiveCard, viewer?: string): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: CARD, value: forTeams(card, viewer) as unknown as Record<string, unknown> });
export const invokeMessage = (text: string): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: MESSAGE, value: text as unknown as Record<string, unknown> });
export const invokeError = (statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse => ({ statusCode, type: ERROR, value: { code, message } });

/**
 * A card action that came as an Action.Submit message: the replacing card
 * updates the message that held the clicked card; when that fails (too old,
 * deleted), it is sent as a new message instead.
 */
export async function replaceSubmittedCard(context: TurnContext, reply: Reply, log: Logger): Promise<void> {
  const cards = [...reply.cards];
  const cardActivityId = context.activity.replyToId;
  if (reply.replace && cardActivityId) {
    try {
      await context.updateActivity({ ...cardMessage(reply.replace, context.activity.from?.id), id: cardActivityId });
    } catch (err) {
      log.warn({ err: (err as Error).message }, "teams: could not update the submitted card; sending it anew");
      cards.unshift(reply.replace);
    }
  } else if (reply.replace) {
    cards.unshift(reply.replace);
  }
  await sendCards(context, cards);
}
