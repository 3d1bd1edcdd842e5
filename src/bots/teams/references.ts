// Teams addresses as one opaque string each: a ConversationReference as JSON.
// A person's ChatAccount.conversationRef holds their 1:1 chat, or (first seen
// in a team channel) only who they are and where the connector lives, from
// which the 1:1 chat is created when the bot first writes to them.
import type { Activity, ChannelAccount, ConversationAccount, ConversationReference } from "botbuilder";

export interface TeamsReference {
  channelId: string;
  serviceUrl: string;
  tenantId: string;
  bot: Pick<ChannelAccount, "id" | "name">;
  user?: Pick<ChannelAccount, "id" | "name" | "aadObjectId">;
  /** Absent in a user-only reference. */
  conversation?: Pick<ConversationAccount, "id" | "conversationType" | "isGroup" | "tenantId">;
}

/** Where the bot answers in this conversation, without the per-message activity id (so it stays stable). */
export function conversationReference(activity: Activity): TeamsReference {
  const { id, conversationType, isGroup } = activity.conversation;
  return { ...userReference(activity), conversation: { id, conversationType, isGroup, tenantId: tenantOf(activity) } };
}

/** Who the person is and where their connector lives, without a conversation. */
export function userReference(activity: Activity): TeamsReference {
  const { id, name, aadObjectId } = activity.from;
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    tenantId: tenantOf(activity),
    bot: { id: activity.recipient.id, name: activity.recipient.name },
    user: { id, name, aadObjectId },
  };
}

/** What botbuilder's continueConversationAsync takes. */
export function toConversationReference(ref: TeamsReference): Partial<ConversationReference> {
  return {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    bot: ref.bot as ChannelAccount,
    user: ref.user as ChannelAccount | undefined,
    conversation: ref.conversation as ConversationAccount,
  };
}

export function isPersonal(activity: Pick<Activity, "conversation">): boolean {
  return activity.conversation?.conversationType === "personal";
}

/** A reference the bot can send to as is (a 1:1 chat or a channel), not a user-only one. */
export function hasConversation(ref: TeamsReference): boolean {
  return Boolean(ref.conversation?.id);
}

export function tenantOf(activity: Activity): string {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof channelData?.tenant?.id === "string" ? channelData.tenant.id : undefined;
  return activity.conversation?.tenantId ?? fromChannelData ?? "";
}

/** A channel's conversation id without the thread suffix (`19:…@thread.tacv2;messageid=…`): posting there starts a new post. */
export function channelId(conversationId: string): string {
  return conversationId.split(";")[0];
}

export function parseReference(json: string | null | undefined): TeamsReference | null {
  if (!json) return null;
  try {
    const ref = JSON.parse(json) as TeamsReference;
    return ref && typeof ref === "object" && typeof ref.serviceUrl === "string" && ref.serviceUrl && ref.bot ? ref : null;
  } catch {
    return null;
  }
}

/** The reference of one sent message, for Deliverer.update. */
export interface SentMessage {
  ref: TeamsReference;
  activityId: string;
}

export function sentMessageRef(ref: TeamsReference, activityId: string): string {
  return JSON.stringify({ ref, activityId } satisfies SentMessage);
}

export function parseSentMessage(json: string): SentMessage | null {
  try {
    const sent = JSON.parse(json) as SentMessage;
    return typeof sent?.activityId === "string" && parseReference(JSON.stringify(sent.ref)) ? sent : null;
  } catch {
    return null;
  }
}
