// Proactive delivery to Teams (pings, reminders, digests, status notices):
// continue the person's 1:1 chat from its stored reference, or create it when
// only the person's ids are known; channels by their remembered reference.
import type { TurnContext } from "botbuilder";
import type { App } from "../../app.ts";
import type { AdaptiveCard } from "../../cards/elements.ts";
import type { ChatAccount } from "../../store/people.ts";
import { DeliveryError, type Deliverer, type DeliveryTarget } from "../delivery.ts";
import type { TeamsAdapter } from "./adapter.ts";
import {
  channelId,
  hasConversation,
  parseReference,
  parseSentMessage,
  sentMessageRef,
  toConversationReference,
  type TeamsReference,
} from "./references.ts";
import { cardMessage } from "./replies.ts";
import { serviceUrlRefusal } from "./serviceUrl.ts";

/** The HTTP status and Retry-After of a failed Bot Connector call (a RestError from the connector client). */
function httpFailure(err: unknown): { status?: number; retryAfter?: string } {
  const e = err as { statusCode?: unknown; response?: { status?: unknown; headers?: { get?(name: string): string | undefined } } };
  const status = typeof e.statusCode === "number" ? e.statusCode : typeof e.response?.status === "number" ? e.response.status : undefined;
  return { status, retryAfter: e.response?.headers?.get?.("retry-after") ?? undefined };
}

export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}

export function createTeamsDeliverer(deps: { adapter: TeamsAdapter; app: App }): Deliverer {
  const { adapter, app } = deps;
  const { store, log } = app;
  const appId = app.config.teams?.appId ?? "";

  /** Maps a connector failure onto the outbox's retry rules; marks the account when the person cannot be reached. */
  async function classify(err: unknown, account: ChatAccount | null): Promise<DeliveryError> {
    if (err instanceof DeliveryError) return err;
    const { status, retryAfter } = httpFailure(err);
    const message = `Teams: ${(err as Error).message ?? String(err)}`.slice(0, 500);
    // The person removed the app, blocked the bot or the chat is gone.
    if (status === 403 || status === 404) {
      if (account) await store.people.markUnreachable(account.id, app.clock());
      return new DeliveryError("unreachable", message);
    }
    if (status === 429) return new DeliveryError("rate_limited", message, retryAfterMs(retryAfter, app.clock()));
    if (status === undefined || status >= 500 || status === 408) return new DeliveryError("transient", message);
    return new DeliveryError("permanent", message);
  }

  /** Runs `send` in a proactive turn; errors inside the turn are carried out, not left to onTurnError. */
  async function inConversation<T>(ref: TeamsReference, send: (context: TurnContext) => Promise<T>): Promise<T> {
    let result: { ok: true; value: T } | { ok: false; err: unknown } = { ok: false, err: new Error("the proactive turn did not run") };
    await adapter.continueConversationAsync(appId, toConversationReference(ref), async (context) => {
      try {
        result = { ok: true, value: await send(context) };
      } catch (err) {
        result = { ok: false, err };
      }
    });
    const done = result as { ok: true; value: T } | { ok: false; err: unknown };
    if (!done.ok) throw done.err;
    return done.value;
  }

  /** Development mode sends to loopback Bot Connectors only; anything else fails for good, logged. */
  function guard(ref: TeamsReference): TeamsReference {
    const refusal = serviceUrlRefusal(app.config, ref.serviceUrl);
    if (!refusal) return ref;
    log.warn({ serviceUrl: String(ref.serviceUrl).slice(0, 200) }, `teams: proactive send refused: ${refusal}`);
    throw new DeliveryError("permanent", `Teams: ${refusal}`);
  }

  async function sendCard(ref: TeamsReference, card: AdaptiveCard): Promise<string> {
    const sent = await inConversation(ref, (context) => context.sendActivity(cardMessage(card)));
    return sentMessageRef(ref, sent?.id ?? "");
  }

  /** Creates the 1:1 chat with a person known only by ids, and keeps its reference on the account. */
  async function createPersonalChat(ref: TeamsReference, account: ChatAccount): Promise<TeamsReference> {
    if (!ref.user?.id) throw new DeliveryError("unreachable", "Teams: the person's Teams id is not known");
    let created: TeamsReference | undefined;
    await adapter.createConversationAsync(
      appId,
      ref.channelId,
      ref.serviceUrl,
      // No audience: the connector factory falls back to the configured cloud's Bot Framework scope.
      undefined as unknown as string,
      {
        isGroup: false,
        bot: { id: ref.bot.id, name: ref.bot.name ?? "" },
        members: [{ id: ref.user.id, name: ref.user.name ?? "" }],
        tenantId: ref.tenantId,
        channelData: { tenant: { id: ref.tenantId } },
      } as Parameters<TeamsAdapter["createConversationAsync"]>[4],
      async (context) => {
        created = { ...ref, conversation: { id: context.activity.conversation.id, conversationType: "personal", isGroup: false, tenantId: ref.tenantId } };
      },
    );
    if (!created) throw new DeliveryError("transient", "Teams: the conversation was not created");
    await store.people.setConversationRef(account.id, JSON.stringify(created));
    return created;
  }

  async function teamsAccount(target: Extract<DeliveryTarget, { kind: "person" }>): Promise<ChatAccount | null> {
    if (target.account?.platform === "teams") return target.account;
    return (await store.people.accountsOf(target.person.id)).find((a) => a.platform === "teams") ?? null;
  }

  return {
    platform: "teams",

    async deliver(target, card) {
      if (target.kind === "channel") {
        const id = channelId(target.id);
        const ref = parseReference(JSON.stringify(await store.settings.get(`teams.channel:${id}`)));
        if (!ref) throw new DeliveryError("permanent", `Teams: the bot has not been added to channel ${id.slice(0, 200)}`);
        try {
          return { ref: await sendCard(guard(ref), card) };
        } catch (err) {
          throw await classify(err, null);
        }
      }
      const account = await teamsAccount(target);
      const stored = parseReference(account?.conversationRef);
      if (!account || !stored) throw new DeliveryError("unreachable", `Teams: person ${target.person.id} has no Teams conversation`);
      guard(stored);
      try {
        const ref = hasConversation(stored) ? stored : await createPersonalChat(stored, account);
        return { ref: await sendCard(ref, card) };
      } catch (err) {
        const failure = await classify(err, account);
        log.info({ personId: target.person.id, failure: failure.failure }, failure.message);
        throw failure;
      }
    },

    async update(ref, card) {
      const sent = parseSentMessage(ref);
      if (!sent?.activityId) throw new DeliveryError("permanent", "Teams: not a reference to a sent message");
      guard(sent.ref);
      try {
        await inConversation(sent.ref, (context) => context.updateActivity({ ...cardMessage(card), id: sent.activityId }));
      } catch (err) {
        throw await classify(err, null);
      }
    },
  };
}
