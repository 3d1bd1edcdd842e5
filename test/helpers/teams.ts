// A Teams client: sends Bot Framework activities to /api/messages as the
// Teams service does, with serviceUrl pointing at the Bot Connector stand-in.
import { randomUUID } from "node:crypto";

export const TENANT = "tenant-stockholm";
export const BOT = { id: "28:samordna-bot", name: "Samordna" };

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export interface Posted {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function postActivity(baseUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<Posted> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof activity === "string" ? activity : JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export function teamsUser(key: string, name: string): TeamsUser {
  return { id: `29:${key}`, name, aadObjectId: `aad-${key}` };
}

/** A conversation between one user and the bot: a 1:1 chat, or a team channel. */
export function teamsClient(baseUrl: string, serviceUrl: string, user: TeamsUser, options: { channel?: { id: string; teamId: string; teamName: string }; locale?: string } = {}) {
  const { channel } = options;
  const conversation = channel
    ? { id: `${channel.id};messageid=${Date.now()}`, conversationType: "channel", isGroup: true, tenantId: TENANT }
    : { id: `a:personal-${user.aadObjectId}`, conversationType: "personal", tenantId: TENANT };
  const channelData = channel
    ? { tenant: { id: TENANT }, team: { id: channel.teamId, name: channel.teamName }, channel: { id: channel.id }, teamsChannelId: channel.id, teamsTeamId: channel.teamId }
    : { tenant: { id: TENANT } };

  function activity(fields: Record<string, unknown>) {
    return {
      id: `f:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      channelId: "msteams",
      serviceUrl,
      from: user,
      recipient: BOT,
      conversation,
      channelData,
      locale: options.locale ?? "sv-SE",
      ...fields,
    };
  }

  return {
    conversationId: conversation.id,
    activity,
    post: (a: unknown, headers?: Record<string, string>) => postActivity(baseUrl, a, headers),
    say: (text: string) => {
      const mention = `<at>${BOT.name}</at>`;
      return postActivity(
        baseUrl,
        activity({
          type: "message",
          textFormat: "plain",
          text: channel ? `${mention} ${text}` : text,
          ...(channel ? { entities: [{ type: "mention", mentioned: BOT, text: mention }] } : {}),
        }),
      );
    },
    /** Universal Actions: a click on an Action.Execute (inputs merged into data, as Teams does). */
    execute: (verb: string, data: Record<string, unknown> = {}) =>
      postActivity(baseUrl, activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data: { verb, ...data } }, trigger: "manual" } })),
    /** The Action.Submit fallback: a message whose value is the data, replying to the card's message. */
    submit: (cardActivityId: string, verb: string, data: Record<string, unknown> = {}) =>
      postActivity(baseUrl, activity({ type: "message", replyToId: cardActivityId, value: { verb, ...data } })),
    install: () => postActivity(baseUrl, activity({ type: "conversationUpdate", membersAdded: [BOT, ...(channel ? [] : [user])] })),
    installationUpdate: (action: "add" | "remove") => postActivity(baseUrl, activity({ type: "installationUpdate", action })),
  };
}

/** The Adaptive Card of a message activity the bot sent. */
export function cardOf(activity: any): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const attachment = activity?.attachments?.find((a: { contentType: string }) => a.contentType === "application/vnd.microsoft.card.adaptive");
  return attachment?.content;
}
