// The message action "Report as need" (a compose extension of type action on
// messages), as the Slack shortcut: composeExtension/fetchTask opens the need
// form in a dialog, prefilled from the message; composeExtension/submitAction
// takes the form (and any button on the cards that follow) through the core
// router, the need linked to the message.
import type { TurnContext } from "botbuilder";
import { z } from "zod";
import type { App } from "../../app.ts";
import { mapObjects, type AdaptiveCard } from "../../cards/elements.ts";
import type { Turn } from "../core/types.ts";

export const FETCH_TASK = "composeExtension/fetchTask";
export const SUBMIT_ACTION = "composeExtension/submitAction";
export const REPORT_NEED_COMMAND = "reportNeed";
const CARD = "application/vnd.microsoft.card.adaptive";

const messagePayload = z
  .looseObject({
    body: z.looseObject({ content: z.string().max(100_000).optional(), contentType: z.string().optional() }).optional(),
    linkToMessage: z.string().max(2_000).optional(),
  })
  .optional();
const fetchValue = z.looseObject({ commandId: z.literal(REPORT_NEED_COMMAND), messagePayload });
const submitValue = z.looseObject({ commandId: z.literal(REPORT_NEED_COMMAND), messagePayload, data: z.record(z.string(), z.unknown()).default({}) });

/** The message's text: Teams sends HTML. */
export function messageText(content: string | undefined, contentType: string | undefined): string {
  if (!content) return "";
  if (contentType !== "html") return content.trim();
  return content
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Dialogs do not run Universal Actions: every Action.Execute becomes an Action.Submit carrying its verb. */
export function forDialog(card: AdaptiveCard): AdaptiveCard {
  const toSubmit = (o: Record<string, unknown>) => {
    if (o.type !== "Action.Execute") return o;
    const { verb, data, type: _type, fallback: _fallback, ...rest } = o;
    return { ...rest, type: "Action.Submit", data: { ...((data as Record<string, unknown>) ?? {}), verb } };
  };
  return mapObjects(card, toSubmit) as AdaptiveCard;
}

function dialog(title: string, card: AdaptiveCard) {
  return { task: { type: "continue", value: { title, width: "medium", height: "large", card: { contentType: CARD, content: forDialog(card) } } } };
}

/** The invoke response body for a message-action invoke, or undefined when the invoke is not ours. */
export async function messageActionResponse(app: App, context: TurnContext, turn: Turn): Promise<object | undefined> {
  const { activity } = context;
  const title = "Samordna";
  if (activity.name === FETCH_TASK) {
    const parsed = fetchValue.safeParse(activity.value);
    if (!parsed.success) return undefined;
    const message = parsed.data.messagePayload;
    const sourceUrl = message?.linkToMessage && /^https:\/\//.test(message.linkToMessage) ? message.linkToMessage : undefined;
    const reply = await app.handle({ ...turn, action: { verb: "need.new", data: { text: messageText(message?.body?.content, message?.body?.contentType), ...(sourceUrl ? { sourceUrl } : {}) } } });
    const card = reply.replace ?? reply.cards[0];
    return card ? dialog(title, card) : {};
  }
  if (activity.name === SUBMIT_ACTION) {
    const parsed = submitValue.safeParse(activity.value);
    if (!parsed.success) return undefined;
    const { verb, ...data } = parsed.data.data;
    const reply = await app.handle({ ...turn, action: { verb: typeof verb === "string" ? verb : "need.submit", data } });
    const card = reply.replace ?? reply.cards[0];
    // The result (a thank-you with the reference, similar needs to support instead, or the form with its errors) stays in the dialog.
    return card ? dialog(title, card) : {};
  }
  return undefined;
}
